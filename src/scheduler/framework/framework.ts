// Framework: one profile's plugins instantiated from the registry and run per extension point, in configured order.

import type { KObject } from '../../api/strategy.js';
import { ConfigError, type PluginRef, type ResolvedProfile } from './config.js';
import type { CycleState } from './cycle-state.js';
import {
  ALL_CLUSTER_EVENTS, EXTENSION_POINTS, MAX_NODE_SCORE, MIN_NODE_SCORE, implementsPoint,
  type BindPlugin, type ClusterEvent, type Clientset, type EventRecorder, type ExtensionPoint, type FilterPlugin, type FrameworkRunner,
  type Handle, type NodeInfoLister, type NodeScore, type PermitPlugin, type Plugin, type PodNominator, type PostBindPlugin,
  type PostFilterPlugin, type PostFilterResult, type PreBindPlugin, type PreFilterPlugin, type PreScorePlugin, type ReservePlugin,
  type ScorePlugin, type WaitingPod,
} from './interfaces.js';
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';
import type { Registry } from './registry.js';
import { Code, Status } from './status.js';

/** What the framework needs from the scheduler to build plugin handles. */
export interface FrameworkDeps {
  clientset: Clientset | undefined;
  recorder: EventRecorder;
  nodeInfos: NodeInfoLister;
  nominator: PodNominator;
  currentPod(podKey: string): KObject | undefined;
}

/** Upstream's cap on a Permit wait. */
export const MAX_PERMIT_TIMEOUT_MS = 15 * 60 * 1000;

class WaitingPodImpl implements WaitingPod {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private resolve!: (s: Status) => void;
  readonly done: Promise<Status>;
  private settled = false;

  constructor(readonly pod: PodInfo, waits: Map<string, number>) {
    this.done = new Promise((r) => (this.resolve = r));
    for (const [plugin, ms] of waits) {
      const t = setTimeout(() => this.reject(plugin, `rejected due to timeout after waiting ${ms}ms at plugin ${plugin}`), ms);
      t.unref?.();
      this.timers.set(plugin, t);
    }
  }

  pendingPlugins(): string[] {
    return [...this.timers.keys()];
  }

  allow(pluginName: string): void {
    const t = this.timers.get(pluginName);
    if (!t) return;
    clearTimeout(t);
    this.timers.delete(pluginName);
    if (this.timers.size === 0) this.settle(Status.SUCCESS);
  }

  reject(pluginName: string, message: string): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.settle(Status.unschedulable(message).withPlugin(pluginName));
  }

  private settle(s: Status): void {
    if (this.settled) return;
    this.settled = true;
    this.resolve(s);
  }
}

/**
 * Runs one profile's plugins. Scheduling-cycle points (PreFilter … Permit) are synchronous
 * so a cycle sees one consistent cache; PostFilter and the binding-cycle points are async.
 * Expected failures come back as Status values; a plugin that throws is reported as Error.
 */
export class Framework implements FrameworkRunner {
  readonly profileName: string;
  readonly percentageOfNodesToScore: number;
  readonly handle: Handle;
  readonly preFilterPlugins: PreFilterPlugin[] = [];
  readonly filterPlugins: FilterPlugin[] = [];
  readonly postFilterPlugins: PostFilterPlugin[] = [];
  readonly preScorePlugins: PreScorePlugin[] = [];
  readonly scorePlugins: ScorePlugin[] = [];
  readonly reservePlugins: ReservePlugin[] = [];
  readonly permitPlugins: PermitPlugin[] = [];
  readonly preBindPlugins: PreBindPlugin[] = [];
  readonly bindPlugins: BindPlugin[] = [];
  readonly postBindPlugins: PostBindPlugin[] = [];
  /** Score plugin name → weight */
  readonly scoreWeights = new Map<string, number>();
  private readonly instances = new Map<string, Plugin>();
  private readonly waitingPods = new Map<string, WaitingPodImpl>();
  /** plugin → cluster events that may make pods it rejected schedulable */
  private readonly interest = new Map<string, Set<ClusterEvent>>();

