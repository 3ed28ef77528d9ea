// NodePorts: rejects nodes where a host port the pod asks for is already taken (same protocol and port, overlapping IP).

import type { CycleState } from '../../framework/cycle-state.js';
import type { ClusterEvent, FilterPlugin, PreFilterPlugin } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { Status } from '../../framework/status.js';

export const ERR_REASON_PORTS = "node(s) didn't have free ports for the requested pod ports";

export class NodePorts implements PreFilterPlugin, FilterPlugin {
  static readonly NAME = 'NodePorts';
  readonly name = NodePorts.NAME;

  /** Skip for pods without host ports. */
  preFilter(_state: CycleState, pod: PodInfo): { status: Status } {
    return { status: pod.hostPorts.length === 0 ? Status.SKIP : Status.SUCCESS };
  }

  filter(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status {
    if (nodeInfo.usedPorts.size === 0) return Status.SUCCESS;
    for (const p of pod.hostPorts) if (nodeInfo.usedPorts.conflicts(p)) return Status.unschedulable(ERR_REASON_PORTS);
    return Status.SUCCESS;
  }

  eventsToRegister(): ClusterEvent[] {
    return ['NodeAdd', 'AssignedPodDelete'];
  }
}
