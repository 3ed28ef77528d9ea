// Pod helpers shared by the workload controllers: activity, readiness, availability, deletion ranking, pods from templates.

import type { ResourceInfo } from '../../api/resources.js';
import type { KObject } from '../../api/strategy.js';
import { newControllerRef } from './controller-ref.js';

export const POD_DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';

/** "namespace/name" */
export function podKey(pod: KObject): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

/** upstream's IsPodActive: not Succeeded, not Failed, not being deleted */
export function isPodActive(pod: KObject): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata?.deletionTimestamp;
}

export function isPodTerminal(pod: KObject): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

function readyCondition(pod: KObject): KObject | undefined {
  const conds = pod.status?.conditions;
  return Array.isArray(conds) ? conds.find((c: KObject) => c?.type === 'Ready') : undefined;
}

export function isPodReady(pod: KObject): boolean {
  return readyCondition(pod)?.status === 'True';
}

/** ms since the epoch the pod became Ready, undefined when not ready or unknown */
export function podReadySince(pod: KObject): number | undefined {
  const c = readyCondition(pod);
  if (c?.status !== 'True' || !c.lastTransitionTime) return undefined;
  const t = Date.parse(c.lastTransitionTime);
  return Number.isNaN(t) ? undefined : t;
}

/** upstream's IsPodAvailable: ready, and ready for longer than minReadySeconds (strictly) at now */
export function isPodAvailable(pod: KObject, minReadySeconds: number | undefined, nowMs: number): boolean {
  if (!isPodReady(pod)) return false;
  const mrs = minReadySeconds ?? 0;
  if (mrs <= 0) return true;
  const since = podReadySince(pod);
  return since !== undefined && since + mrs * 1000 < nowMs;
}

/** ms until the pod becomes available (0 when it is, or undefined when it is not ready) */
export function msUntilAvailable(pod: KObject, minReadySeconds: number | undefined, nowMs: number): number | undefined {
  if (!isPodReady(pod)) return undefined;
  const since = podReadySince(pod);
  const mrs = minReadySeconds ?? 0;
  if (mrs <= 0 || since === undefined) return 0;
  return Math.max(0, since + mrs * 1000 - nowMs + 1);
}

const PHASE_ORDINAL: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function deletionCost(pod: KObject): number {
  const v = pod.metadata?.annotations?.[POD_DELETION_COST_ANNOTATION];
  if (typeof v !== 'string' || !/^[+-]?\d+$/.test(v)) return 0;
  const n = Number(v);
  return n >= -2147483648 && n <= 2147483647 ? n : 0;
}

function maxRestarts(pod: KObject): number {
  let m = 0;
  for (const s of [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])]) m = Math.max(m, Number(s?.restartCount ?? 0));
  return m;
}

function timeOf(s: unknown): number | undefined {
  if (typeof s !== 'string') return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

/** floor(log2(age in ns)), -1 for no age: upstream's logarithmic buckets */
function logRank(t: number, nowMs: number): number {
  const d = (nowMs - t) * 1e6;
  return d <= 0 ? -1 : Math.floor(Math.log2(d));
}

/**
 * upstream's ActivePodsWithRanks ordering (with LogarithmicScaleDown and PodDeletionCost, both on
 * in 1.32): pods that should be deleted first sort first —
 * unscheduled < scheduled; Pending < Unknown < Running; not ready < ready; lower deletion cost;
 * more colocated siblings (rank) first; ready for less time first; more restarts first; newer first.
 */
export function comparePodsForDeletion(a: KObject, b: KObject, rankA: number, rankB: number, nowMs: number): number {
  const na = a.spec?.nodeName ?? '';
  const nb = b.spec?.nodeName ?? '';
  if (na !== nb && (na === '' || nb === '')) return na === '' ? -1 : 1;
  const pa = PHASE_ORDINAL[a.status?.phase] ?? 0;
  const pb = PHASE_ORDINAL[b.status?.phase] ?? 0;
  if (pa !== pb) return pa - pb;
  const ra = isPodReady(a);
  const rb = isPodReady(b);
  if (ra !== rb) return ra ? 1 : -1;
  const ca = deletionCost(a);
  const cb = deletionCost(b);
  if (ca !== cb) return ca - cb;
  if (rankA !== rankB) return rankB - rankA;
  if (ra && rb) {
    const ta = podReadySince(a);
    const tb = podReadySince(b);
    if (ta !== tb) {
      const d = ageOrder(ta, tb, a, b, nowMs);
      if (d !== 0) return d;
    }
  }
  const xa = maxRestarts(a);
  const xb = maxRestarts(b);
  if (xa !== xb) return xb - xa;
  const ka = timeOf(a.metadata?.creationTimestamp);
  const kb = timeOf(b.metadata?.creationTimestamp);
  if (ka !== kb) return ageOrder(ka, kb, a, b, nowMs);
  return 0;
}

/** zero time first, then by logarithmic bucket (younger first), ties by uid */
function ageOrder(ta: number | undefined, tb: number | undefined, a: KObject, b: KObject, nowMs: number): number {
  if (ta === undefined || tb === undefined) return ta === undefined ? -1 : 1;
  const d = logRank(ta, nowMs) - logRank(tb, nowMs);
  // a larger age bucket is older, so it sorts after
  if (d !== 0) return d;
  const ua = String(a.metadata?.uid ?? '');
  const ub = String(b.metadata?.uid ?? '');
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

/**
 * upstream's GetPodFromTemplate: a pod with the template's labels, annotations, finalizers and
 * spec, generateName `prefix`, and a controllerRef to owner.
 */
export function podFromTemplate(template: KObject | undefined, owner: KObject, ownerInfo: ResourceInfo, generateName?: string): KObject {
  const t = template ?? {};
  const metadata: KObject = {
    namespace: owner.metadata.namespace,
    labels: { ...(t.metadata?.labels ?? {}) },
    ownerReferences: [newControllerRef(owner, ownerInfo)],
  };
  if (generateName !== undefined) metadata.generateName = generateName;
  if (t.metadata?.annotations && Object.keys(t.metadata.annotations).length) metadata.annotations = { ...t.metadata.annotations };
  if (Array.isArray(t.metadata?.finalizers) && t.metadata.finalizers.length) metadata.finalizers = [...t.metadata.finalizers];
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: structuredClone(t.spec ?? {}) };
}

/**
 * upstream's slowStartBatch: calls fn `count` times in batches of 1, 2, 4, … (starting at
 * `initial`), each batch concurrently; stops after the first batch with a failure. Returns how
 * many calls succeeded and the first error.
 */
export async function slowStartBatch(count: number, initial: number, fn: (i: number) => Promise<void>): Promise<{ successes: number; error?: unknown }> {
  let remaining = count;
  let successes = 0;
  let next = 0;
  for (let batch = Math.min(remaining, initial); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn(next++)));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    successes += batch - failed.length;
    if (failed.length) return { successes, error: failed[0].reason };
    remaining -= batch;
  }
  return { successes };
}

/** the message of an error as upstream prints it in events (the Status message for API errors) */
export function errMessage(err: unknown): string {
  return (err as Error)?.message ?? String(err);
}

/** true when the error says the namespace is terminating (creates there fail until it is gone) */
export function isNamespaceTerminating(err: unknown): boolean {
  const causes = (err as { status?: KObject })?.status?.details?.causes;
  return Array.isArray(causes) && causes.some((c: KObject) => c?.type === 'NamespaceTerminating');
}
