// Node lifecycle controller: silent nodes go Ready=Unknown and get tainted; NoExecute taints evict pods after their tolerations.

import { findResource } from '../../api/resources.js';
import type { KObject } from '../../api/strategy.js';
import type { Clock } from '../../client/clock.js';
import { realClock } from '../../client/clock.js';
import type { ClientSource } from '../../client/informer.js';
import { isConflict, isNotFound } from '../../client/rest-client.js';
import type { Informer, InformerFactory, Reconciler, ReconcileResult, WorkQueue } from '../../client/types.js';
import { gracePeriodFor, msUntilSilent, nodeCondition, observeHealth, rfc3339, silentNodeConditions, type NodeHealth } from './node-health.js';
import { desiredTaints, evictionTime } from './taints.js';

const NODES = findResource('', 'v1', 'nodes')!;
const PODS = findResource('', 'v1', 'pods')!;
const LEASES = findResource('coordination.k8s.io', 'v1', 'leases')!;
const LEASE_NAMESPACE = 'kube-node-lease';
const POD_NODE_INDEX = 'nodelifecycle/spec.nodeName';

export interface NodeLifecycleConfig {
  /** how long a node may stay silent before it is marked Unknown (upstream --node-monitor-grace-period: 40 s) */
  nodeMonitorGracePeriodMs?: number;
  /** the same for nodes that never posted a Ready condition (upstream: 60 s) */
  nodeStartupGracePeriodMs?: number;
  clock?: Clock;
}

export interface NodeLifecycleControllerOptions {
  clientset: ClientSource;
  informers: InformerFactory;
  recorder?: { event(obj: KObject, type: 'Normal' | 'Warning', reason: string, message: string): void };
  /** extra keys (other controllers' settings in a shared config) are ignored */
  config?: NodeLifecycleConfig & { [key: string]: unknown };
}

/**
 * Keys are node names; one reconcile does, in order: health (Ready=Unknown after the grace
 * period, judged by this controller's clock from Lease renewals and Ready heartbeats), taints
 * (unreachable / not-ready NoSchedule+NoExecute, condition taints), pods Ready=False on a node
 * that is not Ready, and NoExecute evictions once each pod's tolerationSeconds ran out (at once
 * without a toleration). It asks to be called again when the next of those falls due.
 */
export class NodeLifecycleController implements Reconciler {
  readonly name = 'node-lifecycle-controller';
  private readonly nodes: Informer;
  private readonly pods: Informer;
  private readonly leases: Informer;
  private readonly clock: Clock;
  private readonly graceMs: number;
  private readonly startupGraceMs: number;
  private readonly health = new Map<string, NodeHealth>();
  /** first time a NoExecute taint without timeAdded was seen, per node */
  private readonly taintSeen = new Map<string, number>();
  private disruption = { at: -Infinity, full: false };

  constructor(private readonly opts: NodeLifecycleControllerOptions) {
    this.nodes = opts.informers.informerFor(NODES);
    this.pods = opts.informers.informerFor(PODS);
    this.leases = opts.informers.informerFor(LEASES);
    this.clock = opts.config?.clock ?? realClock;
    this.graceMs = opts.config?.nodeMonitorGracePeriodMs ?? 40_000;
    this.startupGraceMs = opts.config?.nodeStartupGracePeriodMs ?? 60_000;
    try {
      this.pods.addIndexer(POD_NODE_INDEX, (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []));
    } catch {
      // already there (a second controller instance on the same factory)
    }
  }

  register(queue: WorkQueue<string>): void {
    this.nodes.addEventHandler({
      onAdd: (n) => queue.add(n.metadata.name),
      onUpdate: (_, n) => queue.add(n.metadata.name),
      onDelete: (n) => queue.add(n.metadata.name),
    });
    const onLease = (l: KObject) => {
      if (l.metadata?.namespace === LEASE_NAMESPACE) queue.add(l.metadata.name);
    };
    this.leases.addEventHandler({ onAdd: onLease, onUpdate: (_, l) => onLease(l), onDelete: onLease });
    // a pod landing on (or changing tolerations on) a node that is not Ready or has NoExecute taints needs a look
    const onPod = (p: KObject) => {
      const nodeName = p.spec?.nodeName;
      if (!nodeName) return;
      const node = this.nodes.lister.get(nodeName);
      if (!node) return;
      if (nodeCondition(node, 'Ready')?.status !== 'True' || (node.spec?.taints ?? []).some((t: KObject) => t?.effect === 'NoExecute')) queue.add(nodeName);
    };
    this.pods.addEventHandler({ onAdd: onPod, onUpdate: (_, p) => onPod(p) });
  }

