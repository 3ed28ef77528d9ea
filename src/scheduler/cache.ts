// The scheduler cache: NodeInfos built from node and pod informer events, plus assumed pods (placed before their binding is confirmed).

import type { KObject } from '../api/strategy.js';
import type { NodeInfoLister } from './framework/interfaces.js';
import { NodeInfo } from './framework/node-info.js';
import { PodInfo, podKey } from './framework/pod-info.js';

/** Whether a node update changed what scheduling reads: labels, taints, unschedulable, allocatable. */
export function nodePropsChanged(old: KObject, node: KObject): boolean {
  if (old === node) return false;
  if (!!old?.spec?.unschedulable !== !!node?.spec?.unschedulable) return true;
  const same = (a: unknown, b: unknown) => a === b || JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  return !same(old?.metadata?.labels, node?.metadata?.labels) || !same(old?.spec?.taints, node?.spec?.taints) || !same(old?.status?.allocatable ?? old?.status?.capacity, node?.status?.allocatable ?? node?.status?.capacity);
}

interface PodState {
  pi: PodInfo;
  nodeName: string;
  /** placed by the scheduler, not yet seen bound through the informer */
  assumed: boolean;
  bindingFinished: boolean;
}

/**
 * Nodes and the pods assigned to them, as the scheduler believes them to be. Pods assumed
 * at Reserve count at once, so the next pod sees their requests; the informer's view of
 * the bound pod later confirms them (forgetPod drops them if binding fails).
 * Called only from the scheduler's single thread of control: informer handlers and the
 * scheduling loop never interleave within a call.
 */
export class SchedulerCache implements NodeInfoLister {
  private readonly nodes = new Map<string, NodeInfo>();
  private readonly pods = new Map<string, PodState>();
  private nodeList: NodeInfo[] = [];
  private listDirty = false;
  private withAffinity = 0;
  private withRequiredAnti = 0;

  // ---- nodes

  addNode(node: KObject): void {
    const name: string = node?.metadata?.name ?? '';
    let ni = this.nodes.get(name);
    if (!ni) this.nodes.set(name, (ni = new NodeInfo(name)));
    const wasListed = ni.node !== undefined;
    ni.setNode(node);
    if (!wasListed) this.listDirty = true;
  }

  /** Re-reads labels, taints and allocatable only when they changed (heartbeats just swap the object). */
  updateNode(old: KObject | undefined, node: KObject): void {
    const ni = this.nodes.get(node?.metadata?.name ?? '');
    if (ni?.node && old && !nodePropsChanged(old, node)) {
      ni.node = node;
      return;
    }
    this.addNode(node);
  }

  /** The node leaves the list at once; its NodeInfo stays while pods still reference it. */
  removeNode(node: KObject): void {
    const name: string = node?.metadata?.name ?? '';
    const ni = this.nodes.get(name);
    if (!ni) return;
    ni.node = undefined;
    if (ni.pods.length === 0) this.nodes.delete(name);
    this.listDirty = true;
  }

  // ---- pods

  private nodeInfoFor(name: string): NodeInfo {
    let ni = this.nodes.get(name);
    if (!ni) this.nodes.set(name, (ni = new NodeInfo(name)));
    return ni;
  }

  private place(pi: PodInfo, nodeName: string): void {
    this.nodeInfoFor(nodeName).addPod(pi);
    if (pi.hasAffinity) this.withAffinity++;
    if (pi.hasRequiredAntiAffinity) this.withRequiredAnti++;
  }

  private unplace(st: PodState): void {
    const ni = this.nodes.get(st.nodeName);
    if (ni?.removePod(st.pi.key)) {
      if (st.pi.hasAffinity) this.withAffinity--;
      if (st.pi.hasRequiredAntiAffinity) this.withRequiredAnti--;
      if (!ni.node && ni.pods.length === 0) this.nodes.delete(st.nodeName);
    }
  }

  /** Places a pod the scheduler chose a node for (pi.pod has spec.nodeName set); false if the pod is already cached. */
  assumePod(pi: PodInfo, nodeName: string): boolean {
    if (this.pods.has(pi.key)) return false;
    this.pods.set(pi.key, { pi, nodeName, assumed: true, bindingFinished: false });
    this.place(pi, nodeName);
    return true;
  }

  /** The bind call for an assumed pod returned; the pod stays assumed until the informer shows it bound. */
  finishBinding(key: string): void {
    const st = this.pods.get(key);
    if (st?.assumed) st.bindingFinished = true;
  }

  /** Drops an assumed pod (its binding failed). Pods already confirmed are left alone. */
  forgetPod(key: string): void {
    const st = this.pods.get(key);
    if (!st || !st.assumed) return;
    this.unplace(st);
    this.pods.delete(key);
  }

  isAssumed(key: string): boolean {
    return this.pods.get(key)?.assumed === true;
  }

  /** The informer shows an assigned pod: confirms an assumed pod (moving it if bound elsewhere) or adds it. */
  addPod(pod: KObject): void {
    const key = podKey(pod);
    const nodeName: string = pod?.spec?.nodeName ?? '';
    if (!nodeName) return;
    const st = this.pods.get(key);
    if (st) {
      const pi = st.assumed ? st.pi.withPod(pod) : PodInfo.of(pod);
      this.unplace(st);
      this.pods.set(key, { pi, nodeName, assumed: false, bindingFinished: false });
      this.place(pi, nodeName);
      return;
    }
    const pi = PodInfo.of(pod);
    this.pods.set(key, { pi, nodeName, assumed: false, bindingFinished: false });
    this.place(pi, nodeName);
  }

  updatePod(_old: KObject | undefined, pod: KObject): void {
    this.addPod(pod);
  }

  removePod(podOrKey: KObject | string): void {
    const key = typeof podOrKey === 'string' ? podOrKey : podKey(podOrKey);
    const st = this.pods.get(key);
    if (!st) return;
    this.unplace(st);
    this.pods.delete(key);
  }

  /** The node a cached (assumed or confirmed) pod is on. */
  podNode(key: string): string | undefined {
    return this.pods.get(key)?.nodeName;
  }

  // ---- NodeInfoLister

  list(): readonly NodeInfo[] {
    if (this.listDirty) {
      this.nodeList = [...this.nodes.values()].filter((n) => n.node !== undefined);
      this.listDirty = false;
    }
    return this.nodeList;
  }

  get(nodeName: string): NodeInfo | undefined {
    const ni = this.nodes.get(nodeName);
    return ni?.node ? ni : undefined;
  }

  podsWithAffinity(): number {
    return this.withAffinity;
  }

  podsWithRequiredAntiAffinity(): number {
    return this.withRequiredAnti;
  }

  /** counts, for metrics and tests */
  stats(): { nodes: number; pods: number; assumed: number } {
    let assumed = 0;
    for (const s of this.pods.values()) if (s.assumed) assumed++;
    return { nodes: this.list().length, pods: this.pods.size, assumed };
  }
}
