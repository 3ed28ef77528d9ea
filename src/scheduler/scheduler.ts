// The Scheduler: watches pending pods and nodes, runs each profile's framework to pick a node, and binds asynchronously.

import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { findResource } from '../api/resources.js';
import type { KObject } from '../api/strategy.js';
import type { Informer, InformerFactory, Lister } from '../client/types.js';
import { SchedulerCache, nodePropsChanged } from './cache.js';
import { resolveProfiles, type SchedulerConfiguration } from './framework/config.js';
import { CycleState } from './framework/cycle-state.js';
import { Diagnosis, FitError, NO_NODES_AVAILABLE } from './framework/fit-error.js';
import { Framework } from './framework/framework.js';
import type { Clientset, EventRecorder } from './framework/interfaces.js';
import type { NodeInfo } from './framework/node-info.js';
import { PodInfo, podKey } from './framework/pod-info.js';
import type { Registry } from './framework/registry.js';
import { Code, Status } from './framework/status.js';
import { inTreeRegistry } from './plugins/registry.js';
import { SchedulingQueue, type QueuedPodInfo } from './scheduling-queue.js';

const PODS = findResource('', 'v1', 'pods')!;
const NODES = findResource('', 'v1', 'nodes')!;

/** upstream's constants for percentageOfNodesToScore */
const MIN_FEASIBLE_NODES_TO_FIND = 100;
const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;
const BASE_PERCENTAGE_OF_NODES_TO_SCORE = 50;

/**
 * How many feasible nodes to look for before scoring (upstream's numFeasibleNodesToFind):
 * all of them below 100 nodes; otherwise percentage% (adaptive when 0: 50% − 1% per 125
 * nodes, at least 5%), and never fewer than 100.
 */
export function numFeasibleNodesToFind(percentage: number, numAllNodes: number): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let p = percentage;
  if (p <= 0) {
    p = BASE_PERCENTAGE_OF_NODES_TO_SCORE - Math.trunc(numAllNodes / 125);
    if (p < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND) p = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND;
  }
  if (p >= 100) return numAllNodes;
  const n = Math.trunc((numAllNodes * p) / 100);
  return n < MIN_FEASIBLE_NODES_TO_FIND ? MIN_FEASIBLE_NODES_TO_FIND : n;
}

export interface SchedulerOptions {
  /** a Clientset (resource(info) → ResourceClient): bindings, pod status, victim deletion */
  clientset: Clientset;
  /** pods and nodes informers are taken from it; the caller starts it (start is idempotent) */
  informers: InformerFactory;
  /** FailedScheduling / Scheduled / Preempted events */
  recorder: EventRecorder;
  /** a parsed configuration file (loadSchedulerConfig); default: the default profile */
  config?: SchedulerConfiguration;
  /** out-of-tree plugins, merged with the in-tree ones (a name in both is an error) */
  registry?: Registry;
  /** ms since epoch (queue backoff); injectable for tests */
  now?: () => number;
  /** [0, 1): tie-breaks between equally scored nodes */
  random?: () => number;
  /** binding cycles allowed in flight before the loop waits for one (default 1024) */
  maxInFlightBindings?: number;
  log?: (message: string) => void;
}

type ScheduleResult = { host: string } | FitError | Status;

function isAssigned(pod: KObject): boolean {
  return !!pod?.spec?.nodeName;
}

