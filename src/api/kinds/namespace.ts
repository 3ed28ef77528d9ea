// Namespace: defaults (name label, Active phase), the "kubernetes" finalizer on create, validation, table.

import type { StatusCause } from '../status.js';
import type { KindStrategy, KObject } from '../strategy.js';
import { invalid, strs } from '../validation/field.js';
import { isQualifiedName } from '../validation/names.js';
import { AGE_COLUMN, NAME_COLUMN, ageOf, col, nameOf } from './table.js';

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
const STANDARD_FINALIZERS = ['kubernetes', 'orphan', 'foregroundDeletion'];

/** validateFinalizerName for namespace spec.finalizers: qualified, or one of the standard short names */
export function validateNamespaceFinalizer(name: string, path: string): StatusCause[] {
  const errs = isQualifiedName(name).map((m) => invalid(path, name, m));
  if (!name.includes('/') && !STANDARD_FINALIZERS.includes(name)) errs.push(invalid(path, name, 'name is neither a standard finalizer name nor is it fully qualified'));
  return errs;
}

export const namespaceStrategy: KindStrategy = {
  defaults(ns) {
    const name = ns.metadata?.name;
    if (name) {
      ns.metadata.labels ??= {};
      ns.metadata.labels[NAMESPACE_NAME_LABEL] = name;
    }
    if (ns.status && typeof ns.status === 'object' && !ns.status.phase) ns.status.phase = 'Active';
  },

  validate(ns) {
    const errs: StatusCause[] = [];
    const fins: unknown[] = Array.isArray(ns.spec?.finalizers) ? ns.spec.finalizers : [];
    for (const f of fins) errs.push(...validateNamespaceFinalizer(String(f), 'spec.finalizers'));
    return errs;
  },

  prepareForCreate(ns) {
    ns.status = { phase: 'Active' };
    ns.spec ??= {};
    const fins = strs(ns.spec.finalizers);
    if (!fins.includes('kubernetes')) ns.spec.finalizers = [...fins, 'kubernetes'];
  },

  /** spec.finalizers change only through the finalize subresource */
  prepareForUpdate(ns, old) {
    ns.spec ??= {};
    if (old?.spec?.finalizers === undefined) delete ns.spec.finalizers;
    else ns.spec.finalizers = structuredClone(old.spec.finalizers);
  },

  selectableFields(ns) {
    return { 'status.phase': (ns as KObject)?.status?.phase ?? '' };
  },

  table: {
    columns: [NAME_COLUMN, col('Status', 'string', 'The phase of the namespace.'), AGE_COLUMN],
    cells(ns, now) {
      return [nameOf(ns), ns.status?.phase ?? '', ageOf(ns, now)];
    },
  },
};
