// PodTopologySpread: keeps matching pods spread over topology domains (maxSkew); DoNotSchedule constraints filter, ScheduleAnyway ones score.

import type { KObject } from '../../../api/strategy.js';
import { labelSelectorFromSpec, matchLabelSelector, type LabelSelector } from '../../../api/labels.js';
import type { CycleState, StateData } from '../../framework/cycle-state.js';
import { MAX_NODE_SCORE, type ClusterEvent, type FilterPlugin, type Handle, type NodeScore, type PreFilterExtensions, type PreFilterPlugin, type PreScorePlugin, type ScoreExtensions, type ScorePlugin } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { Status } from '../../framework/status.js';
import { RequiredNodeAffinity } from '../../util/node-selector.js';
import { findUntoleratedTaint } from '../../util/taints.js';

export const ERR_REASON_CONSTRAINTS = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_MISSING_LABEL = "node(s) didn't match pod topology spread constraints (missing required label)";
const HOSTNAME = 'kubernetes.io/hostname';
const PRE_FILTER_KEY = 'PreFilterPodTopologySpread';
const PRE_SCORE_KEY = 'PreScorePodTopologySpread';

interface Constraint {
  maxSkew: number;
  topologyKey: string;
  selector: LabelSelector;
  minDomains: number;
  honorAffinity: boolean;
  honorTaints: boolean;
}

/** The pod's constraints for one whenUnsatisfiable action; matchLabelKeys add the pod's own values to the selector. */
function constraintsOf(pod: PodInfo, action: 'DoNotSchedule' | 'ScheduleAnyway'): Constraint[] {
  const list = pod.pod?.spec?.topologySpreadConstraints;
  if (!Array.isArray(list) || list.length === 0) return [];
  const out: Constraint[] = [];
  for (const c of list as KObject[]) {
    if ((c?.whenUnsatisfiable ?? 'DoNotSchedule') !== action) continue;
    const selector = labelSelectorFromSpec(c.labelSelector);
    for (const k of Array.isArray(c.matchLabelKeys) ? c.matchLabelKeys : []) {
      if (k in pod.labels) selector.requirements.push({ key: k, operator: 'in', values: [pod.labels[k]] });
    }
    out.push({
      maxSkew: Number(c.maxSkew ?? 1),
      topologyKey: String(c.topologyKey ?? ''),
      selector,
      minDomains: Number(c.minDomains ?? 1),
      honorAffinity: (c.nodeAffinityPolicy ?? 'Honor') === 'Honor',
      honorTaints: (c.nodeTaintsPolicy ?? 'Ignore') === 'Honor',
    });
  }
  return out;
}

function hasAllKeys(nodeInfo: NodeInfo, constraints: readonly Constraint[]): boolean {
  for (const c of constraints) if (!(c.topologyKey in nodeInfo.labels)) return false;
  return true;
}

/** Whether the node's pods count for the constraint under its node inclusion policies. */
function included(c: Constraint, nodeInfo: NodeInfo, pod: PodInfo, affinity: RequiredNodeAffinity): boolean {
  if (c.honorAffinity && !affinity.match(nodeInfo.labels, nodeInfo.name)) return false;
  if (c.honorTaints && findUntoleratedTaint(nodeInfo.taints, pod.tolerations, ['NoSchedule', 'NoExecute'])) return false;
  return true;
}

function podCounts(c: Constraint, p: PodInfo, namespace: string): boolean {
  return p.namespace === namespace && !p.pod?.metadata?.deletionTimestamp && matchLabelSelector(c.selector, p.labels);
}

function countMatching(nodeInfo: NodeInfo, c: Constraint, namespace: string): number {
  let n = 0;
  for (const p of nodeInfo.pods) if (podCounts(c, p, namespace)) n++;
  return n;
}

class PreFilterState implements StateData {
  private readonly mins: (number | undefined)[];