  constructor(profile: ResolvedProfile, registry: Registry, private readonly deps: FrameworkDeps) {
    this.profileName = profile.schedulerName;
    this.percentageOfNodesToScore = profile.percentageOfNodesToScore;
    this.handle = {
      clientset: deps.clientset,
      recorder: deps.recorder,
      nodeInfos: deps.nodeInfos,
      nominator: deps.nominator,
      framework: () => this,
      getWaitingPod: (key) => this.waitingPods.get(key),
      currentPod: (key) => deps.currentPod(key),
    };
    const instance = (name: string): Plugin => {
      let p = this.instances.get(name);
      if (p) return p;
      const factory = registry.get(name);
      if (!factory) throw new ConfigError(`plugin "${name}" does not exist (profile ${this.profileName})`);
      p = factory(profile.pluginArgs.get(name), this.handle);
      if (p.name !== name) throw new ConfigError(`plugin registered as "${name}" calls itself "${p.name}"`);
      this.instances.set(name, p);
      return p;
    };
    const multiWeights = new Map(profile.multiPoint.map((r) => [r.name, r.weight]));
    for (const point of EXTENSION_POINTS) {
      const { enabled, disabled } = profile.points[point];
      const explicit = new Map<string, PluginRef>();
      for (const ref of enabled) {
        if (explicit.has(ref.name)) throw new ConfigError(`plugin "${ref.name}" already registered as "${point}"`);
        const p = instance(ref.name);
        if (!implementsPoint(p, point)) throw new ConfigError(`plugin "${ref.name}" does not extend ${point} plugin`);
        explicit.set(ref.name, ref);
      }
      const order: string[] = [];
      if (disabled.has('*')) {
        order.push(...explicit.keys());
      } else {
        const overrides = new Set<string>();
        const multi: string[] = [];
        for (const ref of profile.multiPoint) {
          const p = instance(ref.name);
          if (!implementsPoint(p, point) || disabled.has(ref.name)) continue;
          if (explicit.has(ref.name)) overrides.add(ref.name);
          else if (multi.includes(ref.name)) throw new ConfigError(`plugin "${ref.name}" already registered as "${point}"`);
          else multi.push(ref.name);
        }
        for (const n of explicit.keys()) if (overrides.has(n)) order.push(n);
        order.push(...multi);
        for (const n of explicit.keys()) if (!overrides.has(n)) order.push(n);
      }
      for (const name of order) {
        const p = instance(name);
        this.listFor(point).push(p);
        if (point === 'score') {
          const w = explicit.get(name)?.weight ?? multiWeights.get(name) ?? 1;
          this.scoreWeights.set(name, w || 1);
        }
      }
    }
    for (const p of [...this.preFilterPlugins, ...this.filterPlugins, ...this.reservePlugins, ...this.permitPlugins]) {
      if (this.interest.has(p.name)) continue;
      this.interest.set(p.name, new Set(p.eventsToRegister ? p.eventsToRegister() : ALL_CLUSTER_EVENTS));
    }
  }

  private listFor(point: ExtensionPoint): Plugin[] {
    switch (point) {
      case 'preFilter': return this.preFilterPlugins;
      case 'filter': return this.filterPlugins;
      case 'postFilter': return this.postFilterPlugins;
      case 'preScore': return this.preScorePlugins;
      case 'score': return this.scorePlugins;
      case 'reserve': return this.reservePlugins;
      case 'permit': return this.permitPlugins;
      case 'preBind': return this.preBindPlugins;
      case 'bind': return this.bindPlugins;
      case 'postBind': return this.postBindPlugins;
    }
  }

  /** The plugin instance by name (for tests and tooling). */
  plugin(name: string): Plugin | undefined {
    return this.instances.get(name);
  }

  /** Names of the plugins at an extension point, in the order they run. */
  pluginNames(point: ExtensionPoint): string[] {
    return this.listFor(point).map((p) => p.name);
  }

  /**
   * Whether an event may help a pod that these plugins rejected: true when any of them
   * registered the event, or when none is known (the pod failed for another reason).
   */
  eventMayHelp(event: ClusterEvent, unschedulablePlugins: ReadonlySet<string>): boolean {
    if (unschedulablePlugins.size === 0) return true;
    for (const p of unschedulablePlugins) {
      const set = this.interest.get(p);
      if (!set || set.has(event)) return true;
    }
    return false;
  }

  // ---- PreFilter / Filter

