// Priority admission: a new pod's spec.priority comes from its PriorityClass (or the global default), as upstream.

import type { KObject } from '../../api/strategy.js';
import { ApiError } from '../../api/status.js';

/** The classes every cluster has (upstream creates them at API server start). */
export const SYSTEM_PRIORITY_CLASSES: KObject[] = [
  { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'system-node-critical' }, value: 2000001000, description: 'Used for system critical pods that must not be moved from their current node.', preemptionPolicy: 'PreemptLowerPriority' },
  { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'system-cluster-critical' }, value: 2000000000, description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.', preemptionPolicy: 'PreemptLowerPriority' },
];

/**
 * Sets spec.priority (and preemptionPolicy) of a pod being created. `classes` lists the PriorityClasses.
 * A missing class, or a priority the client set that disagrees with the class, is a 403 as upstream.
 */
export function admitPriority(pod: KObject, classes: KObject[]): void {
  const spec = (pod.spec ??= {});
  const name: string | undefined = spec.priorityClassName || undefined;
  let pc: KObject | undefined;
  if (name) {
    pc = classes.find((c) => c.metadata?.name === name);
    if (!pc) throw forbidden(pod, `no PriorityClass with name ${name} was found`);
  } else {
    pc = classes.filter((c) => c.globalDefault === true).sort((a, b) => (b.value ?? 0) - (a.value ?? 0))[0];
  }
  const value: number = pc?.value ?? 0;
  if (spec.priority !== undefined && spec.priority !== null && spec.priority !== value) {
    throw forbidden(pod, `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${value} from the given PriorityClass name`);
  }
  spec.priority = value;
  if (pc) {
    spec.priorityClassName = pc.metadata.name;
    spec.preemptionPolicy ??= pc.preemptionPolicy ?? 'PreemptLowerPriority';
  }
}

function forbidden(pod: KObject, why: string): ApiError {
  const name = pod.metadata?.name ?? pod.metadata?.generateName ?? '';
  return new ApiError(403, 'Forbidden', `pods "${name}" is forbidden: ${why}`, { name, kind: 'pods' });
}
