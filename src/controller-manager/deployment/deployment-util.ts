// Deployment helpers (upstream's deployment/util): revisions and annotations, surge/unavailable fenceposts, RS arithmetic, conditions.

import type { KObject } from '../../api/strategy.js';
import { semanticEqual } from '../../api/validation/field.js';
import { scaledValue } from '../workloads-common/int-or-percent.js';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';
/** upstream's MaxRevHistoryLengthInChars */
export const MAX_REV_HISTORY_LENGTH = 2000;
/** progressDeadlineSeconds at this value means "no deadline" */
export const NO_DEADLINE = 2147483647;

/** Progressing / Available / ReplicaFailure reasons, as upstream words them */
export const REASONS = {
  newRSCreated: 'NewReplicaSetCreated',
  foundNewRS: 'FoundNewReplicaSet',
  rsUpdated: 'ReplicaSetUpdated',
  newRSAvailable: 'NewReplicaSetAvailable',
  timedOut: 'ProgressDeadlineExceeded',
  failedRSCreate: 'ReplicaSetCreateError',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
  minAvailable: 'MinimumReplicasAvailable',
  minUnavailable: 'MinimumReplicasUnavailable',
} as const;

const SKIP_COPY = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  'deprecated.deployment.rollback.to',
]);

export function replicasOf(obj: KObject | undefined): number {
  return obj?.spec?.replicas ?? 1;
}

/** an RS's spec.replicas (0 when absent after defaulting is impossible, but guard nil RS as 0) */
export function rsReplicas(rs: KObject | undefined): number {
  return rs ? (rs.spec?.replicas ?? 1) : 0;
}

/** the revision number of an RS (0 when absent or not a number) */
export function revisionOf(obj: KObject | undefined): number {
  const v = obj?.metadata?.annotations?.[REVISION_ANNOTATION];
  if (typeof v !== 'string' || !/^\d+$/.test(v)) return 0;
  return Number(v);
}

export function maxRevision(rss: KObject[]): number {
  return rss.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);
}

export function isRollingUpdate(d: KObject): boolean {
  return d.spec?.strategy?.type !== 'Recreate';
}

