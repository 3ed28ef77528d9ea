// The scheduling queue: activeQ (priority, then time), backoffQ (1 s doubling to 10 s), unschedulable pods moved back on cluster events; also the nominator.

import type { KObject } from '../api/strategy.js';
import { ALL_CLUSTER_EVENTS, type ClusterEvent, type PodNominator } from './framework/interfaces.js';
import { PodInfo, podKey } from './framework/pod-info.js';
import { KeyedHeap } from './util/heap.js';

/** A pod waiting in the queue, with its scheduling history. */
export interface QueuedPodInfo {
  podInfo: PodInfo;
  /** when the pod last entered the queue (orders equal priorities; starts its backoff) */
  timestamp: number;
  /** when the pod first entered the queue */
  initialAttemptTimestamp: number;
  /** scheduling attempts so far */
  attempts: number;
  /** plugins that rejected the pod last time (they decide which events requeue it) */
  unschedulablePlugins: Set<string>;
  /** insertion order, the last tie-breaker */
  seq: number;
}

export interface SchedulingQueueOptions {
  /** ms since epoch; injectable for tests */
  now?: () => number;
  /** backoff after the first failed attempt (default 1 s), doubling per attempt… */
  initialBackoffMs?: number;
  /** …up to this (default 10 s) */
  maxBackoffMs?: number;
  /** pods unschedulable this long go back to activeQ at the next flush (default 60 s) */
  unschedulableTimeoutMs?: number;
  /** how often run() moves unschedulable pods past their timeout (default 30 s) */
  unschedulableFlushIntervalMs?: number;
  /** whether the event may help a pod the given plugins rejected (the pod's profile decides); default: always */
  eventMayHelp?: (pod: PodInfo, event: ClusterEvent, unschedulablePlugins: ReadonlySet<string>) => boolean;
}

/** Whether an update changed more than status and bookkeeping metadata (such updates requeue an unschedulable pod). */
function specOrLabelsChanged(oldPod: KObject, newPod: KObject): boolean {
  const strip = (p: KObject) => JSON.stringify({ spec: p.spec, labels: p.metadata?.labels, annotations: p.metadata?.annotations });
  return strip(oldPod) !== strip(newPod);
}

/**
 * Pending pods of every profile. pop() hands out the most important pod of activeQ; a pod
 * stays "in flight" until done(). Failed pods come back through addUnschedulableIfNotPresent
 * and wait for their backoff and for a cluster event that may help them. All methods are
 * synchronous and cheap; run() drives the periodic flushes.
 */
export class SchedulingQueue implements PodNominator {
  private readonly now: () => number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly unschedulableTimeoutMs: number;
  private readonly flushIntervalMs: number;
  private readonly eventMayHelp: NonNullable<SchedulingQueueOptions['eventMayHelp']>;
  private readonly activeQ = new KeyedHeap<QueuedPodInfo>((a, b) => a.podInfo.priority > b.podInfo.priority || (a.podInfo.priority === b.podInfo.priority && (a.timestamp < b.timestamp || (a.timestamp === b.timestamp && a.seq < b.seq))));
  private readonly backoffQ = new KeyedHeap<QueuedPodInfo>((a, b) => this.backoffExpiry(a) < this.backoffExpiry(b));
  private readonly unschedulable = new Map<string, QueuedPodInfo>();
  /** unschedulable pods by the events that may help them (so an event touches only those) */
  private readonly byEvent = new Map<ClusterEvent, Set<string>>(ALL_CLUSTER_EVENTS.map((e) => [e, new Set<string>()]));
  private readonly inFlight = new Set<string>();
  private readonly waiters: (() => void)[] = [];
  private seq = 0;
  private closed = false;
  /** incremented by every pop() */
  schedulingCycle = 0;
  /** the cycle of the last move request: pods failing in an older cycle go to backoffQ, not unschedulable */
  private moveRequestCycle = -1;
  // nominator
  private readonly nominatedByNode = new Map<string, PodInfo[]>();
  private readonly nominatedNode = new Map<string, string>();

  constructor(opts: SchedulingQueueOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.initialBackoffMs = opts.initialBackoffMs ?? 1000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 10_000;
    this.unschedulableTimeoutMs = opts.unschedulableTimeoutMs ?? 60_000;
    this.flushIntervalMs = opts.unschedulableFlushIntervalMs ?? 30_000;
    this.eventMayHelp = opts.eventMayHelp ?? (() => true);
  }

  private newQueued(pi: PodInfo): QueuedPodInfo {
    const t = this.now();
    return { podInfo: pi, timestamp: t, initialAttemptTimestamp: t, attempts: 0, unschedulablePlugins: new Set(), seq: this.seq++ };
  }

