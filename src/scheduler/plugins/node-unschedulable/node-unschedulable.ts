// NodeUnschedulable: rejects nodes with spec.unschedulable unless the pod tolerates the node.kubernetes.io/unschedulable taint.

import type { ClusterEvent, FilterPlugin } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { Status } from '../../framework/status.js';
import type { CycleState } from '../../framework/cycle-state.js';
import { tolerates, type Taint } from '../../util/taints.js';

export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';
const UNSCHEDULABLE_TAINT: Taint = { key: 'node.kubernetes.io/unschedulable', value: '', effect: 'NoSchedule' };

export class NodeUnschedulable implements FilterPlugin {
  static readonly NAME = 'NodeUnschedulable';
  readonly name = NodeUnschedulable.NAME;

  filter(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status {
    if (!nodeInfo.node) return Status.unresolvable('node(s) not found');
    if (!nodeInfo.unschedulable) return Status.SUCCESS;
    if (tolerates(pod.tolerations, UNSCHEDULABLE_TAINT)) return Status.SUCCESS;
    return Status.unresolvable(ERR_REASON_UNSCHEDULABLE);
  }

  eventsToRegister(): ClusterEvent[] {
    return ['NodeAdd', 'NodeUpdate'];
  }
}
