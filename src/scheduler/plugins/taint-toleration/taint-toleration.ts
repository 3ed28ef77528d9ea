// TaintToleration: NoSchedule/NoExecute taints the pod does not tolerate reject the node; untolerated PreferNoSchedule taints lower its score.

import type { CycleState, StateData } from '../../framework/cycle-state.js';
import type { ClusterEvent, FilterPlugin, NodeScore, PreScorePlugin, ScoreExtensions, ScorePlugin } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { Status } from '../../framework/status.js';
import { findUntoleratedTaint, tolerates, type Toleration } from '../../util/taints.js';
import { defaultNormalizeScore } from '../helper/normalize-score.js';

const STATE_KEY = 'PreScoreTaintToleration';
const FILTER_EFFECTS = ['NoSchedule', 'NoExecute'];

class PreScoreState implements StateData {
  constructor(readonly preferNoScheduleTolerations: Toleration[]) {}
  clone(): StateData {
    return this;
  }
}

export class TaintToleration implements FilterPlugin, PreScorePlugin, ScorePlugin {
  static readonly NAME = 'TaintToleration';
  readonly name = TaintToleration.NAME;

  filter(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status {
    if (nodeInfo.taints.length === 0) return Status.SUCCESS;
    const taint = findUntoleratedTaint(nodeInfo.taints, pod.tolerations, FILTER_EFFECTS);
    if (!taint) return Status.SUCCESS;
    return Status.unresolvable(`node(s) had untolerated taint {${taint.key}: ${taint.value}}`);
  }

  preScore(state: CycleState, pod: PodInfo): Status {
    state.write(STATE_KEY, new PreScoreState(pod.tolerations.filter((t) => t.effect === '' || t.effect === 'PreferNoSchedule')));
    return Status.SUCCESS;
  }

  /** the number of PreferNoSchedule taints the pod does not tolerate (reversed by normalization) */
  score(state: CycleState, _pod: PodInfo, nodeInfo: NodeInfo): number | Status {
    if (nodeInfo.taints.length === 0) return 0;
    const st = state.read<PreScoreState>(STATE_KEY);
    if (!st) return Status.error(`reading "${STATE_KEY}" from cycleState: not found`);
    let n = 0;
    for (const t of nodeInfo.taints) if (t.effect === 'PreferNoSchedule' && !tolerates(st.preferNoScheduleTolerations, t)) n++;
    return n;
  }

  readonly scoreExtensions: ScoreExtensions = {
    normalizeScore: (_state: CycleState, _pod: PodInfo, scores: NodeScore[]) => defaultNormalizeScore(scores, true),
  };

  eventsToRegister(): ClusterEvent[] {
    return ['NodeAdd', 'NodeUpdate'];
  }
}
