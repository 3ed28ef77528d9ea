// ConfigMap: validation (keys, 1 MiB total, immutability), table.

import type { StatusCause } from '../status.js';
import type { KindStrategy, KObject } from '../strategy.js';
import { forbidden, invalid, semanticEqual, tooLong } from '../validation/field.js';
import { isConfigMapKey } from '../validation/names.js';
import { AGE_COLUMN, NAME_COLUMN, ageOf, col, nameOf } from './table.js';

/** the limit shared by ConfigMaps and Secrets */
export const MAX_DATA_SIZE = 1024 * 1024;

function entries(v: unknown): [string, unknown][] {
  return v && typeof v === 'object' ? Object.entries(v as Record<string, unknown>) : [];
}

/** decoded byte length of a base64 value (0 when not a string) */
export function base64Length(v: unknown): number {
  return typeof v === 'string' ? Buffer.from(v, 'base64').length : 0;
}

export function validateConfigMap(cm: KObject): StatusCause[] {
  const errs: StatusCause[] = [];
  let total = 0;
  const binary = cm.binaryData && typeof cm.binaryData === 'object' ? cm.binaryData : {};
  for (const [k, v] of entries(cm.data)) {
    for (const m of isConfigMapKey(k)) errs.push(invalid(`data[${k}]`, k, m));
    if (k in binary) errs.push(invalid(`data[${k}]`, k, 'duplicate of key present in binaryData'));
    total += typeof v === 'string' ? Buffer.byteLength(v) : 0;
  }
  for (const [k, v] of entries(cm.binaryData)) {
    for (const m of isConfigMapKey(k)) errs.push(invalid(`binaryData[${k}]`, k, m));
    total += base64Length(v);
  }
  if (total > MAX_DATA_SIZE) errs.push(tooLong('', MAX_DATA_SIZE));
  return errs;
}

export const configMapStrategy: KindStrategy = {
  validate(cm, old) {
    const errs: StatusCause[] = [];
    if (old?.immutable === true) {
      if (cm.immutable !== true) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
      if (!semanticEqual(cm.data, old.data)) errs.push(forbidden('data', 'field is immutable when `immutable` is set'));
      if (!semanticEqual(cm.binaryData, old.binaryData)) errs.push(forbidden('binaryData', 'field is immutable when `immutable` is set'));
    }
    return [...errs, ...validateConfigMap(cm)];
  },

  table: {
    columns: [NAME_COLUMN, col('Data', 'integer', 'Number of data and binaryData entries.'), AGE_COLUMN],
    cells(cm, now) {
      return [nameOf(cm), entries(cm.data).length + entries(cm.binaryData).length, ageOf(cm, now)];
    },
  },
};
