// ResourceQuota usage math (pure): counts and compute resources in use in a namespace, as upstream's quota evaluators.

import type { KObject } from '../../api/strategy.js';
import { Quantity } from '../../api/quantity.js';
import { computePodQOS } from '../../api/kinds/pod.js';

/** What the usage of one namespace is computed from. */
export interface UsageInputs {
  pods: KObject[];
  services: KObject[];
  persistentVolumeClaims: KObject[];
  /** how many objects of a resource ("configmaps", "deployments.apps") the namespace holds; undefined when unknown */
  count(resource: string): number | undefined;
}

/** Resource names that are pod compute resources when written bare (they mean requests). */
const BARE_COMPUTE = /^(cpu|memory|ephemeral-storage|hugepages-.+)$/;
const STORAGE_CLASS_SUFFIX = '.storageclass.storage.k8s.io/';

/**
 * upstream's QuotaV1Pod: a pod counts unless it finished (Succeeded/Failed) or its deletion
 * grace period has run out (deletionTimestamp + deletionGracePeriodSeconds < now).
 */
export function podCountsForQuota(pod: KObject, now: number): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  const del = Date.parse(pod.metadata?.deletionTimestamp ?? '');
  const grace = pod.metadata?.deletionGracePeriodSeconds;
  if (!Number.isNaN(del) && typeof grace === 'number' && now > del + grace * 1000) return false;
  return true;
}

/**
 * A pod's effective requests or limits (upstream's PodRequests/PodLimits): the sum of its
 * containers plus sidecars (restartable init containers), or the largest init-phase need if
 * that is more, plus spec.overhead.
 */
export function podResources(pod: KObject, which: 'requests' | 'limits'): Map<string, Quantity> {
  const spec: KObject = pod.spec ?? {};
  const list = (c: KObject): Map<string, Quantity> => {
    const m = new Map<string, Quantity>();
    for (const [k, v] of Object.entries((c?.resources?.[which] ?? {}) as Record<string, unknown>)) {
      const q = Quantity.tryParse(v);
      if (q) m.set(k, q);
    }
    return m;
  };
  const total = new Map<string, Quantity>();
  for (const c of Array.isArray(spec.containers) ? spec.containers : []) addInto(total, list(c));
  const sidecars = new Map<string, Quantity>();
  const initMax = new Map<string, Quantity>();
  for (const c of Array.isArray(spec.initContainers) ? spec.initContainers : []) {
    const r = list(c);
    let need: Map<string, Quantity>;
    if (c?.restartPolicy === 'Always') {
      addInto(total, r);
      addInto(sidecars, r);
      need = new Map(sidecars);
    } else {
      need = new Map(r);
      addInto(need, sidecars);
    }
    maxInto(initMax, need);
  }
  maxInto(total, initMax);
  const overhead = new Map<string, Quantity>();
  for (const [k, v] of Object.entries((spec.overhead ?? {}) as Record<string, unknown>)) {
    const q = Quantity.tryParse(v);
    if (q) overhead.set(k, q);
  }
  // overhead counts toward limits only where the pod sets a limit for that resource
  if (which === 'limits') for (const k of [...overhead.keys()]) if (!total.has(k)) overhead.delete(k);
  addInto(total, overhead);
  return total;
}

