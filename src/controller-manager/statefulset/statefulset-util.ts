// StatefulSet helpers (upstream's stateful_set_utils): ordinals and identities, claims, pod states, revisions.

import type { KObject } from '../../api/strategy.js';
import { CONTROLLER_REVISION_HASH_LABEL } from '../workloads-common/history.js';
import { isPodAvailable, isPodReady } from '../workloads-common/pods.js';

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
/** the hash label upstream's history package puts on every ControllerRevision */
export const REVISION_HASH_LABEL = 'controller.kubernetes.io/hash';

/** [parent, ordinal] from "<parent>-<ordinal>", ordinal -1 when the name has none */
export function parentAndOrdinal(name: string): [string, number] {
  const m = /^(.*)-([0-9]+)$/.exec(name);
  if (!m) return ['', -1];
  const n = Number(m[2]);
  return Number.isSafeInteger(n) ? [m[1], n] : ['', -1];
}

export function ordinalOf(pod: KObject): number {
  return parentAndOrdinal(pod.metadata?.name ?? '')[1];
}

export function isMemberOf(set: KObject, pod: KObject): boolean {
  return parentAndOrdinal(pod.metadata?.name ?? '')[0] === set.metadata.name;
}

export function startOrdinal(set: KObject): number {
  return set.spec?.ordinals?.start ?? 0;
}

export function podName(set: KObject, ordinal: number): string {
  return `${set.metadata.name}-${ordinal}`;
}

/** "<claim template>-<pod name>" */
export function claimName(template: KObject, pod: string): string {
  return `${template.metadata?.name}-${pod}`;
}

export function claimTemplates(set: KObject): KObject[] {
  return Array.isArray(set.spec?.volumeClaimTemplates) ? set.spec.volumeClaimTemplates : [];
}

/** the PVCs a pod of the set uses: template name → claim (labels: template labels + the set's matchLabels) */
export function claimsFor(set: KObject, pod: string): Map<string, KObject> {
  const out = new Map<string, KObject>();
  for (const t of claimTemplates(set)) {
    const claim: KObject = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name: claimName(t, pod),
        namespace: set.metadata.namespace,
        labels: { ...(t.metadata?.labels ?? {}), ...(set.spec?.selector?.matchLabels ?? {}) },
      },
      spec: structuredClone(t.spec ?? {}),
    };
    if (t.metadata?.annotations) claim.metadata.annotations = { ...t.metadata.annotations };
    out.set(t.metadata?.name, claim);
  }
  return out;
}

/** upstream's updateStorage: one persistentVolumeClaim volume per claim template, other volumes kept */
export function withStorage(set: KObject, pod: KObject): void {
  const claims = claimsFor(set, pod.metadata.name);
  const volumes: KObject[] = [];
  for (const [name, claim] of claims) volumes.push({ name, persistentVolumeClaim: { claimName: claim.metadata.name } });
  for (const v of pod.spec.volumes ?? []) if (!claims.has(v.name)) volumes.push(v);
  if (volumes.length) pod.spec.volumes = volumes;
}

export function identityMatches(set: KObject, pod: KObject): boolean {
  const [parent, ord] = parentAndOrdinal(pod.metadata?.name ?? '');
  return ord >= 0 && parent === set.metadata.name && pod.metadata.namespace === set.metadata.namespace
    && pod.metadata.labels?.[POD_NAME_LABEL] === pod.metadata.name && pod.metadata.labels?.[POD_INDEX_LABEL] === String(ord);
}

export function podRevision(pod: KObject): string {
  return pod.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? '';
}

export const isTerminating = (p: KObject) => !!p.metadata?.deletionTimestamp;
export const isRunningAndReady = (p: KObject) => p.status?.phase === 'Running' && isPodReady(p);
export const isRunningAndAvailable = (p: KObject, mrs: number | undefined, now: number) => p.status?.phase === 'Running' && isPodAvailable(p, mrs, now);
export const isHealthy = (p: KObject) => isRunningAndReady(p) && !isTerminating(p);
export const isFailed = (p: KObject) => p.status?.phase === 'Failed';
export const isSucceeded = (p: KObject) => p.status?.phase === 'Succeeded';
export const isPending = (p: KObject) => p.status?.phase === 'Pending';
