// LimitRange: defaults (container default/defaultRequest from max/min), validation of the limit items, table.

import type { StatusCause } from '../status.js';
import type { KindStrategy, KObject } from '../strategy.js';
import { Quantity, canonicalizeResourceList } from '../quantity.js';
import { duplicate, forbidden, invalid, objs, required } from '../validation/field.js';
import { isQualifiedName } from '../validation/names.js';
import { isOvercommitAllowed, validateResourceQuantityValue } from '../validation/resources.js';
import { CREATED_AT_COLUMN, NAME_COLUMN, createdAt, nameOf } from './table.js';

const LIST_FIELDS = ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'];

function defaultItem(item: KObject): void {
  for (const f of LIST_FIELDS) canonicalizeResourceList(item[f]);
  if (item.type !== 'Container') return;
  item.default ??= {};
  item.defaultRequest ??= {};
  for (const [k, v] of Object.entries(item.max ?? {})) if (!(k in item.default)) item.default[k] = v;
  for (const [k, v] of Object.entries(item.default)) if (!(k in item.defaultRequest)) item.defaultRequest[k] = v;
  for (const [k, v] of Object.entries(item.min ?? {})) if (!(k in item.defaultRequest)) item.defaultRequest[k] = v;
}

function validateResourceName(type: string, name: string, path: string): StatusCause[] {
  const errs = isQualifiedName(name).map((m) => invalid(path, name, m));
  if (errs.length) return errs;
  if (!name.includes('/')) {
    const std = type === 'PersistentVolumeClaim' ? ['storage'] : ['cpu', 'memory', 'ephemeral-storage'];
    if (!std.includes(name) && !name.startsWith('hugepages-')) errs.push(invalid(path, name, 'must be a standard limit type or fully qualified'));
  }
  return errs;
}

export function validateLimitRange(lr: KObject): StatusCause[] {
  const errs: StatusCause[] = [];
  const types = new Set<string>();
  objs(lr.spec?.limits).forEach((item: KObject, i: number) => {
    const ip = `spec.limits[${i}]`;
    const type: string = item.type ?? '';
    for (const m of isQualifiedName(type)) errs.push(invalid(`${ip}.type`, type, m));
    if (types.has(type)) errs.push(duplicate(`${ip}.type`, type));
    types.add(type);
    const lists: Record<string, Map<string, Quantity>> = {};
    const keys = new Set<string>();
    for (const f of LIST_FIELDS) {
      lists[f] = new Map();
      const list: Record<string, unknown> = item[f] ?? {};
      if (type === 'Pod' && (f === 'default' || f === 'defaultRequest')) {
        if (Object.keys(list).length > 0) errs.push(forbidden(`${ip}.${f}`, "may not be specified when `type` is 'Pod'"));
        continue;
      }
      for (const [k, v] of Object.entries(list)) {
        errs.push(...validateResourceName(type, k, `${ip}.${f}[${k}]`));
        errs.push(...validateResourceQuantityValue(k, v, `${ip}.${f}[${k}]`));
        const q = Quantity.tryParse(v);
        if (q) lists[f].set(k, q);
        keys.add(k);
      }
    }
    if (type === 'PersistentVolumeClaim' && !lists.min.has('storage') && !lists.max.has('storage')) {
      errs.push(required(`${ip}.limits`, 'either minimum or maximum storage value is required, but neither was provided'));
    }
    for (const k of keys) {
      const min = lists.min.get(k);
      const max = lists.max.get(k);
      const def = lists.default.get(k);
      const defReq = lists.defaultRequest.get(k);
      const ratio = lists.maxLimitRequestRatio.get(k);
      if (min && max && min.cmp(max) > 0) errs.push(invalid(`${ip}.min[${k}]`, min.toString(), `min value ${min} is greater than max value ${max}`));
      if (defReq && min && min.cmp(defReq) > 0) errs.push(invalid(`${ip}.defaultRequest[${k}]`, defReq.toString(), `min value ${min} is greater than default request value ${defReq}`));
      if (defReq && max && defReq.cmp(max) > 0) errs.push(invalid(`${ip}.defaultRequest[${k}]`, defReq.toString(), `default request value ${defReq} is greater than max value ${max}`));
      if (defReq && def && defReq.cmp(def) > 0) errs.push(invalid(`${ip}.defaultRequest[${k}]`, defReq.toString(), `default request value ${defReq} is greater than default limit value ${def}`));
      if (def && min && min.cmp(def) > 0) errs.push(invalid(`${ip}.default[${k}]`, min.toString(), `min value ${min} is greater than default value ${def}`));
      if (def && max && def.cmp(max) > 0) errs.push(invalid(`${ip}.default[${k}]`, max.toString(), `default value ${def} is greater than max value ${max}`));
      if (ratio && ratio.cmp(Quantity.fromValue(1)) < 0) errs.push(invalid(`${ip}.maxLimitRequestRatio[${k}]`, ratio.toString(), `ratio ${ratio} is less than 1`));
      if (ratio && min && max && min.sign() > 0) {
        const limit = max.toNumber() / min.toNumber();
        if (ratio.toNumber() > limit) errs.push(invalid(`${ip}.maxLimitRequestRatio[${k}]`, ratio.toString(), `ratio ${ratio} is greater than max/min = ${limit.toFixed(6)}`));
      }
      if (!isOvercommitAllowed(k) && def && defReq && def.cmp(defReq) !== 0) {
        errs.push(invalid(`${ip}.defaultRequest[${k}]`, defReq.toString(), `default value ${def} must equal to defaultRequest value ${defReq} in ${k}`));
      }
    }
  });
  return errs;
}

export const limitRangeStrategy: KindStrategy = {
  defaults(lr) {
    for (const item of Array.isArray(lr.spec?.limits) ? lr.spec.limits : []) if (item && typeof item === 'object') defaultItem(item);
  },
  validate: validateLimitRange,
  table: {
    columns: [NAME_COLUMN, CREATED_AT_COLUMN],
    cells(lr) {
      return [nameOf(lr), createdAt(lr)];
    },
  },
};