/** Whether a pod falls under the quota's scopes (Terminating, NotTerminating, BestEffort, NotBestEffort, PriorityClass). */
export function podMatchesScopes(quota: KObject, pod: KObject): boolean {
  const scopes: string[] = Array.isArray(quota.spec?.scopes) ? quota.spec.scopes : [];
  const exprs: KObject[] = Array.isArray(quota.spec?.scopeSelector?.matchExpressions) ? quota.spec.scopeSelector.matchExpressions : [];
  const all: KObject[] = [...scopes.map((s) => ({ scopeName: s, operator: 'Exists' })), ...exprs];
  for (const e of all) {
    let has: boolean;
    let value: string | undefined;
    switch (e.scopeName) {
      case 'Terminating':
        has = typeof pod.spec?.activeDeadlineSeconds === 'number' && pod.spec.activeDeadlineSeconds >= 0;
        break;
      case 'NotTerminating':
        has = !(typeof pod.spec?.activeDeadlineSeconds === 'number' && pod.spec.activeDeadlineSeconds >= 0);
        break;
      case 'BestEffort':
        has = computePodQOS(pod) === 'BestEffort';
        break;
      case 'NotBestEffort':
        has = computePodQOS(pod) !== 'BestEffort';
        break;
      case 'PriorityClass':
        value = pod.spec?.priorityClassName || undefined;
        has = value !== undefined;
        break;
      default:
        // scopes this controller does not know (CrossNamespacePodAffinity, …) match nothing
        return false;
    }
    const values: string[] = Array.isArray(e.values) ? e.values : [];
    switch (e.operator) {
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      case 'In':
        if (!has || value === undefined || !values.includes(value)) return false;
        break;
      case 'NotIn':
        if (has && value !== undefined && values.includes(value)) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/**
 * status.used for the names in spec.hard: pod counts and compute sums over pods that count
 * (and match the scopes), service and claim counts with their sub-kinds, storage requests,
 * and object counts (`configmaps`, `count/deployments.apps`). Names this does not know are
 * left out, as upstream leaves out what no evaluator covers.
 */
export function computeUsed(quota: KObject, inputs: UsageInputs, now: number): Record<string, string> {
  const hard: Record<string, unknown> = quota.spec?.hard ?? {};
  const names = Object.keys(hard);
  const used: Record<string, string> = {};
  let pods: KObject[] | undefined;
  let requests: Map<string, Quantity> | undefined;
  let limits: Map<string, Quantity> | undefined;
  const livePods = () => (pods ??= inputs.pods.filter((p) => podCountsForQuota(p, now) && podMatchesScopes(quota, p)));
  const podSum = (which: 'requests' | 'limits') => {
    const acc = new Map<string, Quantity>();
    for (const p of livePods()) addInto(acc, podResources(p, which));
    return acc;
  };
  for (const name of names) {
    const count = (n: number) => (used[name] = String(n));
    if (name === 'pods' || name === 'count/pods') count(livePods().length);
    else if (BARE_COMPUTE.test(name)) used[name] = ((requests ??= podSum('requests')).get(name) ?? Quantity.zero()).toString();
    else if (name.startsWith('requests.') && name !== 'requests.storage') used[name] = ((requests ??= podSum('requests')).get(name.slice(9)) ?? Quantity.zero()).toString();
    else if (name.startsWith('limits.')) used[name] = ((limits ??= podSum('limits')).get(name.slice(7)) ?? Quantity.zero()).toString();
    else if (name === 'services' || name === 'count/services') count(inputs.services.length);
    else if (name === 'services.loadbalancers') count(inputs.services.filter((s) => s.spec?.type === 'LoadBalancer').length);
    else if (name === 'services.nodeports') {
      let n = 0;
      for (const s of inputs.services) if (s.spec?.type === 'NodePort' || s.spec?.type === 'LoadBalancer') n += (s.spec?.ports ?? []).filter((p: KObject) => p?.nodePort).length;
      count(n);
    } else if (name === 'persistentvolumeclaims' || name === 'count/persistentvolumeclaims') count(inputs.persistentVolumeClaims.length);
    else if (name === 'requests.storage') used[name] = storageSum(inputs.persistentVolumeClaims).toString();
    else if (name.includes(STORAGE_CLASS_SUFFIX)) {
      const [cls, what] = name.split(STORAGE_CLASS_SUFFIX);
      const claims = inputs.persistentVolumeClaims.filter((c) => (c.spec?.storageClassName ?? '') === cls);
      if (what === 'persistentvolumeclaims') count(claims.length);
      else if (what === 'requests.storage') used[name] = storageSum(claims).toString();
    } else {
      const resource = name.startsWith('count/') ? name.slice(6) : name;
      if (!name.startsWith('count/') && !['configmaps', 'secrets', 'replicationcontrollers', 'resourcequotas'].includes(name)) continue;
      const n = inputs.count(resource);
      if (n !== undefined) count(n);
    }
  }
  return used;
}

/** Quantity maps compared by value (so "1000m" equals "1"). */
export function sameResourceList(a: Record<string, unknown> | undefined, b: Record<string, unknown> | undefined): boolean {
  const ak = Object.keys(a ?? {});
  const bk = Object.keys(b ?? {});
  if (ak.length !== bk.length) return false;
  for (const k of ak) {
    if (!(k in (b ?? {}))) return false;
    const qa = Quantity.tryParse(a![k]);
    const qb = Quantity.tryParse(b![k]);
    if (qa && qb ? !qa.equals(qb) : a![k] !== b![k]) return false;
  }
  return true;
}

function storageSum(claims: KObject[]): Quantity {
  let sum = Quantity.zero();
  for (const c of claims) {
    const q = Quantity.tryParse(c.spec?.resources?.requests?.storage);
    if (q) sum = sum.add(q);
  }
  return sum;
}

function addInto(acc: Map<string, Quantity>, add: Map<string, Quantity>): void {
  for (const [k, v] of add) acc.set(k, (acc.get(k) ?? Quantity.zero()).add(v));
}

function maxInto(acc: Map<string, Quantity>, other: Map<string, Quantity>): void {
  for (const [k, v] of other) {
    const cur = acc.get(k);
    if (!cur || v.cmp(cur) > 0) acc.set(k, v);
  }
}
