// NodeInfo: one node with the pods on it and their aggregate requests, allocatable resources and used host ports.

import type { KObject } from '../../api/strategy.js';
import { parseTaints, type Taint } from '../util/taints.js';
import { Resource } from './resource.js';
import type { HostPort, PodInfo } from './pod-info.js';

let generation = 0;
/** A process-wide increasing counter: every NodeInfo change gets a new value. */
export function nextGeneration(): number {
  return ++generation;
}

/** Host ports in use on a node: protocol/port → ip → count. */
export class HostPortUsage {
  private readonly used = new Map<string, Map<string, number>>();

  add(p: HostPort, sign = 1): void {
    const k = `${p.protocol}/${p.port}`;
    let ips = this.used.get(k);
    if (!ips) this.used.set(k, (ips = new Map()));
    const n = (ips.get(p.ip) ?? 0) + sign;
    if (n <= 0) ips.delete(p.ip);
    else ips.set(p.ip, n);
    if (ips.size === 0) this.used.delete(k);
  }

  /** upstream's CheckConflict: same protocol and port, and the same IP or either side 0.0.0.0 */
  conflicts(p: HostPort): boolean {
    const ips = this.used.get(`${p.protocol}/${p.port}`);
    if (!ips) return false;
    if (p.ip === '0.0.0.0') return ips.size > 0;
    return ips.has(p.ip) || ips.has('0.0.0.0');
  }

  get size(): number {
    return this.used.size;
  }

  clone(): HostPortUsage {
    const c = new HostPortUsage();
    for (const [k, ips] of this.used) c.used.set(k, new Map(ips));
    return c;
  }
}

/**
 * Node state for one scheduling decision. Mutated only by the scheduler cache (and by
 * clones during preemption dry runs); plugins read it.
 */
export class NodeInfo {
  node: KObject | undefined = undefined;
  labels: Record<string, string> = {};
  taints: Taint[] = [];
  unschedulable = false;
  readonly allocatable = new Resource();
  /** sum of the pods' effective requests */
  readonly requested = new Resource();
  /** cpu and memory with the scheduler's defaults for unset requests */
  nonZeroMilliCPU = 0;
  nonZeroMemory = 0;
  readonly pods: PodInfo[] = [];
  private readonly podIndex = new Map<string, number>();
  /** pods with pod affinity or anti-affinity of any kind */
  podsWithAffinity = 0;
  podsWithRequiredAntiAffinity = 0;
  usedPorts = new HostPortUsage();
  generation = nextGeneration();

  constructor(readonly name: string, node?: KObject) {
    if (node) this.setNode(node);
  }

  setNode(node: KObject): void {
    this.node = node;
    this.labels = node?.metadata?.labels ?? {};
    this.taints = parseTaints(node);
    this.unschedulable = node?.spec?.unschedulable === true;
    const a = this.allocatable;
    a.milliCPU = a.memory = a.ephemeralStorage = a.allowedPodNumber = 0;
    a.scalar = undefined;
    a.addList(node?.status?.allocatable ?? node?.status?.capacity);
    this.generation = nextGeneration();
  }

  hasPod(key: string): boolean {
    return this.podIndex.has(key);
  }

  getPod(key: string): PodInfo | undefined {
    const i = this.podIndex.get(key);
    return i === undefined ? undefined : this.pods[i];
  }

  /** Adds the pod (replacing a pod with the same key). */
  addPod(pi: PodInfo): void {
    if (this.podIndex.has(pi.key)) this.removePod(pi.key);
    this.podIndex.set(pi.key, this.pods.length);
    this.pods.push(pi);
    this.account(pi, 1);
  }

  /** Removes the pod by key; false when it was not here. */
  removePod(key: string): boolean {
    const i = this.podIndex.get(key);
    if (i === undefined) return false;
    const pi = this.pods[i];
    const last = this.pods.length - 1;
    if (i !== last) {
      this.pods[i] = this.pods[last];
      this.podIndex.set(this.pods[i].key, i);
    }
    this.pods.pop();
    this.podIndex.delete(key);
    this.account(pi, -1);
    return true;
  }

  private account(pi: PodInfo, sign: 1 | -1): void {
    this.requested.add(pi.requests, sign);
    this.nonZeroMilliCPU += sign * pi.nonZeroMilliCPU;
    this.nonZeroMemory += sign * pi.nonZeroMemory;
    for (const p of pi.hostPorts) this.usedPorts.add(p, sign);
    if (pi.hasAffinity) this.podsWithAffinity += sign;
    if (pi.hasRequiredAntiAffinity) this.podsWithRequiredAntiAffinity += sign;
    this.generation = nextGeneration();
  }

  /** A deep-enough copy for dry runs: pods may be added and removed without touching this one. */
  clone(): NodeInfo {
    const c = new NodeInfo(this.name);
    c.node = this.node;
    c.labels = this.labels;
    c.taints = this.taints;
    c.unschedulable = this.unschedulable;
    c.allocatable.add(this.allocatable);
    for (const pi of this.pods) c.addPod(pi);
    c.generation = this.generation;
    return c;
  }
}