  constructor(readonly constraints: Constraint[], readonly affinity: RequiredNodeAffinity, readonly counts: Map<string, number>[]) {
    this.mins = constraints.map(() => undefined);
  }

  /** the smallest count over the constraint's domains (0 while there are fewer than minDomains) */
  min(i: number): number {
    let m = this.mins[i];
    if (m !== undefined) return m;
    const counts = this.counts[i];
    if (counts.size < this.constraints[i].minDomains || counts.size === 0) m = 0;
    else {
      m = Infinity;
      for (const v of counts.values()) if (v < m) m = v;
    }
    this.mins[i] = m;
    return m;
  }

  update(i: number, value: string, delta: number): void {
    this.counts[i].set(value, (this.counts[i].get(value) ?? 0) + delta);
    this.mins[i] = undefined;
  }

  clone(): StateData {
    return new PreFilterState(this.constraints, this.affinity, this.counts.map((m) => new Map(m)));
  }
}

class PreScoreState implements StateData {
  constructor(
    readonly constraints: Constraint[],
    readonly ignored: Set<string>,
    readonly counts: Map<string, number>[],
    readonly weights: number[],
  ) {}
  clone(): StateData {
    return this;
  }
}

export class PodTopologySpread implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  static readonly NAME = 'PodTopologySpread';
  readonly name = PodTopologySpread.NAME;

  constructor(private readonly handle: Handle) {}

  /** Counts matching pods per domain of every DoNotSchedule constraint over all eligible nodes; Skip without such constraints. */
  preFilter(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): { status: Status } {
    let constraints: Constraint[];
    try {
      constraints = constraintsOf(pod, 'DoNotSchedule');
    } catch (e) {
      return { status: Status.unresolvable(`invalid topology spread constraint: ${(e as Error).message}`) };
    }
    if (constraints.length === 0) return { status: Status.SKIP };
    const affinity = new RequiredNodeAffinity(pod.pod);
    const counts = constraints.map(() => new Map<string, number>());
    for (const ni of nodes) {
      if (!hasAllKeys(ni, constraints)) continue;
      constraints.forEach((c, i) => {
        if (!included(c, ni, pod, affinity)) return;
        const v = ni.labels[c.topologyKey];
        counts[i].set(v, (counts[i].get(v) ?? 0) + countMatching(ni, c, pod.namespace));
      });
    }
    state.write(PRE_FILTER_KEY, new PreFilterState(constraints, affinity, counts));
    return { status: Status.SUCCESS };
  }

  readonly preFilterExtensions: PreFilterExtensions = {
    addPod: (state, pod, podToAdd, nodeInfo) => this.updateWithPod(state, pod, podToAdd, nodeInfo, 1),
    removePod: (state, pod, podToRemove, nodeInfo) => this.updateWithPod(state, pod, podToRemove, nodeInfo, -1),
  };

  private updateWithPod(state: CycleState, pod: PodInfo, other: PodInfo, nodeInfo: NodeInfo, delta: number): Status {
    const st = state.read<PreFilterState>(PRE_FILTER_KEY);
    if (!st || !hasAllKeys(nodeInfo, st.constraints)) return Status.SUCCESS;
    st.constraints.forEach((c, i) => {
      if (!included(c, nodeInfo, pod, st.affinity) || !podCounts(c, other, pod.namespace)) return;
      st.update(i, nodeInfo.labels[c.topologyKey], delta);
    });
    return Status.SUCCESS;
  }

  /** skew = matching pods in the node's domain (+1 if the pod matches itself) − the smallest domain count; must be ≤ maxSkew */
  filter(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status {
    const st = state.read<PreFilterState>(PRE_FILTER_KEY);
    if (!st) return Status.error(`reading "${PRE_FILTER_KEY}" from cycleState: not found`);
    for (let i = 0; i < st.constraints.length; i++) {
      const c = st.constraints[i];
      const v = nodeInfo.labels[c.topologyKey];
      if (v === undefined) return Status.unresolvable(ERR_REASON_MISSING_LABEL);
      const self = matchLabelSelector(c.selector, pod.labels) ? 1 : 0;
      const skew = (st.counts[i].get(v) ?? 0) + self - st.min(i);
      if (skew > c.maxSkew) return Status.unschedulable(ERR_REASON_CONSTRAINTS);
    }
    return Status.SUCCESS;
  }

  /** Counts matching pods per domain of the ScheduleAnyway constraints; nodes lacking a key are ignored (score 0). */
  preScore(state: CycleState, pod: PodInfo, filtered: readonly NodeInfo[]): Status {
    let constraints: Constraint[];
    try {
      constraints = constraintsOf(pod, 'ScheduleAnyway');
    } catch (e) {
      return Status.error(`invalid topology spread constraint: ${(e as Error).message}`);
    }
    if (constraints.length === 0) return Status.SKIP;
    const ignored = new Set<string>();
    const domains = constraints.map(() => new Set<string>());
    for (const ni of filtered) {
      if (!hasAllKeys(ni, constraints)) {
        ignored.add(ni.name);
        continue;
      }
      constraints.forEach((c, i) => domains[i].add(ni.labels[c.topologyKey]));
    }
    const affinity = new RequiredNodeAffinity(pod.pod);
    const counts = constraints.map(() => new Map<string, number>());
    if (constraints.some((c) => c.topologyKey !== HOSTNAME)) {
      for (const ni of this.handle.nodeInfos.list()) {
        if (!hasAllKeys(ni, constraints)) continue;
        constraints.forEach((c, i) => {
          if (c.topologyKey === HOSTNAME || !included(c, ni, pod, affinity)) return;
          const v = ni.labels[c.topologyKey];
          if (!domains[i].has(v)) return;
          counts[i].set(v, (counts[i].get(v) ?? 0) + countMatching(ni, c, pod.namespace));
        });
      }
    }
    state.write(PRE_SCORE_KEY, new PreScoreState(constraints, ignored, counts, domains.map((d) => Math.log(d.size + 2))));
    return Status.SUCCESS;
  }

  /** Σ matching pods in the node's domain × log(domains + 2) + (maxSkew − 1); fewer is better (reversed by normalization) */
  score(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): number | Status {
    const st = state.read<PreScoreState>(PRE_SCORE_KEY);
    if (!st) return Status.error(`reading "${PRE_SCORE_KEY}" from cycleState: not found`);
    if (st.ignored.has(nodeInfo.name)) return 0;
    let s = 0;
    st.constraints.forEach((c, i) => {
      const cnt = c.topologyKey === HOSTNAME ? countMatching(nodeInfo, c, pod.namespace) : st.counts[i].get(nodeInfo.labels[c.topologyKey]) ?? 0;
      s += cnt * st.weights[i] + (c.maxSkew - 1);
    });
    return Math.round(s);
  }

  readonly scoreExtensions: ScoreExtensions = {
    normalizeScore: (state: CycleState, _pod: PodInfo, scores: NodeScore[]) => {
      const st = state.read<PreScoreState>(PRE_SCORE_KEY);
      if (!st) return Status.error(`reading "${PRE_SCORE_KEY}" from cycleState: not found`);
      let min = Infinity;
      let max = -Infinity;
      for (const s of scores) {
        if (st.ignored.has(s.name)) continue;
        if (s.score < min) min = s.score;
        if (s.score > max) max = s.score;
      }
      for (const s of scores) {
        if (st.ignored.has(s.name)) s.score = 0;
        else if (max === 0) s.score = MAX_NODE_SCORE;
        else s.score = Math.trunc((MAX_NODE_SCORE * (max + min - s.score)) / max);
      }
      return Status.SUCCESS;
    },
  };

  eventsToRegister(): ClusterEvent[] {
    return ['NodeAdd', 'NodeUpdate', 'NodeDelete', 'AssignedPodAdd', 'AssignedPodUpdate', 'AssignedPodDelete'];
  }
}
