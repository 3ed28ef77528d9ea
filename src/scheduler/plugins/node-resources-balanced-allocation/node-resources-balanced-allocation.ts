// NodeResourcesBalancedAllocation: favours nodes whose cpu and memory utilisation fractions stay close after placing the pod.

import type { CycleState } from '../../framework/cycle-state.js';
import { MAX_NODE_SCORE, type PreScorePlugin, type ScorePlugin } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { Status } from '../../framework/status.js';
import { allocatableOf, requestedWith, type ResourceSpec } from '../node-resources-fit/node-resources-fit.js';

export interface BalancedAllocationArgs {
  resources?: ResourceSpec[];
}

export class NodeResourcesBalancedAllocation implements PreScorePlugin, ScorePlugin {
  static readonly NAME = 'NodeResourcesBalancedAllocation';
  readonly name = NodeResourcesBalancedAllocation.NAME;
  private readonly resources: string[];
  private readonly fractions: number[];

  constructor(args?: BalancedAllocationArgs) {
    this.resources = args?.resources?.length ? args.resources.map((r) => r.name) : ['cpu', 'memory'];
    this.fractions = new Array(this.resources.length).fill(0);
  }

  /** Skip for pods requesting none of the resources (best effort): they change no balance. */
  preScore(_state: CycleState, pod: PodInfo): Status {
    for (const r of this.resources) if (pod.requests.getNamed(r) > 0) return Status.SUCCESS;
    return Status.SKIP;
  }

  /** (1 − standard deviation of the requested/allocatable fractions) × 100, on actual requests */
  score(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): number {
    let n = 0;
    let sum = 0;
    for (const r of this.resources) {
      const alloc = allocatableOf(nodeInfo, r);
      if (alloc === 0) continue;
      const f = Math.min(requestedWith(nodeInfo, pod, r, false) / alloc, 1);
      this.fractions[n++] = f;
      sum += f;
    }
    if (n === 0) return 0;
    let std: number;
    if (n === 2) {
      std = Math.abs(this.fractions[0] - this.fractions[1]) / 2;
    } else {
      const mean = sum / n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (this.fractions[i] - mean) ** 2;
      std = Math.sqrt(v / n);
    }
    return Math.trunc((1 - std) * MAX_NODE_SCORE);
  }
}
