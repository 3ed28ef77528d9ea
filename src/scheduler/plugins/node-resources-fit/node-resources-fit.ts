// NodeResourcesFit: rejects nodes without room for the pod's requests; scores by LeastAllocated (default) or MostAllocated.

import type { CycleState } from '../../framework/cycle-state.js';
import { MAX_NODE_SCORE, type ClusterEvent, type FilterPlugin, type ScorePlugin } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { Status } from '../../framework/status.js';
import { ConfigError } from '../../framework/config.js';

export interface ResourceSpec {
  name: string;
  weight: number;
}

export interface NodeResourcesFitArgs {
  /** resources the filter does not check */
  ignoredResources?: string[];
  scoringStrategy?: { type?: 'LeastAllocated' | 'MostAllocated'; resources?: ResourceSpec[] };
}

/** The node's allocatable amount of a resource (millicores for cpu). */
export function allocatableOf(nodeInfo: NodeInfo, name: string): number {
  switch (name) {
    case 'cpu': return nodeInfo.allocatable.milliCPU;
    case 'memory': return nodeInfo.allocatable.memory;
    default: return nodeInfo.allocatable.getNamed(name);
  }
}

/** What the node's pods plus this pod request of a resource; nonZero counts unset cpu/memory requests at the scheduler's defaults. */
export function requestedWith(nodeInfo: NodeInfo, pod: PodInfo, name: string, nonZero: boolean): number {
  switch (name) {
    case 'cpu': return nonZero ? nodeInfo.nonZeroMilliCPU + pod.nonZeroMilliCPU : nodeInfo.requested.milliCPU + pod.requests.milliCPU;
    case 'memory': return nonZero ? nodeInfo.nonZeroMemory + pod.nonZeroMemory : nodeInfo.requested.memory + pod.requests.memory;
    default: return nodeInfo.requested.getNamed(name) + pod.requests.getNamed(name);
  }
}

function leastRequested(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

function mostRequested(requested: number, capacity: number): number {
  if (capacity === 0) return 0;
  return Math.trunc((Math.min(requested, capacity) * MAX_NODE_SCORE) / capacity);
}

export class NodeResourcesFit implements FilterPlugin, ScorePlugin {
  static readonly NAME = 'NodeResourcesFit';
  readonly name = NodeResourcesFit.NAME;
  private readonly ignored: Set<string>;
  private readonly resources: ResourceSpec[];
  private readonly scorer: (requested: number, capacity: number) => number;

  constructor(args?: NodeResourcesFitArgs) {
    this.ignored = new Set(args?.ignoredResources ?? []);
    const strategy = args?.scoringStrategy ?? {};
    const type = strategy.type ?? 'LeastAllocated';
    if (type !== 'LeastAllocated' && type !== 'MostAllocated') throw new ConfigError(`NodeResourcesFit: scoringStrategy.type: Unsupported value: "${type}": supported values: "LeastAllocated", "MostAllocated"`);
    this.scorer = type === 'LeastAllocated' ? leastRequested : mostRequested;
    this.resources = strategy.resources?.length ? strategy.resources.map((r) => ({ name: r.name, weight: r.weight ?? 1 })) : [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }];
  }

  /** Reasons in upstream's order: Too many pods, then Insufficient <resource> for each short resource. */
  filter(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status {
    const alloc = nodeInfo.allocatable;
    const used = nodeInfo.requested;
    const req = pod.requests;
    let reasons: string[] | undefined;
    if (nodeInfo.pods.length + 1 > alloc.allowedPodNumber) (reasons ??= []).push('Too many pods');
    if (req.milliCPU > 0 && req.milliCPU > alloc.milliCPU - used.milliCPU && !this.ignored.has('cpu')) (reasons ??= []).push('Insufficient cpu');
    if (req.memory > 0 && req.memory > alloc.memory - used.memory && !this.ignored.has('memory')) (reasons ??= []).push('Insufficient memory');
    if (req.ephemeralStorage > 0 && req.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage && !this.ignored.has('ephemeral-storage')) (reasons ??= []).push('Insufficient ephemeral-storage');
    if (req.scalar) {
      for (const [name, v] of req.scalar) {
        if (v <= 0 || this.ignored.has(name)) continue;
        if (v > alloc.getNamed(name) - used.getNamed(name)) (reasons ??= []).push(`Insufficient ${name}`);
      }
    }
    return reasons ? Status.unschedulable(...reasons) : Status.SUCCESS;
  }

  /** weighted mean over the configured resources the node has (cpu/memory counted with non-zero defaults) */
  score(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): number {
    let total = 0;
    let weights = 0;
    for (const r of this.resources) {
      const alloc = allocatableOf(nodeInfo, r.name);
      if (alloc === 0) continue;
      total += this.scorer(requestedWith(nodeInfo, pod, r.name, true), alloc) * r.weight;
      weights += r.weight;
    }
    return weights === 0 ? 0 : Math.trunc(total / weights);
  }

  eventsToRegister(): ClusterEvent[] {
    return ['NodeAdd', 'NodeUpdate', 'AssignedPodDelete', 'AssignedPodUpdate'];
  }
}
