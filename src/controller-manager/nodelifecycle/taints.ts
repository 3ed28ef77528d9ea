// Taint decisions (pure): the taints a node's conditions call for, and when a NoExecute taint evicts a pod.

import type { KObject } from '../../api/strategy.js';
import { nodeCondition, rfc3339 } from './node-health.js';

export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';

/** NoSchedule taints that follow a condition being True (upstream's TaintNodesByCondition). */
const CONDITION_TAINTS: [string, string][] = [
  ['MemoryPressure', 'node.kubernetes.io/memory-pressure'],
  ['DiskPressure', 'node.kubernetes.io/disk-pressure'],
  ['PIDPressure', 'node.kubernetes.io/pid-pressure'],
  ['NetworkUnavailable', 'node.kubernetes.io/network-unavailable'],
];
const UNSCHEDULABLE_TAINT = 'node.kubernetes.io/unschedulable';

/** Every taint key this controller owns (others are left exactly as they are). */
const MANAGED = new Set([TAINT_UNREACHABLE, TAINT_NOT_READY, UNSCHEDULABLE_TAINT, ...CONDITION_TAINTS.map(([, k]) => k)]);

function managed(t: KObject): boolean {
  return MANAGED.has(t?.key) && (t?.effect === 'NoSchedule' || (t?.effect === 'NoExecute' && (t.key === TAINT_UNREACHABLE || t.key === TAINT_NOT_READY)));
}

/**
 * The node's taints as they should be: Ready=Unknown → unreachable:NoSchedule and :NoExecute,
 * Ready=False → not-ready:NoSchedule and :NoExecute, pressure conditions and spec.unschedulable →
 * their NoSchedule taints. NoExecute taints carry timeAdded (kept while present). In full
 * disruption (no node Ready at all: more likely the control plane is cut off) NoExecute taints
 * are withheld, as upstream. Returns undefined when the taints are already right.
 */
export function desiredTaints(node: KObject, now: number, fullDisruption: boolean): KObject[] | undefined {
  const current: KObject[] = Array.isArray(node.spec?.taints) ? node.spec.taints : [];
  const want: KObject[] = [];
  const ready = nodeCondition(node, 'Ready')?.status;
  // no Ready condition yet: no taint (the controller marks it Unknown after the startup grace)
  const readyKey = ready === 'Unknown' ? TAINT_UNREACHABLE : ready === 'False' ? TAINT_NOT_READY : undefined;
  if (readyKey) {
    want.push({ key: readyKey, effect: 'NoSchedule' });
    if (!fullDisruption) want.push({ key: readyKey, effect: 'NoExecute' });
  }
  for (const [type, key] of CONDITION_TAINTS) if (nodeCondition(node, type)?.status === 'True') want.push({ key, effect: 'NoSchedule' });
  if (node.spec?.unschedulable === true) want.push({ key: UNSCHEDULABLE_TAINT, effect: 'NoSchedule' });

  const kept = current.filter((t) => !managed(t));
  const out = [...kept];
  let changed = false;
  for (const w of want) {
    const existing = current.find((t) => t.key === w.key && t.effect === w.effect);
    if (existing) out.push(existing);
    else {
      out.push(w.effect === 'NoExecute' ? { ...w, timeAdded: rfc3339(now) } : w);
      changed = true;
    }
  }
  for (const t of current) if (managed(t) && !want.some((w) => w.key === t.key && w.effect === t.effect)) changed = true;
  return changed ? out : undefined;
}

/** upstream's Toleration.ToleratesTaint */
export function tolerates(tol: KObject, taint: KObject): boolean {
  if (tol.effect && tol.effect !== taint.effect) return false;
  if (tol.key && tol.key !== taint.key) return false;
  if (!tol.key && tol.operator !== 'Exists') return false;
  if (tol.operator === 'Exists') return true;
  return (tol.value ?? '') === (taint.value ?? '');
}

/**
 * When a pod on a node with these NoExecute taints must go: `now`-independent ms since epoch,
 * 0 for at once (a taint it does not tolerate, or tolerationSeconds ≤ 0), undefined for never
 * (every taint tolerated without tolerationSeconds). The clock starts at the earliest
 * timeAdded of the taints (`fallbackStart` when a taint has none).
 */
export function evictionTime(pod: KObject, noExecute: KObject[], fallbackStart: number): number | undefined {
  if (noExecute.length === 0) return undefined;
  const tolerations: KObject[] = Array.isArray(pod.spec?.tolerations) ? pod.spec.tolerations : [];
  let minSeconds = Infinity;
  let start = Infinity;
  for (const taint of noExecute) {
    const used = tolerations.filter((t) => (t.effect === 'NoExecute' || !t.effect) && tolerates(t, taint));
    if (used.length === 0) return 0;
    for (const t of used) if (typeof t.tolerationSeconds === 'number') minSeconds = Math.min(minSeconds, t.tolerationSeconds);
    const added = Date.parse(taint.timeAdded ?? '');
    start = Math.min(start, Number.isNaN(added) ? fallbackStart : added);
  }
  if (minSeconds === Infinity) return undefined;
  if (minSeconds <= 0) return 0;
  return start + minSeconds * 1000;
}
