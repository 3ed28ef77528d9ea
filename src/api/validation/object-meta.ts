// Generic metadata validation for every kind: name/generateName, namespace, labels, annotations,
// ownerReferences, finalizers, and the immutable parts of metadata on update.

import type { StatusCause } from '../status.js';
import type { KObject } from '../strategy.js';
import { duplicate, forbidden, goStringSlice, goRepr, immutable, invalid, nonNegative, objs, required, tooLong } from './field.js';
import { isDNS1123Label, isQualifiedName, isValidLabelValue } from './names.js';
import { validateName, type NameRule } from './name-rules.js';

export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export interface ObjectMetaOptions {
  namespaced: boolean;
  nameRule: NameRule;
  /** field path of the metadata, "metadata" unless it is embedded */
  path?: string;
}

/** ValidateLabels: keys are qualified names, values label values; path is the map itself. */
export function validateLabels(labels: unknown, path: string): StatusCause[] {
  const errs: StatusCause[] = [];
  if (!labels || typeof labels !== 'object') return errs;
  for (const [k, v] of Object.entries(labels as Record<string, unknown>)) {
    for (const m of isQualifiedName(k)) errs.push(invalid(path, k, m));
    if (typeof v !== 'string') {
      errs.push(invalid(path, v, 'must be a string'));
      continue;
    }
    for (const m of isValidLabelValue(v)) errs.push(invalid(path, v, m));
  }
  return errs;
}

