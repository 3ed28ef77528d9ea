// The in-tree plugin registry: every built-in plugin by its configuration name.

import type { Handle } from '../framework/interfaces.js';
import { Registry } from '../framework/registry.js';
import { DefaultBinder } from './default-binder/default-binder.js';
import { DefaultPreemption, type DefaultPreemptionArgs } from './default-preemption/default-preemption.js';
import { InterPodAffinity, type InterPodAffinityArgs } from './inter-pod-affinity/inter-pod-affinity.js';
import { NodeAffinity } from './node-affinity/node-affinity.js';
import { NodeName } from './node-name/node-name.js';
import { NodePorts } from './node-ports/node-ports.js';
import { NodeResourcesBalancedAllocation, type BalancedAllocationArgs } from './node-resources-balanced-allocation/node-resources-balanced-allocation.js';
import { NodeResourcesFit, type NodeResourcesFitArgs } from './node-resources-fit/node-resources-fit.js';
import { NodeUnschedulable } from './node-unschedulable/node-unschedulable.js';
import { PodTopologySpread } from './pod-topology-spread/pod-topology-spread.js';
import { TaintToleration } from './taint-toleration/taint-toleration.js';

/** A fresh registry of the built-in plugins (callers may merge their own into it). */
export function inTreeRegistry(): Registry {
  return new Registry({
    [NodeUnschedulable.NAME]: () => new NodeUnschedulable(),
    [NodeName.NAME]: () => new NodeName(),
    [TaintToleration.NAME]: () => new TaintToleration(),
    [NodeAffinity.NAME]: () => new NodeAffinity(),
    [NodePorts.NAME]: () => new NodePorts(),
    [NodeResourcesFit.NAME]: (args) => new NodeResourcesFit(args as NodeResourcesFitArgs),
    [NodeResourcesBalancedAllocation.NAME]: (args) => new NodeResourcesBalancedAllocation(args as BalancedAllocationArgs),
    [PodTopologySpread.NAME]: (_args, h: Handle) => new PodTopologySpread(h),
    [InterPodAffinity.NAME]: (args, h: Handle) => new InterPodAffinity(h, args as InterPodAffinityArgs),
    [DefaultPreemption.NAME]: (args, h: Handle) => new DefaultPreemption(h, args as DefaultPreemptionArgs),
    [DefaultBinder.NAME]: (_args, h: Handle) => new DefaultBinder(h),
  });
}
