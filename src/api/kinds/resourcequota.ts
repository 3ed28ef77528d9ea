// ResourceQuota: canonical quantities, validation of hard limits and scopes, status reset, table.

import type { StatusCause } from '../status.js';
import type { KindStrategy, KObject } from '../strategy.js';
import { Quantity, canonicalizeResourceList } from '../quantity.js';
import { invalid, notSupported, goStringSlice, goRepr, semanticEqual } from '../validation/field.js';
import { isQualifiedName } from '../validation/names.js';
import { validateResourceQuantityValue } from '../validation/resources.js';
import { AGE_COLUMN, NAME_COLUMN, ageOf, col, nameOf } from './table.js';

const STANDARD_QUOTA = new Set([
  'pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets', 'configmaps', 'persistentvolumeclaims',
  'services.nodeports', 'services.loadbalancers', 'cpu', 'memory', 'ephemeral-storage', 'storage',
  'requests.cpu', 'requests.memory', 'requests.storage', 'requests.ephemeral-storage', 'limits.cpu', 'limits.memory', 'limits.ephemeral-storage',
]);
const SCOPES = ['BestEffort', 'CrossNamespacePodAffinity', 'NotBestEffort', 'NotTerminating', 'PriorityClass', 'Terminating', 'VolumeAttributesClass'];

/** resource names a quota may limit */
export function isQuotaResourceName(name: string): boolean {
  if (STANDARD_QUOTA.has(name)) return true;
  if (name.startsWith('count/') || name.startsWith('hugepages-') || name.startsWith('requests.hugepages-') || name.startsWith('limits.hugepages-')) return true;
  if (name.includes('.storageclass.storage.k8s.io/')) return true;
  return name.includes('/') && !name.includes('kubernetes.io/');
}

function validateList(list: unknown, path: string): StatusCause[] {
  const errs: StatusCause[] = [];
  for (const [k, v] of Object.entries((list ?? {}) as Record<string, unknown>)) {
    const fp = `${path}[${k}]`;
    const m = isQualifiedName(k);
    for (const msg of m) errs.push(invalid(fp, k, msg));
    if (!m.length && !isQuotaResourceName(k)) errs.push(invalid(fp, k, 'must be a standard resource for quota'));
    errs.push(...validateResourceQuantityValue(k, v, fp));
  }
  return errs;
}

export function validateResourceQuota(rq: KObject): StatusCause[] {
  const errs: StatusCause[] = [];
  errs.push(...validateList(rq.spec?.hard, 'spec.hard'));
  errs.push(...validateList(rq.status?.hard, 'status.hard'));
  errs.push(...validateList(rq.status?.used, 'status.used'));
  (Array.isArray(rq.spec?.scopes) ? rq.spec.scopes : []).forEach((s: string, i: number) => {
    if (!SCOPES.includes(s)) errs.push(notSupported(`spec.scopes[${i}]`, s, SCOPES));
  });
  return errs;
}

/** printResourceQuota's REQUEST and LIMIT cells: "name: used/hard" for each hard resource, sorted */
export function quotaCells(rq: KObject): [string, string] {
  const hard: Record<string, unknown> = rq.status?.hard ?? {};
  const used: Record<string, unknown> = rq.status?.used ?? {};
  const req: string[] = [];
  const lim: string[] = [];
  for (const name of Object.keys(hard).sort()) {
    const u = (Quantity.tryParse(used[name]) ?? Quantity.zero()).toString();
    const h = (Quantity.tryParse(hard[name]) ?? Quantity.zero()).toString();
    const parts = name.split('.');
    (parts.length > 1 && parts[0] === 'limits' ? lim : req).push(`${name}: ${u}/${h}`);
  }
  return [req.join(', '), lim.join(', ')];
}

export const resourceQuotaStrategy: KindStrategy = {
  defaults(rq) {
    canonicalizeResourceList(rq.spec?.hard);
    canonicalizeResourceList(rq.status?.hard);
    canonicalizeResourceList(rq.status?.used);
  },
  validate(rq, old) {
    const errs = validateResourceQuota(rq);
    if (old && !semanticEqual(rq.spec?.scopes, old.spec?.scopes)) errs.push(invalid('spec.scopes', goRepr(goStringSlice(rq.spec?.scopes ?? null).replace('[]string', '[]core.ResourceQuotaScope')), 'field is immutable'));
    return errs;
  },
  prepareForCreate(rq) {
    rq.status = {};
  },
  table: {
    columns: [NAME_COLUMN, AGE_COLUMN, col('Request', 'string', 'Used/hard for request quotas.'), col('Limit', 'string', 'Used/hard for limit quotas.')],
    cells(rq, now) {
      const [req, lim] = quotaCells(rq);
      return [nameOf(rq), ageOf(rq, now), req, lim];
    },
  },
};
