// NodeAffinity: nodeSelector and required node affinity filter nodes; preferred node affinity terms add their weights to the score.

import type { CycleState, StateData } from '../../framework/cycle-state.js';
import type { ClusterEvent, FilterPlugin, NodeScore, PreFilterPlugin, PreScorePlugin, ScoreExtensions, ScorePlugin } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { Status } from '../../framework/status.js';
import { RequiredNodeAffinity, matchNodeSelectorTerm, parseNodeSelectorTerm, type NodeSelectorTerm } from '../../util/node-selector.js';
import { defaultNormalizeScore } from '../helper/normalize-score.js';

export const ERR_REASON_AFFINITY = "node(s) didn't match Pod's node affinity/selector";
const PRE_FILTER_KEY = 'PreFilterNodeAffinity';
const PRE_SCORE_KEY = 'PreScoreNodeAffinity';

class PreFilterState implements StateData {
  constructor(readonly required: RequiredNodeAffinity) {}
  clone(): StateData {
    return this;
  }
}

class PreScoreState implements StateData {
  constructor(readonly preferred: { weight: number; term: NodeSelectorTerm }[]) {}
  clone(): StateData {
    return this;
  }
}

export class NodeAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  static readonly NAME = 'NodeAffinity';
  readonly name = NodeAffinity.NAME;

  /** Skip for pods without constraints; matchFields metadata.name In narrows the nodes to evaluate. */
  preFilter(state: CycleState, pod: PodInfo): { status: Status; result?: { nodeNames?: Set<string> } } {
    const required = new RequiredNodeAffinity(pod.pod);
    if (required.isEmpty) return { status: Status.SKIP };
    state.write(PRE_FILTER_KEY, new PreFilterState(required));
    const names = required.pinnedNodeNames();
    if (names && names.size === 0) return { status: Status.unresolvable(ERR_REASON_AFFINITY) };
    return { status: Status.SUCCESS, result: names ? { nodeNames: names } : undefined };
  }

  filter(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status {
    const st = state.read<PreFilterState>(PRE_FILTER_KEY);
    const required = st ? st.required : new RequiredNodeAffinity(pod.pod);
    return required.match(nodeInfo.labels, nodeInfo.name) ? Status.SUCCESS : Status.unresolvable(ERR_REASON_AFFINITY);
  }

  /** Skip for pods without preferred terms (terms of weight 0 or with no requirement are ignored). */
  preScore(state: CycleState, pod: PodInfo): Status {
    const list = pod.pod?.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution;
    if (!Array.isArray(list) || list.length === 0) return Status.SKIP;
    const preferred: { weight: number; term: NodeSelectorTerm }[] = [];
    for (const p of list) {
      const weight = Number(p?.weight ?? 0);
      const term = parseNodeSelectorTerm(p?.preference);
      if (weight === 0 || (term.matchExpressions.length === 0 && term.matchFields.length === 0)) continue;
      preferred.push({ weight, term });
    }
    if (preferred.length === 0) return Status.SKIP;
    state.write(PRE_SCORE_KEY, new PreScoreState(preferred));
    return Status.SUCCESS;
  }

  /** the sum of the weights of the preferred terms the node matches (normalized to [0, 100]) */
  score(state: CycleState, _pod: PodInfo, nodeInfo: NodeInfo): number | Status {
    const st = state.read<PreScoreState>(PRE_SCORE_KEY);
    if (!st) return 0;
    let s = 0;
    for (const p of st.preferred) if (matchNodeSelectorTerm(p.term, nodeInfo.labels, nodeInfo.name)) s += p.weight;
    return s;
  }

  readonly scoreExtensions: ScoreExtensions = {
    normalizeScore: (_state: CycleState, _pod: PodInfo, scores: NodeScore[]) => defaultNormalizeScore(scores, false),
  };

  eventsToRegister(): ClusterEvent[] {
    return ['NodeAdd', 'NodeUpdate'];
  }
}
