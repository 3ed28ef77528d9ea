// InterPodAffinity: required pod affinity/anti-affinity (the pod's own and existing pods') filter nodes by topology domain; preferred terms score.

import type { CycleState, StateData } from '../../framework/cycle-state.js';
import { MAX_NODE_SCORE, type ClusterEvent, type FilterPlugin, type Handle, type NodeScore, type PreFilterExtensions, type PreFilterPlugin, type PreScorePlugin, type ScoreExtensions, type ScorePlugin } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../framework/node-info.js';
import { termMatches, type AffinityTerm, type PodInfo } from '../../framework/pod-info.js';
import { Status } from '../../framework/status.js';

export const ERR_REASON_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
export const ERR_REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";
const PRE_FILTER_KEY = 'PreFilterInterPodAffinity';
const PRE_SCORE_KEY = 'PreScoreInterPodAffinity';

export interface InterPodAffinityArgs {
  /** the score weight of existing pods' required affinity terms that the pod matches (0–100) */
  hardPodAffinityWeight?: number;
}

/** topology pair key: "key\0value" */
function pair(key: string, value: string): string {
  return `${key}\u0000${value}`;
}

function bump(m: Map<string, number>, k: string, delta: number): void {
  const n = (m.get(k) ?? 0) + delta;
  if (n === 0) m.delete(k);
  else m.set(k, n);
}

function matchesAll(terms: readonly AffinityTerm[], p: PodInfo): boolean {
  for (const t of terms) if (!termMatches(t, p)) return false;
  return true;
}

class PreFilterState implements StateData {
  constructor(
    /** domains where an existing pod's required anti-affinity selects the incoming pod */
    readonly existingAnti: Map<string, number>,
    /** domains holding pods that match all the incoming pod's required affinity terms */
    readonly affinity: Map<string, number>,
    /** domains holding pods that one of the incoming pod's anti-affinity terms selects */
    readonly anti: Map<string, number>,
  ) {}
  clone(): StateData {
    return new PreFilterState(new Map(this.existingAnti), new Map(this.affinity), new Map(this.anti));
  }
}

class PreScoreState implements StateData {
  constructor(readonly topologyScore: Map<string, Map<string, number>>) {}
  clone(): StateData {
    return this;
  }
}

