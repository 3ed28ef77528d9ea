// DefaultTolerationSeconds admission: new pods tolerate not-ready and unreachable nodes for 300 s, as upstream.
//
// Without these tolerations the node lifecycle controller would evict a pod the moment its node
// is tainted NoExecute; with them, pods ride out short node outages.

import type { KObject } from '../../api/strategy.js';

export const DEFAULT_TOLERATION_SECONDS = 300;
const TAINTS = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'];

/** Adds the two tolerations to a pod being created unless it already tolerates those taints for NoExecute. */
export function addDefaultTolerations(pod: KObject): void {
  const spec = (pod.spec ??= {});
  const tolerations: KObject[] = Array.isArray(spec.tolerations) ? spec.tolerations : [];
  for (const key of TAINTS) {
    const covered = tolerations.some(
      (t) => t && (t.operator === 'Exists' && !t.key ? true : t.key === key) && (!t.effect || t.effect === 'NoExecute'),
    );
    if (!covered) tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: DEFAULT_TOLERATION_SECONDS });
  }
  spec.tolerations = tolerations;
}