/** upstream's ResolveFenceposts: surge rounds up, unavailable rounds down; both zero → unavailable 1 */
export function resolveFenceposts(maxSurge: unknown, maxUnavailable: unknown, desired: number): [number, number] {
  const surge = scaledValue(maxSurge ?? 0, desired, true);
  let unavailable = scaledValue(maxUnavailable ?? 0, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return [surge, unavailable];
}

export function maxSurge(d: KObject): number {
  if (!isRollingUpdate(d)) return 0;
  const ru = d.spec?.strategy?.rollingUpdate ?? {};
  return resolveFenceposts(ru.maxSurge, ru.maxUnavailable, replicasOf(d))[0];
}

export function maxUnavailable(d: KObject): number {
  const replicas = replicasOf(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  const ru = d.spec?.strategy?.rollingUpdate ?? {};
  return Math.min(resolveFenceposts(ru.maxSurge, ru.maxUnavailable, replicas)[1], replicas);
}

const sum = (rss: (KObject | undefined)[], f: (rs: KObject) => number) => rss.reduce((n, rs) => n + (rs ? f(rs) : 0), 0);
/** Σ spec.replicas */
export const specReplicas = (rss: (KObject | undefined)[]) => sum(rss, (rs) => rsReplicas(rs));
/** Σ status.replicas */
export const actualReplicas = (rss: (KObject | undefined)[]) => sum(rss, (rs) => rs.status?.replicas ?? 0);
export const readyReplicas = (rss: (KObject | undefined)[]) => sum(rss, (rs) => rs.status?.readyReplicas ?? 0);
export const availableReplicas = (rss: (KObject | undefined)[]) => sum(rss, (rs) => rs.status?.availableReplicas ?? 0);

/** RSs with spec.replicas > 0 */
export function activeRSs(rss: (KObject | undefined)[]): KObject[] {
  return rss.filter((rs): rs is KObject => !!rs && rsReplicas(rs) > 0);
}

function creationMs(o: KObject): number {
  const t = Date.parse(o.metadata?.creationTimestamp ?? '');
  return Number.isNaN(t) ? 0 : t;
}

/** older first; same time by name (upstream's ReplicaSetsByCreationTimestamp) */
export function byCreation(a: KObject, b: KObject): number {
  const d = creationMs(a) - creationMs(b);
  if (d !== 0) return d;
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}

/** larger first; ties newer first (ReplicaSetsBySizeNewer) */
export function bySizeNewer(a: KObject, b: KObject): number {
  return rsReplicas(b) - rsReplicas(a) || byCreation(b, a);
}

/** larger first; ties older first (ReplicaSetsBySizeOlder) */
export function bySizeOlder(a: KObject, b: KObject): number {
  return rsReplicas(b) - rsReplicas(a) || byCreation(a, b);
}

/** lower revision first; ties older first (ReplicaSetsByRevision) */
export function byRevision(a: KObject, b: KObject): number {
  return revisionOf(a) - revisionOf(b) || byCreation(a, b);
}

function withoutHash(template: KObject | undefined): KObject {
  const t = structuredClone(template ?? {});
  if (t.metadata?.labels) delete t.metadata.labels[POD_TEMPLATE_HASH_LABEL];
  return t;
}

/** upstream's EqualIgnoreHash: templates equal apart from the pod-template-hash label */
export function equalIgnoreHash(a: KObject | undefined, b: KObject | undefined): boolean {
  return semanticEqual(withoutHash(a), withoutHash(b));
}

/** the oldest RS whose template equals the Deployment's (upstream's FindNewReplicaSet) */
export function findNewRS(d: KObject, rss: KObject[]): KObject | undefined {
  return [...rss].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

/** labels with one more label (copy) */
export function withLabel(labels: Record<string, string> | undefined, key: string, value: string): Record<string, string> {
  return { ...(labels ?? {}), [key]: value };
}

/** a copy of the selector that also requires key=value (upstream's CloneSelectorAndAddLabel) */
export function selectorWithLabel(sel: KObject | undefined, key: string, value: string): KObject {
  const out: KObject = { matchLabels: { ...(sel?.matchLabels ?? {}), [key]: value } };
  if (Array.isArray(sel?.matchExpressions) && sel.matchExpressions.length) out.matchExpressions = structuredClone(sel.matchExpressions);
  return out;
}

function intAnnotation(rs: KObject, key: string): number | undefined {
  const v = rs.metadata?.annotations?.[key];
  if (typeof v !== 'string' || !/^-?\d+$/.test(v)) return undefined;
  return Number(v);
}

export function desiredReplicasAnnotation(rs: KObject): number | undefined {
  return intAnnotation(rs, DESIRED_REPLICAS_ANNOTATION);
}

export function maxReplicasAnnotation(rs: KObject): number | undefined {
  return intAnnotation(rs, MAX_REPLICAS_ANNOTATION);
}

export function replicasAnnotationsNeedUpdate(rs: KObject, desired: number, max: number): boolean {
  const a = rs.metadata?.annotations ?? {};
  return a[DESIRED_REPLICAS_ANNOTATION] !== String(desired) || a[MAX_REPLICAS_ANNOTATION] !== String(max);
}

/** sets desired-replicas / max-replicas on a (mutable) RS; true when something changed */
export function setReplicasAnnotations(rs: KObject, desired: number, max: number): boolean {
  rs.metadata.annotations ??= {};
  let changed = false;
  if (rs.metadata.annotations[DESIRED_REPLICAS_ANNOTATION] !== String(desired)) {
    rs.metadata.annotations[DESIRED_REPLICAS_ANNOTATION] = String(desired);
    changed = true;
  }
  if (rs.metadata.annotations[MAX_REPLICAS_ANNOTATION] !== String(max)) {
    rs.metadata.annotations[MAX_REPLICAS_ANNOTATION] = String(max);
    changed = true;
  }
  return changed;
}

/**
 * upstream's SetNewReplicaSetAnnotations on a (mutable) RS: copies the Deployment's annotations
 * (but not kubectl's last-applied and the deployment.kubernetes.io ones), raises the revision to
 * newRevision (a reused old RS keeps its former revisions in revision-history, bounded to 2000
 * characters), and for a new RS sets desired-replicas/max-replicas. True when something changed.
 */
export function setNewRSAnnotations(d: KObject, rs: KObject, newRevision: number, exists: boolean): boolean {
  rs.metadata.annotations ??= {};
  const ann: Record<string, string> = rs.metadata.annotations;
  let changed = false;
  for (const [k, v] of Object.entries((d.metadata?.annotations ?? {}) as Record<string, string>)) {
    if (SKIP_COPY.has(k) || ann[k] === v) continue;
    ann[k] = v;
    changed = true;
  }
  const oldRevision = ann[REVISION_ANNOTATION];
  if (oldRevision !== undefined && !/^\d+$/.test(oldRevision)) return false;
  const oldRevisionInt = oldRevision === undefined ? 0 : Number(oldRevision);
  if (oldRevisionInt < newRevision) {
    ann[REVISION_ANNOTATION] = String(newRevision);
    changed = true;
  }
  if (oldRevision !== undefined && oldRevisionInt < newRevision) {
    const history = ann[REVISION_HISTORY_ANNOTATION] ?? '';
    if (history === '') ann[REVISION_HISTORY_ANNOTATION] = oldRevision;
    else {
      const old = history.split(',');
      let total = history.length + oldRevision.length + 1;
      let start = 0;
      while (total > MAX_REV_HISTORY_LENGTH && start < old.length) {
        total -= old[start].length + 1;
        start++;
      }
      if (total <= MAX_REV_HISTORY_LENGTH) ann[REVISION_HISTORY_ANNOTATION] = [...old.slice(start), oldRevision].join(',');
    }
  }
  if (!exists && setReplicasAnnotations(rs, replicasOf(d), replicasOf(d) + maxSurge(d))) changed = true;
  return changed;
}

/** upstream's NewRSNewReplicas: the size the new RS may grow to now */
export function newRSNewReplicas(d: KObject, allRSs: KObject[], newRS: KObject): number {
  if (!isRollingUpdate(d)) return replicasOf(d);
  const current = specReplicas(allRSs);
  const maxTotal = replicasOf(d) + maxSurge(d);
  if (current >= maxTotal) return rsReplicas(newRS);
  const up = Math.min(maxTotal - current, replicasOf(d) - rsReplicas(newRS));
  return rsReplicas(newRS) + up;
}

/** upstream's IsSaturated: the new RS runs the full count, all available */
export function isSaturated(d: KObject, rs: KObject | undefined): boolean {
  if (!rs) return false;
  const desired = desiredReplicasAnnotation(rs);
  return desired === replicasOf(d) && rsReplicas(rs) === replicasOf(d) && (rs.status?.availableReplicas ?? 0) === replicasOf(d);
}

/** upstream's FindActiveOrLatest: the one active RS, or the newest when none is active, else undefined */
export function findActiveOrLatest(newRS: KObject | undefined, oldRSs: KObject[]): KObject | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const sorted = [...oldRSs].sort((a, b) => byCreation(b, a));
  const active = activeRSs([...sorted, newRS]);
  if (active.length === 0) return newRS ?? sorted[0];
  return active.length === 1 ? active[0] : undefined;
}

/** Go's math.Round: half away from zero */
function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** upstream's GetReplicaSetProportion: this RS's share of `toAdd` (bounded by what is left to add) */
export function rsProportion(rs: KObject, d: KObject, toAdd: number, added: number): number {
  if (rsReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  let fraction: number;
  if (replicasOf(d) === 0) fraction = -rsReplicas(rs);
  else {
    const dReplicas = replicasOf(d) + maxSurge(d);
    const annotated = maxReplicasAnnotation(rs) ?? (d.status?.replicas ?? 0);
    fraction = annotated > 0 ? roundHalfAway((rsReplicas(rs) * dReplicas) / annotated) - rsReplicas(rs) : 0;
  }
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

export function hasProgressDeadline(d: KObject): boolean {
  const p = d.spec?.progressDeadlineSeconds;
  return p != null && p !== NO_DEADLINE;
}

export function getCondition(status: KObject | undefined, type: string): KObject | undefined {
  return (status?.conditions ?? []).find((c: KObject) => c.type === type);
}

export function newCondition(type: string, status: 'True' | 'False' | 'Unknown', reason: string, message: string, now: string): KObject {
  return { type, status, lastUpdateTime: now, lastTransitionTime: now, reason, message };
}

/** upstream's SetDeploymentCondition: same status and reason → no change; same status keeps lastTransitionTime */
export function setCondition(status: KObject, cond: KObject): void {
  const cur = getCondition(status, cond.type);
  if (cur && cur.status === cond.status && cur.reason === cond.reason) return;
  const c = { ...cond };
  if (cur && cur.status === c.status) c.lastTransitionTime = cur.lastTransitionTime;
  status.conditions = [...(status.conditions ?? []).filter((x: KObject) => x.type !== cond.type), c];
}

export function removeCondition(status: KObject, type: string): void {
  if (!status.conditions) return;
  status.conditions = status.conditions.filter((c: KObject) => c.type !== type);
}

/** upstream's DeploymentComplete */
export function deploymentComplete(d: KObject, st: KObject): boolean {
  const r = replicasOf(d);
  return (st.updatedReplicas ?? 0) === r && (st.replicas ?? 0) === r && (st.availableReplicas ?? 0) === r && (st.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0);
}

/** upstream's DeploymentProgressing: more updated, fewer old, more ready or more available than before */
export function deploymentProgressing(d: KObject, st: KObject): boolean {
  const old: KObject = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (st.replicas ?? 0) - (st.updatedReplicas ?? 0);
  return (st.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) || newOld < oldOld || (st.readyReplicas ?? 0) > (old.readyReplicas ?? 0) || (st.availableReplicas ?? 0) > (old.availableReplicas ?? 0);
}

/** upstream's DeploymentTimedOut: Progressing not updated within progressDeadlineSeconds */
export function deploymentTimedOut(d: KObject, st: KObject, nowMs: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const c = getCondition(st, 'Progressing');
  if (!c) return false;
  if (c.reason === REASONS.newRSAvailable) return false;
  if (c.reason === REASONS.timedOut) return true;
  const from = Date.parse(c.lastUpdateTime ?? '');
  if (Number.isNaN(from)) return false;
  return from + d.spec.progressDeadlineSeconds * 1000 < nowMs;
}