  private has(key: string): boolean {
    return this.activeQ.has(key) || this.backoffQ.has(key) || this.unschedulable.has(key);
  }

  /** A new pending pod: into activeQ (a pod already queued is updated instead). */
  add(pod: KObject | PodInfo): void {
    const pi = pod instanceof PodInfo ? pod : PodInfo.of(pod);
    if (this.has(pi.key)) {
      this.replace(pi);
      return;
    }
    this.updateNomination(undefined, pi);
    this.pushActive(this.newQueued(pi));
  }

  /**
   * A pending pod changed. Queued copies are replaced; an unschedulable pod whose spec or
   * labels changed is retried (after its backoff). A pod neither queued nor in flight is added.
   */
  update(oldPod: KObject | undefined, newPod: KObject): void {
    const key = podKey(newPod);
    const existing = this.activeQ.get(key) ?? this.backoffQ.get(key) ?? this.unschedulable.get(key);
    if (!existing) {
      if (this.inFlight.has(key)) return;
      this.add(newPod);
      return;
    }
    const pi = PodInfo.of(newPod);
    this.updateNomination(existing.podInfo.pod, pi);
    existing.podInfo = pi;
    if (this.activeQ.has(key)) this.activeQ.push(key, existing);
    else if (this.backoffQ.has(key)) this.backoffQ.push(key, existing);
    else if (oldPod === undefined || specOrLabelsChanged(oldPod, newPod)) {
      this.removeUnschedulable(key);
      if (this.isBackingOff(existing)) this.backoffQ.push(key, existing);
      else this.pushActive(existing);
    }
  }

  private replace(pi: PodInfo): void {
    const q = this.activeQ.get(pi.key) ?? this.backoffQ.get(pi.key) ?? this.unschedulable.get(pi.key);
    if (!q) return;
    this.updateNomination(q.podInfo.pod, pi);
    q.podInfo = pi;
    if (this.activeQ.has(pi.key)) this.activeQ.push(pi.key, q);
  }

  /** The pod was deleted or bound by someone else: forget it everywhere. */
  delete(podOrKey: KObject | string): void {
    const key = typeof podOrKey === 'string' ? podOrKey : podKey(podOrKey);
    this.activeQ.delete(key);
    this.backoffQ.delete(key);
    this.removeUnschedulable(key);
    this.deleteNominatedPodIfExists(key);
  }