function isTerminal(pod: KObject): boolean {
  const phase = pod?.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

function withKind(pod: KObject): KObject {
  return pod.kind ? pod : { ...pod, apiVersion: 'v1', kind: 'Pod' };
}

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * kube-scheduler: schedules pods whose spec.schedulerName names one of its profiles and
 * that have no spec.nodeName. One pod at a time (the scheduling cycle is synchronous over
 * the cache); bindings run concurrently and do not hold up the next pod.
 */
export class Scheduler {
  readonly cache = new SchedulerCache();
  readonly queue: SchedulingQueue;
  /** profile (schedulerName) → framework */
  readonly profiles = new Map<string, Framework>();
  private readonly podInformer: Informer;
  private readonly nodeInformer: Informer;
  private readonly podLister: Lister;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly log: (m: string) => void;
  private readonly maxInFlight: number;
  private nextStartNodeIndex = 0;
  private inFlightBindings = 0;
  private readonly bindingWaiters: (() => void)[] = [];
  /** counters since construction */
  readonly counts = { attempts: 0, scheduled: 0, unschedulable: 0, errors: 0, bindFailures: 0 };

  constructor(private readonly opts: SchedulerOptions) {
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
    this.log = opts.log ?? ((m) => console.error(`scheduler: ${m}`));
    this.maxInFlight = opts.maxInFlightBindings ?? 1024;
    const cfg = opts.config ?? {};
    this.queue = new SchedulingQueue({
      now: this.now,
      initialBackoffMs: (cfg.podInitialBackoffSeconds ?? 1) * 1000,
      maxBackoffMs: (cfg.podMaxBackoffSeconds ?? 10) * 1000,
      eventMayHelp: (pi, event, plugins) => this.profiles.get(pi.schedulerName)?.eventMayHelp(event, plugins) ?? true,
    });
    this.podInformer = opts.informers.informerFor(PODS);
    this.nodeInformer = opts.informers.informerFor(NODES);
    this.podLister = this.podInformer.lister;
    const registry = inTreeRegistry().merge(opts.registry);
    for (const profile of resolveProfiles(cfg)) {
      this.profiles.set(profile.schedulerName, new Framework(profile, registry, {
        clientset: opts.clientset,
        recorder: opts.recorder,
        nodeInfos: this.cache,
        nominator: this.queue,
        currentPod: (key) => this.podLister.get(key),
      }));
    }
    this.nodeInformer.addEventHandler({
      onAdd: (n) => {
        this.cache.addNode(n);
        this.queue.moveAllToActiveOrBackoffQueue('NodeAdd');
      },
      onUpdate: (o, n) => {
        const changed = nodePropsChanged(o, n);
        this.cache.updateNode(o, n);
        if (changed) this.queue.moveAllToActiveOrBackoffQueue('NodeUpdate');
      },
      onDelete: (n) => {
        this.cache.removeNode(n);
        this.queue.moveAllToActiveOrBackoffQueue('NodeDelete');
      },
    });
    this.podInformer.addEventHandler({
      onAdd: (p) => this.onPodAdd(p),
      onUpdate: (o, p) => this.onPodUpdate(o, p),
      onDelete: (p) => this.onPodDelete(p),
    });
  }

  // ---- informer events

  private responsibleFor(pod: KObject): boolean {
    return this.profiles.has(pod?.spec?.schedulerName || 'default-scheduler');
  }

  /** pending pods that may enter the queue: not being deleted, no scheduling gates */
  private queueable(pod: KObject): boolean {
    return this.responsibleFor(pod) && !pod.metadata?.deletionTimestamp && !(Array.isArray(pod.spec?.schedulingGates) && pod.spec.schedulingGates.length > 0) && !isTerminal(pod);
  }

  private onPodAdd(pod: KObject): void {
    if (isAssigned(pod)) {
      if (isTerminal(pod)) return;
      this.cache.addPod(pod);
      this.queue.moveAllToActiveOrBackoffQueue('AssignedPodAdd');
    } else if (this.queueable(pod)) {
      this.queue.add(pod);
    }
  }

  private onPodUpdate(old: KObject, pod: KObject): void {
    if (old === pod && isAssigned(pod)) return; // a resync: nothing changed
    if (isAssigned(pod)) {
      const wasAssigned = isAssigned(old);
      if (!wasAssigned) this.queue.delete(pod);
      if (isTerminal(pod)) {
        this.cache.removePod(pod);
        this.queue.moveAllToActiveOrBackoffQueue('AssignedPodDelete');
        return;
      }
      this.cache.updatePod(old, pod);
      if (!wasAssigned) this.queue.moveAllToActiveOrBackoffQueue('AssignedPodAdd');
      else if (JSON.stringify(old.metadata?.labels) !== JSON.stringify(pod.metadata?.labels)) this.queue.moveAllToActiveOrBackoffQueue('AssignedPodUpdate');
      return;
    }
    if (this.queueable(pod)) this.queue.update(old, pod);
    else this.queue.delete(pod);
  }

  private onPodDelete(pod: KObject): void {
    const key = podKey(pod);
    if (isAssigned(pod) || this.cache.podNode(key) !== undefined) {
      this.cache.removePod(key);
      this.queue.moveAllToActiveOrBackoffQueue('AssignedPodDelete');
    }
    this.queue.delete(key);
    for (const fwk of this.profiles.values()) fwk.rejectWaitingPod(key, 'pod was deleted');
  }

  // ---- the loop

  /**
   * Schedules until the signal aborts: waits for the informers to sync (the caller starts
   * the factory, e.g. under leader election), then pops pods one at a time. Call once.
   * Resolves once the loop has stopped and the bindings in flight have settled.
   */
  async run(signal: AbortSignal): Promise<void> {
    this.queue.run(signal);
    await this.opts.informers.waitForSync(signal);
    let lastYield = performance.now();
    while (!signal.aborted) {
      const q = await this.queue.pop(signal);
      if (!q) break;
      await this.scheduleOne(q);
      while (this.inFlightBindings >= this.maxInFlight && !signal.aborted) await new Promise<void>((r) => this.bindingWaiters.push(r));
      // let informer events and binding responses in between pods
      if (performance.now() - lastYield > 5) {
        await yieldToEventLoop();
        lastYield = performance.now();
      }
    }
    while (this.inFlightBindings > 0) await new Promise<void>((r) => this.bindingWaiters.push(r));
  }

  /** One scheduling cycle for a popped pod; the binding cycle it starts runs on its own. */
  async scheduleOne(q: QueuedPodInfo): Promise<void> {
    const pod = q.podInfo;
    const fwk = this.profiles.get(pod.schedulerName);
    const cycle = this.queue.schedulingCycle;
    if (!fwk || pod.pod?.metadata?.deletionTimestamp || this.cache.podNode(pod.key) !== undefined) {
      this.queue.done(pod.key);
      return;
    }
    this.counts.attempts++;
    const state = new CycleState();
    const result = this.schedulePod(fwk, state, pod);
    if (!('host' in result)) {
      let status: Status;
      let nominated: string | undefined;
      if (result instanceof FitError) {
        if (fwk.hasPostFilterPlugins() && result.numAllNodes > 0) {
          const pf = await fwk.runPostFilterPlugins(state, pod, result.diagnosis.nodeToStatus);
          if (pf.status.code === Code.Error) this.log(`preemption for ${pod.key}: ${pf.status.message()}`);
          else result.diagnosis.postFilterMsg = pf.status.message();
          nominated = pf.result?.nominatedNodeName;
        }
        status = new Status(Code.Unschedulable, [result.numAllNodes === 0 ? NO_NODES_AVAILABLE : result.message()]);
        q.unschedulablePlugins = new Set(result.diagnosis.unschedulablePlugins);
      } else {
        status = result;
        q.unschedulablePlugins = new Set();
      }
      this.handleSchedulingFailure(q, status, nominated, cycle);
      return;
    }
    const host = result.host;
    const assumed = pod.withPod({ ...pod.pod, spec: { ...pod.pod.spec, nodeName: host } });
    if (!this.cache.assumePod(assumed, host)) {
      this.handleSchedulingFailure(q, Status.error(`pod ${pod.key} is already in the cache`), undefined, cycle);
      return;
    }
    let s = fwk.runReservePluginsReserve(state, assumed, host);
    if (s.isSuccess()) s = fwk.runPermitPlugins(state, assumed, host);
    if (!s.isSuccess() && !s.isWait()) {
      fwk.runReservePluginsUnreserve(state, assumed, host);
      this.cache.forgetPod(pod.key);
      q.unschedulablePlugins = s.isRejected() && s.plugin ? new Set([s.plugin]) : new Set();
      this.handleSchedulingFailure(q, s, undefined, cycle);
      return;
    }
    this.queue.deleteNominatedPodIfExists(pod.key);
    this.queue.done(pod.key);
    this.inFlightBindings++;
    void this.bindingCycle(fwk, state, q, assumed, host, cycle).finally(() => {
      this.inFlightBindings--;
      const w = this.bindingWaiters.shift();
      w?.();
    });
  }

  private async bindingCycle(fwk: Framework, state: CycleState, q: QueuedPodInfo, assumed: PodInfo, host: string, cycle: number): Promise<void> {
    let s = await fwk.waitOnPermit(assumed);
    if (s.isSuccess()) s = await fwk.runPreBindPlugins(state, assumed, host);
    if (s.isSuccess()) s = await fwk.runBindPlugins(state, assumed, host);
    if (!s.isSuccess()) {
      this.counts.bindFailures++;
      fwk.runReservePluginsUnreserve(state, assumed, host);
      this.cache.forgetPod(assumed.key);
      this.queue.moveAllToActiveOrBackoffQueue('AssignedPodDelete');
      const msg = s.isRejected() ? s.message() : `Binding rejected: ${s.message()}`;
      this.handleSchedulingFailure(q, new Status(s.code, [msg], s.error), undefined, cycle);
      return;
    }
    this.counts.scheduled++;
    this.cache.finishBinding(assumed.key);
    fwk.runPostBindPlugins(state, assumed, host);
    this.opts.recorder.event(withKind(q.podInfo.pod), 'Normal', 'Scheduled', `Successfully assigned ${assumed.namespace}/${assumed.name} to ${host}`);
  }

  /** Filters then scores: the chosen node, a FitError when none fits, or an Error status. */
  schedulePod(fwk: Framework, state: CycleState, pod: PodInfo): ScheduleResult {
    const nodes = this.cache.list();
    if (nodes.length === 0) return new FitError(pod.key, 0, new Diagnosis());
    const found = this.findNodesThatFitPod(fwk, state, pod, nodes);
    if (found instanceof Status) return found;
    const { feasible, diagnosis } = found;
    if (feasible.length === 0) return new FitError(pod.key, nodes.length, diagnosis);
    if (feasible.length === 1) return { host: feasible[0].name };
    let totals: number[];
    if (!fwk.hasScorePlugins()) {
      totals = new Array(feasible.length).fill(1);
    } else {
      const ps = fwk.runPreScorePlugins(state, pod, feasible);
      if (!ps.isSuccess()) return ps;
      const sc = fwk.runScorePlugins(state, pod, feasible);
      if (!sc.status.isSuccess()) return sc.status;
      totals = sc.totals;
    }
    return { host: this.selectHost(feasible, totals) };
  }

  /** The highest total; ties broken uniformly at random (reservoir sampling). */
  private selectHost(nodes: readonly NodeInfo[], totals: number[]): string {
    let best = 0;
    let seen = 1;
    for (let i = 1; i < nodes.length; i++) {
      if (totals[i] > totals[best]) {
        best = i;
        seen = 1;
      } else if (totals[i] === totals[best]) {
        seen++;
        if (this.random() * seen < 1) best = i;
      }
    }
    return nodes[best].name;
  }

  private findNodesThatFitPod(fwk: Framework, state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): { feasible: NodeInfo[]; diagnosis: Diagnosis } | Status {
    const diagnosis = new Diagnosis();
    const pre = fwk.runPreFilterPlugins(state, pod, nodes);
    if (!pre.status.isSuccess()) {
      if (!pre.status.isRejected()) return pre.status;
      for (const n of nodes) diagnosis.nodeToStatus.set(n.name, pre.status);
      diagnosis.preFilterMsg = pre.status.message();
      if (pre.status.plugin) diagnosis.unschedulablePlugins.add(pre.status.plugin);
      return { feasible: [], diagnosis };
    }
    const withNominated = this.queue.hasNominatedPods();
    const active = fwk.activeFilterPlugins(state);
    const filter = (ni: NodeInfo) => (withNominated ? fwk.runFilterPluginsWithNominatedPods(state, pod, ni, active) : fwk.runFilters(active, state, pod, ni));
    // a preemptor tries its nominated node first
    const nominated: string | undefined = pod.pod?.status?.nominatedNodeName;
    if (nominated && (!pre.nodeNames || pre.nodeNames.has(nominated))) {
      const ni = this.cache.get(nominated);
      if (ni && filter(ni).isSuccess()) return { feasible: [ni], diagnosis };
    }
    let candidates = nodes;
    if (pre.nodeNames) {
      candidates = [];
      for (const name of pre.nodeNames) {
        const ni = this.cache.get(name);
        if (ni) (candidates as NodeInfo[]).push(ni);
      }
      diagnosis.absentNodesStatus = Status.unresolvable('node is filtered out by the prefilter result');
    }
    const n = candidates.length;
    const want = numFeasibleNodesToFind(fwk.percentageOfNodesToScore, n);
    const feasible: NodeInfo[] = [];
    const start = n > 0 ? this.nextStartNodeIndex % n : 0;
    let processed = 0;
    for (let i = 0; i < n && feasible.length < want; i++) {
      const ni = candidates[(start + i) % n];
      processed++;
      const s = filter(ni);
      if (s.code === Code.Success) {
        feasible.push(ni);
      } else if (s.isRejected()) {
        diagnosis.nodeToStatus.set(ni.name, s);
        if (s.plugin) diagnosis.unschedulablePlugins.add(s.plugin);
      } else {
        return s;
      }
    }
    if (n > 0) this.nextStartNodeIndex = (start + processed) % n;
    return { feasible, diagnosis };
  }

  /**
   * Requeues the pod (unless it is gone or bound meanwhile), records a FailedScheduling
   * event and sets PodScheduled=False (reason Unschedulable, or SchedulerError for errors)
   * through the status subresource; nominatedNodeName is set ('' clears it) when given.
   */
  private handleSchedulingFailure(q: QueuedPodInfo, status: Status, nominated: string | undefined, cycle: number): void {
    const key = q.podInfo.key;
    const isError = status.code === Code.Error;
    if (isError) {
      this.counts.errors++;
      this.log(`error scheduling ${key}: ${status.message()}`);
    } else {
      this.counts.unschedulable++;
    }
    const current = this.podLister.get(key);
    if (!current || isAssigned(current) || current.metadata?.uid !== q.podInfo.pod.metadata?.uid) {
      this.queue.done(key);
      return;
    }
    if (current !== q.podInfo.pod) q.podInfo = PodInfo.of(current);
    if (nominated) this.queue.addNominatedPod(q.podInfo, nominated);
    else if (nominated === '') this.queue.deleteNominatedPodIfExists(key);
    this.queue.addUnschedulableIfNotPresent(q, cycle, isError);
    const msg = status.message();
    this.opts.recorder.event(withKind(current), 'Warning', 'FailedScheduling', msg);
    void this.updatePodScheduledCondition(current, isError ? 'SchedulerError' : 'Unschedulable', msg, nominated);
  }

  private async updatePodScheduledCondition(pod: KObject, reason: string, message: string, nominated: string | undefined): Promise<void> {
    const conds: KObject[] = Array.isArray(pod.status?.conditions) ? pod.status.conditions : [];
    const old = conds.find((c) => c?.type === 'PodScheduled');
    const nominationChanges = nominated !== undefined && (pod.status?.nominatedNodeName ?? '') !== nominated;
    if (old && old.status === 'False' && old.reason === reason && old.message === message && !nominationChanges) return;
    const cond = { type: 'PodScheduled', status: 'False', reason, message, lastProbeTime: null, lastTransitionTime: old?.status === 'False' && old.lastTransitionTime ? old.lastTransitionTime : rfc3339(this.now()) };
    const status: KObject = { conditions: [cond] };
    if (nominationChanges) status.nominatedNodeName = nominated || null;
    try {
      await this.opts.clientset.resource(PODS).patch(pod.metadata.namespace, pod.metadata.name, 'strategic', { status }, { subresource: 'status' });
    } catch (e) {
      if ((e as { code?: number }).code !== 404) this.log(`updating PodScheduled of ${podKey(pod)}: ${(e as Error).message}`);
    }
  }
}