  async reconcile(name: string): Promise<void | ReconcileResult> {
    let node = this.nodes.lister.get(name);
    if (!node) {
      this.health.delete(name);
      this.taintSeen.delete(name);
      return;
    }
    const now = this.clock.now();
    const lease = this.leases.lister.get(`${LEASE_NAMESPACE}/${name}`);
    const health = observeHealth(this.health.get(name), node, lease, now);
    this.health.set(name, health);
    const grace = gracePeriodFor(node, this.graceMs, this.startupGraceMs);
    const nodes = this.opts.clientset.resource(NODES);

    const conditions = silentNodeConditions(node, health, now, grace);
    if (conditions) {
      const wasReady = nodeCondition(node, 'Ready')?.status;
      node = await nodes.updateStatus({ ...node, status: { ...node.status, conditions } });
      if (wasReady === 'True') this.opts.recorder?.event(node!, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
    }

    const taints = desiredTaints(node!, now, this.fullDisruption(now));
    if (taints) node = await nodes.update({ ...node, spec: { ...node!.spec, taints: taints.length ? taints : undefined } });

    const ready = nodeCondition(node!, 'Ready')?.status;
    const notReady = ready !== undefined && ready !== 'True';
    const pods = this.pods.lister.byIndex(POD_NODE_INDEX, name).filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
    const noExecute: KObject[] = (node!.spec?.taints ?? []).filter((t: KObject) => t?.effect === 'NoExecute');
    if (noExecute.length && !this.taintSeen.has(name)) this.taintSeen.set(name, now);
    if (!noExecute.length) this.taintSeen.delete(name);
    let next = Infinity;
    for (const pod of pods) {
      let evictNow = false;
      if (noExecute.length && !pod.metadata?.deletionTimestamp) {
        const at = evictionTime(pod, noExecute, this.taintSeen.get(name)!);
        if (at !== undefined && at <= now) evictNow = true;
        else if (at !== undefined) next = Math.min(next, at - now);
      }
      await this.updatePod(pod, name, now, notReady, evictNow);
    }

    // look again when the node would count as silent (an Unknown node wakes us with its next Lease renewal)
    if (ready !== 'Unknown') next = Math.min(next, Math.max(msUntilSilent(health, now, grace), 0) + 100);
    return next === Infinity ? undefined : { requeueAfterMs: Math.ceil(next) };
  }

  /** No node Ready at all (and at least one node): upstream's full disruption, when NoExecute evictions stop. Cached for a second. */
  private fullDisruption(now: number): boolean {
    if (now - this.disruption.at < 1000) return this.disruption.full;
    const all = this.nodes.lister.list();
    const full = all.length > 0 && all.every((n) => nodeCondition(n, 'Ready')?.status !== 'True');
    this.disruption = { at: now, full };
    return full;
  }

  /**
   * One status write for what the pod needs: Ready=False on a node that is not Ready (upstream's
   * MarkPodsNotReady) and, when it is to be evicted, the DisruptionTarget condition; then the
   * eviction itself, a normal (graceful) delete with a uid precondition, as upstream's taint
   * eviction. A conflict throws, so the node is looked at again with fresh objects.
   */
  private async updatePod(pod: KObject, nodeName: string, now: number, notReady: boolean, evictNow: boolean): Promise<void> {
    const client = this.opts.clientset.resource(PODS);
    const ns = pod.metadata.namespace;
    const conds: KObject[] = pod.status?.conditions ?? [];
    const markNotReady = notReady && conds.some((c) => c?.type === 'Ready' && c.status === 'True');
    const markDisruption = evictNow && !conds.some((c) => c?.type === 'DisruptionTarget');
    try {
      if (markNotReady || markDisruption) {
        const ts = rfc3339(now);
        let updated = markNotReady ? conds.map((c) => (c.type === 'Ready' ? { ...c, status: 'False', lastTransitionTime: ts } : c)) : [...conds];
        if (markDisruption) updated = [...updated, { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint', lastProbeTime: null, lastTransitionTime: ts }];
        await client.updateStatus({ ...pod, status: { ...pod.status, conditions: updated } });
        if (markNotReady) this.opts.recorder?.event(pod, 'Warning', 'NodeNotReady', 'Node is not ready');
      }
      if (evictNow) {
        this.opts.recorder?.event(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${ns}/${pod.metadata.name}`);
        await client.delete(ns, pod.metadata.name, { preconditions: { uid: pod.metadata.uid } });
      }
    } catch (err) {
      if (isNotFound(err)) return;
      if (isConflict(err)) throw new Error(`pod ${ns}/${pod.metadata.name} on ${nodeName} changed meanwhile: ${(err as Error).message}`);
      throw err;
    }
  }
}