  /**
   * Runs every PreFilter plugin. Skip marks the plugin's Filter skipped; UnschedulableAndUnresolvable
   * and Error stop at once; an Unschedulable result is returned after the rest ran.
   * nodeNames is the intersection of the plugins' PreFilterResults (undefined: all nodes).
   */
  runPreFilterPlugins(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): { status: Status; nodeNames?: Set<string> } {
    let unschedulable: Status | undefined;
    let nodeNames: Set<string> | undefined;
    const restricting: string[] = [];
    for (const pl of this.preFilterPlugins) {
      let r: ReturnType<PreFilterPlugin['preFilter']>;
      try {
        r = pl.preFilter(state, pod, nodes);
      } catch (e) {
        return { status: Status.error(`running PreFilter plugin "${pl.name}": ${(e as Error).message}`).withPlugin(pl.name) };
      }
      const s = r.status;
      if (s.isSkip()) {
        state.skipFilterPlugins.add(pl.name);
        continue;
      }
      if (!s.isSuccess()) {
        if (s.code === Code.UnschedulableAndUnresolvable) return { status: s.withPlugin(pl.name) };
        if (s.code === Code.Unschedulable) {
          unschedulable = s.withPlugin(pl.name);
          continue;
        }
        return { status: Status.error(`running PreFilter plugin "${pl.name}": ${s.message()}`).withPlugin(pl.name) };
      }
      if (r.result?.nodeNames) {
        restricting.push(pl.name);
        const names = r.result.nodeNames;
        nodeNames = nodeNames === undefined ? new Set(names) : new Set([...nodeNames].filter((n) => names.has(n)));
        if (nodeNames.size === 0) {
          const msg = restricting.length === 1 ? `node(s) didn't satisfy plugin ${restricting[0]}` : `node(s) didn't satisfy plugin(s) [${restricting.join(' ')}] simultaneously`;
          return { status: Status.unresolvable(msg), nodeNames };
        }
      }
    }
    return { status: unschedulable ?? Status.SUCCESS, nodeNames };
  }

  runPreFilterExtensionAddPod(state: CycleState, podToSchedule: PodInfo, podToAdd: PodInfo, nodeInfo: NodeInfo): Status {
    for (const pl of this.preFilterPlugins) {
      if (!pl.preFilterExtensions || state.skipFilterPlugins.has(pl.name)) continue;
      const s = pl.preFilterExtensions.addPod(state, podToSchedule, podToAdd, nodeInfo);
      if (!s.isSuccess()) return Status.error(`running AddPod on PreFilter plugin "${pl.name}": ${s.message()}`);
    }
    return Status.SUCCESS;
  }

  runPreFilterExtensionRemovePod(state: CycleState, podToSchedule: PodInfo, podToRemove: PodInfo, nodeInfo: NodeInfo): Status {
    for (const pl of this.preFilterPlugins) {
      if (!pl.preFilterExtensions || state.skipFilterPlugins.has(pl.name)) continue;
      const s = pl.preFilterExtensions.removePod(state, podToSchedule, podToRemove, nodeInfo);
      if (!s.isSuccess()) return Status.error(`running RemovePod on PreFilter plugin "${pl.name}": ${s.message()}`);
    }
    return Status.SUCCESS;
  }

  /** The Filter plugins not skipped for this cycle (compute once per cycle for the hot loop). */
  activeFilterPlugins(state: CycleState): FilterPlugin[] {
    if (state.skipFilterPlugins.size === 0) return this.filterPlugins;
    return this.filterPlugins.filter((p) => !state.skipFilterPlugins.has(p.name));
  }