export class InterPodAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  static readonly NAME = 'InterPodAffinity';
  readonly name = InterPodAffinity.NAME;
  private readonly hardWeight: number;

  constructor(private readonly handle: Handle, args?: InterPodAffinityArgs) {
    this.hardWeight = args?.hardPodAffinityWeight ?? 1;
  }

  /** Skip when neither the pod nor any existing pod has required (anti-)affinity. */
  preFilter(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): { status: Status } {
    if (pod.parseError) return { status: Status.unresolvable(`invalid pod affinity term: ${pod.parseError}`) };
    const hasOwn = pod.requiredAffinityTerms.length + pod.requiredAntiAffinityTerms.length > 0;
    if (!hasOwn && this.handle.nodeInfos.podsWithRequiredAntiAffinity() === 0) return { status: Status.SKIP };
    const st = new PreFilterState(new Map(), new Map(), new Map());
    for (const ni of nodes) {
      if (ni.podsWithRequiredAntiAffinity === 0 && !hasOwn) continue;
      for (const p of ni.pods) this.account(st, pod, p, ni, 1, hasOwn);
    }
    state.write(PRE_FILTER_KEY, st);
    return { status: Status.SUCCESS };
  }

  private account(st: PreFilterState, pod: PodInfo, existing: PodInfo, ni: NodeInfo, delta: number, hasOwn: boolean): void {
    const labels = ni.labels;
    for (const t of existing.requiredAntiAffinityTerms) {
      const v = labels[t.topologyKey];
      if (v !== undefined && termMatches(t, pod)) bump(st.existingAnti, pair(t.topologyKey, v), delta);
    }
    if (!hasOwn) return;
    if (pod.requiredAffinityTerms.length > 0 && matchesAll(pod.requiredAffinityTerms, existing)) {
      for (const t of pod.requiredAffinityTerms) {
        const v = labels[t.topologyKey];
        if (v !== undefined) bump(st.affinity, pair(t.topologyKey, v), delta);
      }
    }
    for (const t of pod.requiredAntiAffinityTerms) {
      const v = labels[t.topologyKey];
      if (v !== undefined && termMatches(t, existing)) bump(st.anti, pair(t.topologyKey, v), delta);
    }
  }

  readonly preFilterExtensions: PreFilterExtensions = {
    addPod: (state, pod, podToAdd, nodeInfo) => this.updateWithPod(state, pod, podToAdd, nodeInfo, 1),
    removePod: (state, pod, podToRemove, nodeInfo) => this.updateWithPod(state, pod, podToRemove, nodeInfo, -1),
  };

  private updateWithPod(state: CycleState, pod: PodInfo, other: PodInfo, nodeInfo: NodeInfo, delta: number): Status {
    const st = state.read<PreFilterState>(PRE_FILTER_KEY);
    if (!st) return Status.SUCCESS;
    this.account(st, pod, other, nodeInfo, delta, pod.requiredAffinityTerms.length + pod.requiredAntiAffinityTerms.length > 0);
    return Status.SUCCESS;
  }

  filter(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status {
    const st = state.read<PreFilterState>(PRE_FILTER_KEY);
    if (!st) return Status.error(`reading "${PRE_FILTER_KEY}" from cycleState: not found`);
    const labels = nodeInfo.labels;
    if (pod.requiredAffinityTerms.length > 0) {
      let all = true;
      for (const t of pod.requiredAffinityTerms) {
        const v = labels[t.topologyKey];
        if (v === undefined || !st.affinity.has(pair(t.topologyKey, v))) {
          all = false;
          break;
        }
      }
      // the first pod of a group that selects itself may go anywhere its terms' keys exist
      if (!all && !(st.affinity.size === 0 && matchesAll(pod.requiredAffinityTerms, pod) && pod.requiredAffinityTerms.every((t) => t.topologyKey in labels))) {
        return Status.unresolvable(ERR_REASON_AFFINITY);
      }
    }
    for (const t of pod.requiredAntiAffinityTerms) {
      const v = labels[t.topologyKey];
      if (v !== undefined && st.anti.has(pair(t.topologyKey, v))) return Status.unschedulable(ERR_REASON_ANTI_AFFINITY);
    }
    if (st.existingAnti.size > 0) {
      for (const k of st.existingAnti.keys()) {
        const i = k.indexOf('\u0000');
        if (labels[k.slice(0, i)] === k.slice(i + 1)) return Status.unschedulable(ERR_REASON_EXISTING_ANTI_AFFINITY);
      }
    }
    return Status.SUCCESS;
  }

  /** Sums, per topology domain, the weights of preferred terms between the pod and existing pods; Skip when nothing can count. */
  preScore(state: CycleState, pod: PodInfo): Status {
    if (pod.parseError) return Status.SKIP;
    const hasPreferred = pod.preferredAffinityTerms.length + pod.preferredAntiAffinityTerms.length > 0;
    if (!hasPreferred && this.handle.nodeInfos.podsWithAffinity() === 0) return Status.SKIP;
    const scores = new Map<string, Map<string, number>>();
    const add = (key: string, labels: Record<string, string>, w: number) => {
      const v = labels[key];
      if (v === undefined || w === 0) return;
      let m = scores.get(key);
      if (!m) scores.set(key, (m = new Map()));
      m.set(v, (m.get(v) ?? 0) + w);
    };
    for (const ni of this.handle.nodeInfos.list()) {
      if (!hasPreferred && ni.podsWithAffinity === 0) continue;
      for (const ex of ni.pods) {
        if (hasPreferred) {
          for (const t of pod.preferredAffinityTerms) if (termMatches(t, ex)) add(t.topologyKey, ni.labels, t.weight);
          for (const t of pod.preferredAntiAffinityTerms) if (termMatches(t, ex)) add(t.topologyKey, ni.labels, -t.weight);
        }
        if (!ex.hasAffinity) continue;
        if (this.hardWeight > 0) for (const t of ex.requiredAffinityTerms) if (termMatches(t, pod)) add(t.topologyKey, ni.labels, this.hardWeight);
        for (const t of ex.preferredAffinityTerms) if (termMatches(t, pod)) add(t.topologyKey, ni.labels, t.weight);
        for (const t of ex.preferredAntiAffinityTerms) if (termMatches(t, pod)) add(t.topologyKey, ni.labels, -t.weight);
      }
    }
    if (scores.size === 0) return Status.SKIP;
    state.write(PRE_SCORE_KEY, new PreScoreState(scores));
    return Status.SUCCESS;
  }

  score(state: CycleState, _pod: PodInfo, nodeInfo: NodeInfo): number | Status {
    const st = state.read<PreScoreState>(PRE_SCORE_KEY);
    if (!st) return Status.error(`reading "${PRE_SCORE_KEY}" from cycleState: not found`);
    let s = 0;
    for (const [key, m] of st.topologyScore) {
      const v = nodeInfo.labels[key];
      if (v !== undefined) s += m.get(v) ?? 0;
    }
    return s;
  }

  /** min–max scaling to [0, 100]; all equal → 0 */
  readonly scoreExtensions: ScoreExtensions = {
    normalizeScore: (_state: CycleState, _pod: PodInfo, scores: NodeScore[]) => {
      let min = Infinity;
      let max = -Infinity;
      for (const s of scores) {
        if (s.score < min) min = s.score;
        if (s.score > max) max = s.score;
      }
      const diff = max - min;
      for (const s of scores) s.score = diff > 0 ? Math.trunc((MAX_NODE_SCORE * (s.score - min)) / diff) : 0;
      return Status.SUCCESS;
    },
  };

  eventsToRegister(): ClusterEvent[] {
    return ['NodeAdd', 'NodeUpdate', 'AssignedPodAdd', 'AssignedPodUpdate', 'AssignedPodDelete'];
  }
}
