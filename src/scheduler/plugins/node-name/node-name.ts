// NodeName: a pod that names its node (spec.nodeName) fits only that node.

import type { ClusterEvent, FilterPlugin } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { Status } from '../../framework/status.js';
import type { CycleState } from '../../framework/cycle-state.js';

export const ERR_REASON_NODE_NAME = "node(s) didn't match the requested node name";

export class NodeName implements FilterPlugin {
  static readonly NAME = 'NodeName';
  readonly name = NodeName.NAME;

  filter(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status {
    const want = pod.nodeName;
    if (!want || want === nodeInfo.name) return Status.SUCCESS;
    return Status.unresolvable(ERR_REASON_NODE_NAME);
  }

  eventsToRegister(): ClusterEvent[] {
    return ['NodeAdd'];
  }
}
