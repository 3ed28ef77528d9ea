// ControllerRevision (apps/v1): validation (data required and immutable, revision ≥ 0), table (owner and revision).

import type { StatusCause } from '../status.js';
import type { KindStrategy, KObject } from '../strategy.js';
import { goRepr, immutable, nonNegative, required } from '../validation/field.js';
import { parseApiVersion } from '../resources.js';
import { AGE_COLUMN, NAME_COLUMN, ageOf, col, nameOf } from './table.js';

/** "daemonset.apps/name" for the controlling owner, "<none>" without one */
export function controllerCell(obj: KObject): string {
  const ref = (obj.metadata?.ownerReferences ?? []).find((r: KObject) => r?.controller === true);
  if (!ref) return '<none>';
  const { group } = parseApiVersion(ref.apiVersion ?? '');
  const kind = ref.kind ?? '';
  if (!kind && !group) return ref.name ?? '';
  return `${(group ? `${kind}.${group}` : kind).toLowerCase()}/${ref.name ?? ''}`;
}

export const controllerRevisionStrategy: KindStrategy = {
  validate(cr, old) {
    const errs: StatusCause[] = [];
    if (cr.data == null) errs.push(required('data', 'data is mandatory'));
    errs.push(...nonNegative(cr.revision, 'revision'));
    if (old) errs.push(...immutable(cr.data ?? null, old.data ?? null, 'data', goRepr(`runtime.RawExtension{Raw:${JSON.stringify(JSON.stringify(cr.data ?? null))}}`)));
    return errs;
  },
  table: {
    columns: [NAME_COLUMN, col('Controller', 'string', 'The controlling owner.'), col('Revision', 'integer', 'The revision number.'), AGE_COLUMN],
    cells(cr, now) {
      return [nameOf(cr), controllerCell(cr), typeof cr.revision === 'number' ? cr.revision : 0, ageOf(cr, now)];
    },
  },
};
