// RBAC (rbac.authorization.k8s.io/v1): Role, ClusterRole, RoleBinding, ClusterRoleBinding defaults, validation, tables.

import type { StatusCause } from '../status.js';
import type { KindStrategy, KObject } from '../strategy.js';
import { goQuote, goRepr, invalid, notSupported, required } from '../validation/field.js';
import { isDNS1123Subdomain, isValidPathSegmentName } from '../validation/names.js';
import { validateLabelSelector } from '../validation/label-selector.js';
import { AGE_COLUMN, CREATED_AT_COLUMN, NAME_COLUMN, ageOf, col, createdAt, nameOf } from './table.js';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** ValidatePolicyRule */
export function validatePolicyRule(rule: KObject, namespaced: boolean, path: string): StatusCause[] {
  const errs: StatusCause[] = [];
  const len = (v: unknown) => (Array.isArray(v) ? v.length : 0);
  if (len(rule.verbs) === 0) errs.push(required(`${path}.verbs`, 'verbs must contain at least one value'));
  if (len(rule.nonResourceURLs) > 0) {
    if (namespaced) errs.push(invalid(`${path}.nonResourceURLs`, rule.nonResourceURLs, 'namespaced rules cannot apply to non-resource URLs'));
    if (len(rule.apiGroups) > 0 || len(rule.resources) > 0 || len(rule.resourceNames) > 0) {
      errs.push(invalid(`${path}.nonResourceURLs`, rule.nonResourceURLs, 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return errs;
  }
  if (len(rule.apiGroups) === 0) errs.push(required(`${path}.apiGroups`, 'resource rules must supply at least one api group'));
  if (len(rule.resources) === 0) errs.push(required(`${path}.resources`, 'resource rules must supply at least one resource'));
  return errs;
}

function validateRules(obj: KObject, namespaced: boolean): StatusCause[] {
  return (Array.isArray(obj.rules) ? obj.rules : []).flatMap((r: KObject, i: number) => validatePolicyRule(r ?? {}, namespaced, `rules[${i}]`));
}

/** ValidateRoleBindingSubject */
export function validateSubject(s: KObject, namespaced: boolean, path: string): StatusCause[] {
  const errs: StatusCause[] = [];
  if (!s.name) errs.push(required(`${path}.name`));
  switch (s.kind) {
    case 'ServiceAccount':
      if (s.name) for (const m of isDNS1123Subdomain(s.name)) errs.push(invalid(`${path}.name`, s.name, m));
      if (s.apiGroup) errs.push(notSupported(`${path}.apiGroup`, s.apiGroup, ['']));
      if (!namespaced && !s.namespace) errs.push(required(`${path}.namespace`));
      break;
    case 'User':
    case 'Group':
      if (s.apiGroup !== RBAC_GROUP) errs.push(notSupported(`${path}.apiGroup`, s.apiGroup ?? '', [RBAC_GROUP]));
      break;
    default:
      errs.push(notSupported(`${path}.kind`, s.kind ?? '', ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

function roleRefRepr(r: KObject | undefined): unknown {
  return goRepr(`rbac.RoleRef{APIGroup:${goQuote(r?.apiGroup ?? '')}, Kind:${goQuote(r?.kind ?? '')}, Name:${goQuote(r?.name ?? '')}}`);
}

function validateBinding(b: KObject, namespaced: boolean, old?: KObject): StatusCause[] {
  const errs: StatusCause[] = [];
  const ref: KObject = b.roleRef ?? {};
  if (ref.apiGroup !== RBAC_GROUP) errs.push(notSupported('roleRef.apiGroup', ref.apiGroup ?? '', [RBAC_GROUP]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(ref.kind)) errs.push(notSupported('roleRef.kind', ref.kind ?? '', kinds));
  if (!ref.name) errs.push(required('roleRef.name'));
  else for (const m of isValidPathSegmentName(ref.name)) errs.push(invalid('roleRef.name', ref.name, m));
  (Array.isArray(b.subjects) ? b.subjects : []).forEach((s: KObject, i: number) => errs.push(...validateSubject(s ?? {}, namespaced, `subjects[${i}]`)));
  if (old) {
    const o: KObject = old.roleRef ?? {};
    if (o.apiGroup !== ref.apiGroup || o.kind !== ref.kind || o.name !== ref.name) errs.push(invalid('roleRef', roleRefRepr(ref), 'cannot change roleRef'));
  }
  return errs;
}

function defaultBinding(b: KObject): void {
  b.roleRef ??= {};
  b.roleRef.apiGroup ||= RBAC_GROUP;
  for (const s of Array.isArray(b.subjects) ? b.subjects : []) {
    // ServiceAccount subjects default to the core group "", which Go omits when serializing
    if (!s || typeof s !== 'object' || s.apiGroup) continue;
    if (s.kind === 'User' || s.kind === 'Group') s.apiGroup = RBAC_GROUP;
  }
}

/** rbac.SubjectsStrings: users, groups, "ns/name" service accounts */
export function subjectsStrings(subjects: unknown): [string[], string[], string[]] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of Array.isArray(subjects) ? subjects : []) {
    if (s?.kind === 'User') users.push(s.name);
    else if (s?.kind === 'Group') groups.push(s.name);
    else if (s?.kind === 'ServiceAccount') sas.push(`${s.namespace ?? ''}/${s.name}`);
  }
  return [users, groups, sas];
}

const ROLE_TABLE = {
  columns: [NAME_COLUMN, CREATED_AT_COLUMN],
  cells: (r: KObject) => [nameOf(r), createdAt(r)],
};

const BINDING_TABLE = {
  columns: [
    NAME_COLUMN,
    col('Role', 'string', 'Kind/name of the referenced role.'),
    AGE_COLUMN,
    col('Users', 'string', 'Users bound.', 1),
    col('Groups', 'string', 'Groups bound.', 1),
    col('ServiceAccounts', 'string', 'Service accounts bound.', 1),
  ],
  cells(b: KObject, now: Date) {
    const [users, groups, sas] = subjectsStrings(b.subjects);
    return [nameOf(b), `${b.roleRef?.kind ?? ''}/${b.roleRef?.name ?? ''}`, ageOf(b, now), users.join(', '), groups.join(', '), sas.join(', ')];
  },
};

export const roleStrategy: KindStrategy = {
  validate: (r) => validateRules(r, true),
  table: ROLE_TABLE,
};

export const clusterRoleStrategy: KindStrategy = {
  validate(r) {
    const errs = validateRules(r, false);
    const ar = r.aggregationRule;
    if (ar != null) {
      const sels: unknown[] = Array.isArray(ar.clusterRoleSelectors) ? ar.clusterRoleSelectors : [];
      if (sels.length === 0) errs.push(required('aggregationRule.clusterRoleSelectors', 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
      sels.forEach((s, i) => errs.push(...validateLabelSelector(s, `aggregationRule.clusterRoleSelectors[${i}]`)));
    }
    return errs;
  },
  table: ROLE_TABLE,
};

export const roleBindingStrategy: KindStrategy = {
  defaults: defaultBinding,
  validate: (b, old) => validateBinding(b, true, old),
  table: BINDING_TABLE,
};

export const clusterRoleBindingStrategy: KindStrategy = {
  defaults: defaultBinding,
  validate: (b, old) => validateBinding(b, false, old),
  table: BINDING_TABLE,
};