  /** Resolves with the next pod to schedule (waiting for one), or undefined once closed or aborted. */
  async pop(signal?: AbortSignal): Promise<QueuedPodInfo | undefined> {
    for (;;) {
      if (this.closed || signal?.aborted) return undefined;
      const q = this.activeQ.pop();
      if (q) {
        q.attempts++;
        this.schedulingCycle++;
        this.inFlight.add(q.podInfo.key);
        return q;
      }
      await new Promise<void>((resolve) => {
        const onAbort = () => resolve();
        signal?.addEventListener('abort', onAbort, { once: true });
        this.waiters.push(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        });
      });
    }
  }

  /** The scheduling attempt of a popped pod is over (whatever its outcome). */
  done(key: string): void {
    this.inFlight.delete(key);
  }

  /**
   * Requeues a pod whose attempt (in scheduling cycle `cycle`) failed. It waits in the
   * unschedulable set for a helpful event — unless an event arrived during its attempt, or
   * it failed with an error (backoff), in which case it goes to backoffQ. No-op if the pod
   * was re-added meanwhile (e.g. updated).
   */
  addUnschedulableIfNotPresent(q: QueuedPodInfo, cycle: number, backoffOnly = false): void {
    const key = q.podInfo.key;
    this.inFlight.delete(key);
    if (this.has(key)) return;
    q.timestamp = this.now();
    if (backoffOnly || this.moveRequestCycle >= cycle) this.backoffQ.push(key, q);
    else this.addUnschedulable(q);
  }

  private addUnschedulable(q: QueuedPodInfo): void {
    const key = q.podInfo.key;
    this.unschedulable.set(key, q);
    for (const [ev, keys] of this.byEvent) if (this.eventMayHelp(q.podInfo, ev, q.unschedulablePlugins)) keys.add(key);
  }

  private removeUnschedulable(key: string): void {
    if (!this.unschedulable.delete(key)) return;
    for (const keys of this.byEvent.values()) keys.delete(key);
  }

  /** A cluster event happened: unschedulable pods it may help go to activeQ (or backoffQ while backing off). */
  moveAllToActiveOrBackoffQueue(event: ClusterEvent): void {
    this.moveRequestCycle = this.schedulingCycle;
    const keys = this.byEvent.get(event);
    if (!keys || keys.size === 0) return;
    for (const key of [...keys]) {
      const q = this.unschedulable.get(key)!;
      this.removeUnschedulable(key);
      if (this.isBackingOff(q)) this.backoffQ.push(key, q);
      else this.pushActive(q);
    }
  }

  /** Moves pods whose backoff expired to activeQ (run() calls it every second). */
  flushBackoffQCompleted(): void {
    const now = this.now();
    for (;;) {
      const q = this.backoffQ.peek();
      if (!q || this.backoffExpiry(q) > now) return;
      this.backoffQ.pop();
      this.pushActive(q);
    }
  }

  /** Moves pods unschedulable for longer than the timeout back (run() calls it periodically). */
  flushUnschedulableLeftover(): void {
    const now = this.now();
    for (const [key, q] of this.unschedulable) {
      if (now - q.timestamp < this.unschedulableTimeoutMs) continue;
      this.removeUnschedulable(key);
      if (this.isBackingOff(q)) this.backoffQ.push(key, q);
      else this.pushActive(q);
    }
  }

  /** Runs the periodic flushes until the signal aborts; then closes the queue. */
  run(signal: AbortSignal): void {
    const t1 = setInterval(() => this.flushBackoffQCompleted(), 1000);
    const t2 = setInterval(() => this.flushUnschedulableLeftover(), this.flushIntervalMs);
    const stop = () => {
      clearInterval(t1);
      clearInterval(t2);
      this.close();
    };
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  }

  close(): void {
    this.closed = true;
    this.wake();
  }

  backoffDuration(q: QueuedPodInfo): number {
    let d = this.initialBackoffMs;
    for (let i = 1; i < q.attempts && d < this.maxBackoffMs; i++) d *= 2;
    return Math.min(d, this.maxBackoffMs);
  }

  private backoffExpiry(q: QueuedPodInfo): number {
    return q.timestamp + this.backoffDuration(q);
  }

  isBackingOff(q: QueuedPodInfo): boolean {
    return q.attempts > 0 && this.backoffExpiry(q) > this.now();
  }

  private pushActive(q: QueuedPodInfo): void {
    this.activeQ.push(q.podInfo.key, q);
    this.wake();
  }

  private wake(): void {
    if (this.waiters.length === 0) return;
    for (const w of this.waiters.splice(0)) w();
  }

  /** sizes, for metrics and tests */
  stats(): { active: number; backoff: number; unschedulable: number; inFlight: number } {
    return { active: this.activeQ.size, backoff: this.backoffQ.size, unschedulable: this.unschedulable.size, inFlight: this.inFlight.size };
  }

  /** where a pod is: 'active' | 'backoff' | 'unschedulable' | 'inFlight' | undefined */
  where(key: string): 'active' | 'backoff' | 'unschedulable' | 'inFlight' | undefined {
    if (this.activeQ.has(key)) return 'active';
    if (this.backoffQ.has(key)) return 'backoff';
    if (this.unschedulable.has(key)) return 'unschedulable';
    if (this.inFlight.has(key)) return 'inFlight';
    return undefined;
  }

  // ---- nominator

  private updateNomination(oldPod: KObject | undefined, pi: PodInfo): void {
    const nn: string | undefined = pi.pod?.status?.nominatedNodeName;
    if (nn) this.addNominatedPod(pi, nn);
    else if (oldPod?.status?.nominatedNodeName) this.deleteNominatedPodIfExists(pi.key);
    else if (this.nominatedNode.has(pi.key)) this.addNominatedPod(pi, this.nominatedNode.get(pi.key)!);
  }

  addNominatedPod(pod: PodInfo, nodeName: string): void {
    this.deleteNominatedPodIfExists(pod.key);
    if (!nodeName) return;
    this.nominatedNode.set(pod.key, nodeName);
    const list = this.nominatedByNode.get(nodeName);
    if (list) list.push(pod);
    else this.nominatedByNode.set(nodeName, [pod]);
  }

  deleteNominatedPodIfExists(key: string): void {
    const node = this.nominatedNode.get(key);
    if (node === undefined) return;
    this.nominatedNode.delete(key);
    const list = this.nominatedByNode.get(node)?.filter((p) => p.key !== key) ?? [];
    if (list.length) this.nominatedByNode.set(node, list);
    else this.nominatedByNode.delete(node);
  }

  nominatedPodsForNode(nodeName: string): readonly PodInfo[] {
    return this.nominatedByNode.get(nodeName) ?? [];
  }

  /** whether any pod is nominated anywhere (lets the filter loop skip the per-node check) */
  hasNominatedPods(): boolean {
    return this.nominatedNode.size > 0;
  }

  nominatedNodeName(key: string): string | undefined {
    return this.nominatedNode.get(key);
  }
}