  /** The first non-success Filter status on the node (attributed to its plugin), or Success. */
  runFilters(plugins: readonly FilterPlugin[], state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status {
    for (let i = 0; i < plugins.length; i++) {
      const pl = plugins[i];
      let s: Status;
      try {
        s = pl.filter(state, pod, nodeInfo);
      } catch (e) {
        return Status.error(`running "${pl.name}" filter plugin: ${(e as Error).message}`).withPlugin(pl.name);
      }
      if (s.code !== Code.Success) {
        if (!s.isRejected()) return Status.error(`running "${pl.name}" filter plugin: ${s.message()}`).withPlugin(pl.name);
        return s.withPlugin(pl.name);
      }
    }
    return Status.SUCCESS;
  }

  runFilterPlugins(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status {
    return this.runFilters(this.activeFilterPlugins(state), state, pod, nodeInfo);
  }

  /**
   * Filter as if the pods nominated to this node with priority ≥ the pod's were running there
   * (and, when that passes, also without them), so preemptors keep the room they freed.
   */
  runFilterPluginsWithNominatedPods(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo, plugins?: readonly FilterPlugin[]): Status {
    const active = plugins ?? this.activeFilterPlugins(state);
    const nominated = this.deps.nominator.nominatedPodsForNode(nodeInfo.name);
    if (nominated.length > 0) {
      let ni: NodeInfo | undefined;
      let st: CycleState | undefined;
      for (const np of nominated) {
        if (np.key === pod.key || np.priority < pod.priority) continue;
        if (!ni) {
          ni = nodeInfo.clone();
          st = state.clone();
        }
        ni.addPod(np);
        const s = this.runPreFilterExtensionAddPod(st!, pod, np, ni);
        if (!s.isSuccess()) return s;
      }
      if (ni) {
        const s = this.runFilters(active, st!, pod, ni);
        if (!s.isSuccess()) return s;
      }
    }
    return this.runFilters(active, state, pod, nodeInfo);
  }

  // ---- PostFilter

  /** Runs PostFilter plugins until one succeeds or one says nothing can help; reasons of the others are joined. */
  async runPostFilterPlugins(state: CycleState, pod: PodInfo, filteredNodeStatus: ReadonlyMap<string, Status>): Promise<{ status: Status; result?: PostFilterResult }> {
    const reasons: string[] = [];
    let result: PostFilterResult | undefined;
    for (const pl of this.postFilterPlugins) {
      let r: { status: Status; result?: PostFilterResult };
      try {
        r = await pl.postFilter(state, pod, filteredNodeStatus);
      } catch (e) {
        return { status: Status.error(`running PostFilter plugin "${pl.name}": ${(e as Error).message}`).withPlugin(pl.name) };
      }
      if (r.status.isSuccess()) return r;
      if (r.status.code === Code.UnschedulableAndUnresolvable) return { status: r.status.withPlugin(pl.name), result: r.result };
      if (r.status.code !== Code.Unschedulable) return { status: r.status.withPlugin(pl.name) };
      reasons.push(...r.status.reasons);
      if (r.result) result = r.result;
    }
    return { status: Status.unschedulable(...reasons), result };
  }

  // ---- PreScore / Score

  runPreScorePlugins(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status {
    for (const pl of this.preScorePlugins) {
      let s: Status;
      try {
        s = pl.preScore(state, pod, nodes);
      } catch (e) {
        return Status.error(`running PreScore plugin "${pl.name}": ${(e as Error).message}`).withPlugin(pl.name);
      }
      if (s.isSkip()) {
        state.skipScorePlugins.add(pl.name);
        continue;
      }
      if (!s.isSuccess()) return Status.error(`running PreScore plugin "${pl.name}": ${s.message()}`).withPlugin(pl.name);
    }
    return Status.SUCCESS;
  }

  /**
   * Scores every node with every (not skipped) Score plugin, normalizes, applies the weights and
   * sums: totals[i] is nodes[i]'s final score.
   */
  runScorePlugins(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): { status: Status; totals: number[] } {
    const n = nodes.length;
    const totals = new Array<number>(n).fill(0);
    for (const pl of this.scorePlugins) {
      if (state.skipScorePlugins.has(pl.name)) continue;
      const weight = this.scoreWeights.get(pl.name) ?? 1;
      const scores: NodeScore[] = new Array(n);
      try {
        for (let i = 0; i < n; i++) {
          const r = pl.score(state, pod, nodes[i]);
          if (typeof r !== 'number') return { status: Status.error(`running Score plugin "${pl.name}": ${r.message()}`).withPlugin(pl.name), totals };
          scores[i] = { name: nodes[i].name, score: r };
        }
        if (pl.scoreExtensions) {
          const s = pl.scoreExtensions.normalizeScore(state, pod, scores);
          if (!s.isSuccess()) return { status: Status.error(`running Normalize on Score plugin "${pl.name}": ${s.message()}`).withPlugin(pl.name), totals };
        }
      } catch (e) {
        return { status: Status.error(`running Score plugin "${pl.name}": ${(e as Error).message}`).withPlugin(pl.name), totals };
      }
      for (let i = 0; i < n; i++) {
        const s = scores[i].score;
        if (!(s >= MIN_NODE_SCORE && s <= MAX_NODE_SCORE)) {
          return { status: Status.error(`plugin "${pl.name}" returns an invalid score ${s}, it should in the range of [${MIN_NODE_SCORE}, ${MAX_NODE_SCORE}] after normalizing`).withPlugin(pl.name), totals };
        }
        totals[i] += s * weight;
      }
    }
    return { status: Status.SUCCESS, totals };
  }

  // ---- Reserve / Permit

  /** Reserves in order; on failure the caller runs runReservePluginsUnreserve. */
  runReservePluginsReserve(state: CycleState, pod: PodInfo, nodeName: string): Status {
    for (const pl of this.reservePlugins) {
      let s: Status;
      try {
        s = pl.reserve(state, pod, nodeName);
      } catch (e) {
        s = Status.error((e as Error).message);
      }
      if (!s.isSuccess()) {
        if (s.isRejected()) return s.withPlugin(pl.name);
        return Status.error(`running Reserve plugin "${pl.name}": ${s.message()}`).withPlugin(pl.name);
      }
    }
    return Status.SUCCESS;
  }

  /** Unreserves in reverse order; errors are swallowed (Unreserve must be idempotent and cannot fail). */
  runReservePluginsUnreserve(state: CycleState, pod: PodInfo, nodeName: string): void {
    for (let i = this.reservePlugins.length - 1; i >= 0; i--) {
      try {
        this.reservePlugins[i].unreserve(state, pod, nodeName);
      } catch {
        // contract: Unreserve does not fail
      }
    }
  }

  /** Success, a rejection, or Wait (the pod is then held until waitOnPermit settles). */
  runPermitPlugins(state: CycleState, pod: PodInfo, nodeName: string): Status {
    const waits = new Map<string, number>();
    for (const pl of this.permitPlugins) {
      let r: ReturnType<PermitPlugin['permit']>;
      try {
        r = pl.permit(state, pod, nodeName);
      } catch (e) {
        return Status.error(`running Permit plugin "${pl.name}": ${(e as Error).message}`).withPlugin(pl.name);
      }
      const s = r.status;
      if (s.isSuccess()) continue;
      if (s.isRejected()) return s.withPlugin(pl.name);
      if (s.isWait()) {
        waits.set(pl.name, Math.min(r.timeoutMs ?? MAX_PERMIT_TIMEOUT_MS, MAX_PERMIT_TIMEOUT_MS));
        continue;
      }
      return Status.error(`running Permit plugin "${pl.name}": ${s.message()}`).withPlugin(pl.name);
    }
    if (waits.size > 0) {
      this.waitingPods.set(pod.key, new WaitingPodImpl(pod, waits));
      return Status.wait('one or more plugins asked to wait and no plugin rejected pod');
    }
    return Status.SUCCESS;
  }

  /** Resolves when a waiting pod is allowed (Success) or rejected/timed out; Success at once for pods not waiting. */
  async waitOnPermit(pod: PodInfo): Promise<Status> {
    const wp = this.waitingPods.get(pod.key);
    if (!wp) return Status.SUCCESS;
    try {
      return await wp.done;
    } finally {
      this.waitingPods.delete(pod.key);
    }
  }

  /** Rejects a pod held at Permit (e.g. it was deleted); false when it was not waiting. */
  rejectWaitingPod(podKey: string, message = 'removed'): boolean {
    const wp = this.waitingPods.get(podKey);
    if (!wp) return false;
    wp.reject('', message);
    return true;
  }

  // ---- binding cycle

  async runPreBindPlugins(state: CycleState, pod: PodInfo, nodeName: string): Promise<Status> {
    for (const pl of this.preBindPlugins) {
      let s: Status;
      try {
        s = await pl.preBind(state, pod, nodeName);
      } catch (e) {
        s = Status.error((e as Error).message);
      }
      if (!s.isSuccess()) return s.isRejected() ? s.withPlugin(pl.name) : Status.error(`running PreBind plugin "${pl.name}": ${s.message()}`).withPlugin(pl.name);
    }
    return Status.SUCCESS;
  }

  /** The first Bind plugin that does not Skip binds the pod. */
  async runBindPlugins(state: CycleState, pod: PodInfo, nodeName: string): Promise<Status> {
    for (const pl of this.bindPlugins) {
      let s: Status;
      try {
        s = await pl.bind(state, pod, nodeName);
      } catch (e) {
        s = Status.error((e as Error).message);
      }
      if (s.isSkip()) continue;
      if (!s.isSuccess()) return s.isRejected() ? s.withPlugin(pl.name) : Status.error(`running Bind plugin "${pl.name}": ${s.message()}`).withPlugin(pl.name);
      return Status.SUCCESS;
    }
    return Status.error('all bind plugins were skipped');
  }

  runPostBindPlugins(state: CycleState, pod: PodInfo, nodeName: string): void {
    for (const pl of this.postBindPlugins) {
      try {
        pl.postBind(state, pod, nodeName);
      } catch {
        // informational only
      }
    }
  }

  hasFilterPlugins(): boolean {
    return this.filterPlugins.length > 0;
  }

  hasPostFilterPlugins(): boolean {
    return this.postFilterPlugins.length > 0;
  }

  hasScorePlugins(): boolean {
    return this.scorePlugins.length > 0;
  }
}