/** ValidateAnnotations: keys are qualified names (case-insensitive); total size of keys+values ≤ 256 KiB. */
export function validateAnnotations(annotations: unknown, path: string): StatusCause[] {
  const errs: StatusCause[] = [];
  if (!annotations || typeof annotations !== 'object') return errs;
  let total = 0;
  for (const [k, v] of Object.entries(annotations as Record<string, unknown>)) {
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(invalid(path, k, m));
    total += Buffer.byteLength(k) + Buffer.byteLength(typeof v === 'string' ? v : String(v ?? ''));
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

/** ValidateOwnerReferences: required parts present, no v1 Event owners, at most one controller. */
export function validateOwnerReferences(refs: unknown, path: string): StatusCause[] {
  const errs: StatusCause[] = [];
  if (!Array.isArray(refs)) return errs;
  const controllers: string[] = [];
  for (const ref of objs(refs)) {
    const gvk = ref.apiVersion ?? '';
    if (!ref.apiVersion) errs.push(invalid(`${path}.apiVersion`, ref.apiVersion ?? '', 'version must not be empty'));
    if (!ref.kind) errs.push(invalid(`${path}.kind`, ref.kind ?? '', 'kind must not be empty'));
    if (!ref.name) errs.push(invalid(`${path}.name`, ref.name ?? '', 'name must not be empty'));
    if (!ref.uid) errs.push(invalid(`${path}.uid`, ref.uid ?? '', 'uid must not be empty'));
    if (gvk === 'v1' && ref.kind === 'Event') errs.push(invalid(path, ref, '/v1, Kind=Event is disallowed from being an owner'));
    if (ref.controller === true) controllers.push(`${ref.kind}/${ref.name}`);
  }
  if (controllers.length > 1) {
    errs.push(invalid(path, refs, `Only one reference can have Controller set to true. Found "true" in references for ${controllers[0]} and ${controllers[1]}`));
  }
  return errs;
}

/** ValidateFinalizers: qualified names, no duplicates. */
export function validateFinalizers(finalizers: unknown, path: string): StatusCause[] {
  const errs: StatusCause[] = [];
  if (!Array.isArray(finalizers)) return errs;
  const seen = new Set<string>();
  for (const f of finalizers) {
    const s = String(f);
    for (const m of isQualifiedName(s)) errs.push(invalid(path, s, m));
    if (seen.has(s)) errs.push(duplicate(path, s));
    seen.add(s);
  }
  return errs;
}

/**
 * Metadata of a new object. Name is required unless generateName is set (the server
 * generates the name before storing); names follow the kind's rule; the namespace must be
 * set (and a DNS label) exactly for namespaced kinds.
 */
export function validateObjectMeta(obj: KObject, opts: ObjectMetaOptions): StatusCause[] {
  const errs: StatusCause[] = [];
  const p = opts.path ?? 'metadata';
  const meta: KObject = obj?.metadata ?? {};
  const name = typeof meta.name === 'string' ? meta.name : '';
  const generateName = typeof meta.generateName === 'string' ? meta.generateName : '';
  if (generateName) for (const m of validateName(opts.nameRule, generateName, true)) errs.push(invalid(`${p}.generateName`, generateName, m));
  if (!name) {
    if (!generateName) errs.push(required(`${p}.name`, 'name or generateName is required'));
  } else {
    for (const m of validateName(opts.nameRule, name)) errs.push(invalid(`${p}.name`, name, m));
  }
  const ns = typeof meta.namespace === 'string' ? meta.namespace : '';
  if (opts.namespaced) {
    if (!ns) errs.push(required(`${p}.namespace`));
    else for (const m of isDNS1123Label(ns)) errs.push(invalid(`${p}.namespace`, ns, m));
  } else if (ns) {
    errs.push(forbidden(`${p}.namespace`, 'not allowed on this type'));
  }
  errs.push(...nonNegative(meta.generation, `${p}.generation`));
  errs.push(...validateLabels(meta.labels, `${p}.labels`));
  errs.push(...validateAnnotations(meta.annotations, `${p}.annotations`));
  errs.push(...validateOwnerReferences(meta.ownerReferences, `${p}.ownerReferences`));
  errs.push(...validateFinalizers(meta.finalizers, `${p}.finalizers`));
  return errs;
}

export interface ObjectMetaUpdateOptions {
  /** reject an update without metadata.resourceVersion (upstream does; set false if the server fills it first) */
  requireResourceVersion?: boolean;
  path?: string;
}

/**
 * Metadata of an updated object against the stored one: name, namespace, uid,
 * creationTimestamp, deletionTimestamp and deletionGracePeriodSeconds are immutable;
 * generation may not decrease; no new finalizers once deletion started.
 */
export function validateObjectMetaUpdate(obj: KObject, old: KObject, opts: ObjectMetaUpdateOptions = {}): StatusCause[] {
  const errs: StatusCause[] = [];
  const p = opts.path ?? 'metadata';
  const m: KObject = obj?.metadata ?? {};
  const o: KObject = old?.metadata ?? {};
  if (o.deletionTimestamp) {
    const oldF = new Set<string>(o.finalizers ?? []);
    const extra = [...new Set<string>(m.finalizers ?? [])].filter((f) => !oldF.has(f)).sort();
    if (extra.length) errs.push(forbidden(`${p}.finalizers`, `no new finalizers can be added if the object is being deleted, found new finalizers ${goStringSlice(extra)}`));
  }
  if ((opts.requireResourceVersion ?? true) && !m.resourceVersion) errs.push(invalid(`${p}.resourceVersion`, m.resourceVersion ?? '', 'must be specified for an update'));
  if (typeof m.generation === 'number' && typeof o.generation === 'number' && m.generation < o.generation) {
    errs.push(invalid(`${p}.generation`, m.generation, 'must not be decremented'));
  }
  errs.push(...immutable(m.name ?? '', o.name ?? '', `${p}.name`));
  errs.push(...immutable(m.namespace ?? '', o.namespace ?? '', `${p}.namespace`));
  errs.push(...immutable(m.uid ?? '', o.uid ?? '', `${p}.uid`));
  errs.push(...immutable(m.creationTimestamp ?? null, o.creationTimestamp ?? null, `${p}.creationTimestamp`, goRepr(String(m.creationTimestamp ?? 'null'))));
  errs.push(...immutable(m.deletionTimestamp ?? null, o.deletionTimestamp ?? null, `${p}.deletionTimestamp`, goRepr(String(m.deletionTimestamp ?? 'null'))));
  errs.push(...immutable(m.deletionGracePeriodSeconds ?? null, o.deletionGracePeriodSeconds ?? null, `${p}.deletionGracePeriodSeconds`));
  errs.push(...validateLabels(m.labels, `${p}.labels`));
  errs.push(...validateAnnotations(m.annotations, `${p}.annotations`));
  errs.push(...validateOwnerReferences(m.ownerReferences, `${p}.ownerReferences`));
  return errs;
}
