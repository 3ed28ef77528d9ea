// The one place the API server reaches into per-kind knowledge: strategies, schemas, selectors, patches, field managers.

import type { ResourceInfo } from '../api/resources.js';
import { apiVersionOf } from '../api/resources.js';
import type { KindStrategy, KObject, TableConvertor } from '../api/strategy.js';
import type { StatusCause } from '../api/status.js';
import { ApiError, errors } from '../api/status.js';
import { validateObject, cannotBeHandledMessage } from '../api/openapi/validate.js';
import { definitionFor, schemaLookup } from '../api/openapi/schemas.js';
import { labelSelectorFromSpec, labelSelectorToString, matchFieldSelector, matchLabelSelector, parseFieldSelector, parseLabelSelector, SelectorParseError, unsupportedFieldLabel } from '../api/labels.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../api/validation/object-meta.js';
import { nameRuleFor } from '../api/validation/name-rules.js';
import { applyJsonPatch } from './patch/json-patch.js';
import { applyMergePatch } from './patch/merge-patch.js';
import { strategicMergePatch } from './patch/strategic-merge-patch.js';
import { patchSchemaFromLookup } from './patch/patch-schema.js';
import { schemaForKind, serverSideApply, conflictError } from './patch/apply.js';
import { defaultManager, updateManagedFields } from './patch/managed-fields.js';
import { strategyFor } from '../api/strategies.js';
import type { RequestContext } from './resource-handler.js';

function strategy(r: ResourceInfo): KindStrategy {
  return strategyFor(r.group, r.kind);
}

/** Ages as `kubectl get` prints them (used for kinds without a table of their own). */
function age(obj: KObject, now: Date): string {
  const t = Date.parse(obj.metadata?.creationTimestamp ?? '');
  if (!Number.isFinite(t)) return '<unknown>';
  const s = Math.max(0, Math.floor((now.getTime() - t) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return `${m}m${s % 60 ? `${s % 60}s` : ''}`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return `${h}h${m % 60 ? `${m % 60}m` : ''}`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 8) return `${d}d${h % 24 ? `${h % 24}h` : ''}`;
  if (d < 365 * 2) return `${d}d`;
  return `${Math.floor(d / 365)}y`;
}

/** Deletes the fields named by validate()'s unknown-field paths (`spec.foo`, `spec.containers[0].bar`). */
function pruneUnknown(obj: KObject, paths: string[]): void {
  for (const p of paths) {
    const segs: (string | number)[] = [];
    for (const part of p.replace(/^\./, '').split('.')) {
      const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
      if (!m) {
        segs.push(part);
        continue;
      }
      if (m[1]) segs.push(m[1]);
      for (const idx of m[2].matchAll(/\[(\d+)\]/g)) segs.push(Number(idx[1]));
    }
    let cur: unknown = obj;
    for (let i = 0; i < segs.length - 1 && cur && typeof cur === 'object'; i++) cur = (cur as Record<string | number, unknown>)[segs[i]];
    if (cur && typeof cur === 'object' && !Array.isArray(cur)) delete (cur as Record<string, unknown>)[segs[segs.length - 1] as string];
  }
}

function typeNameOf(r: ResourceInfo): string | undefined {
  return definitionFor(r.group, r.version, r.kind)?.name;
}

function managerOf(ctx: RequestContext): string {
  const m = ctx.query.get('fieldManager');
  if (m !== null) {
    if (m.length === 0 || m.length > 128 || /[^\x20-\x7e]/.test(m)) throw errors.badRequest('fieldManager: Invalid value: must be 1-128 printable characters');
    return m;
  }
  return defaultManager(ctx.req.headers['user-agent']);
}

export const hooks = {
  defaults(r: ResourceInfo, obj: KObject): void {
    strategy(r).defaults?.(obj);
  },
  prepareForCreate(r: ResourceInfo, obj: KObject): void {
    strategy(r).prepareForCreate?.(obj);
  },
  prepareForUpdate(r: ResourceInfo, obj: KObject, old: KObject): void {
    strategy(r).prepareForUpdate?.(obj, old);
  },
  validate(r: ResourceInfo, obj: KObject, old?: KObject, metadataOnly = false): StatusCause[] {
    const causes = validateObjectMeta(obj, { namespaced: r.namespaced, nameRule: nameRuleFor(r.kind, r.group) });
    if (old) causes.push(...validateObjectMetaUpdate(obj, old, { requireResourceVersion: false }));
    if (metadataOnly) return causes;
    return causes.concat(strategy(r).validate?.(obj, old) ?? []);
  },
  /** Schema check: unknown fields (for fieldValidation) and type errors (always a 400, as upstream's decoder). */
  schemaCheck(r: ResourceInfo, obj: KObject): { unknownFields: string[]; errors: string[] } {
    const res = validateObject(obj, r.group, r.version, r.kind);
    if (res.errors.length) throw errors.badRequest(cannotBeHandledMessage(r.kind, r.version, res.errors[0].message));
    return { unknownFields: res.unknownFields, errors: [] };
  },
  prune(r: ResourceInfo, obj: KObject, unknownFields: string[]): void {
    pruneUnknown(obj, unknownFields);
    void r;
  },
  table(r: ResourceInfo): TableConvertor | undefined {
    return strategy(r).table;
  },
  age,
  labelMatcher(sel: string): (labels: Record<string, string>) => boolean {
    try {
      const parsed = parseLabelSelector(sel);
      return (labels) => matchLabelSelector(parsed, labels);
    } catch (err) {
      if (err instanceof SelectorParseError) throw errors.badRequest(err.message);
      throw err;
    }
  },
  fieldMatcher(r: ResourceInfo, sel: string): (obj: KObject) => boolean {
    let parsed;
    try {
      parsed = parseFieldSelector(sel);
    } catch (err) {
      throw errors.badRequest((err as Error).message);
    }
    const fieldsOf = (obj: KObject): Record<string, string> => {
      const f: Record<string, string> = { 'metadata.name': obj.metadata?.name ?? '' };
      if (r.namespaced) f['metadata.namespace'] = obj.metadata?.namespace ?? '';
      return { ...f, ...(strategy(r).selectableFields?.(obj) ?? {}) };
    };
    const probe = fieldsOf({ metadata: {} });
    const bad = unsupportedFieldLabel(parsed, Object.keys(probe));
    if (bad) throw errors.badRequest(bad);
    return (obj) => matchFieldSelector(parsed, fieldsOf(obj));
  },
  selectorString(sel: KObject): string {
    return labelSelectorToString(labelSelectorFromSpec(sel));
  },
  patch(r: ResourceInfo, contentType: string, current: KObject, patchDoc: unknown): KObject {
    switch (contentType) {
      case 'application/json-patch+json':
        return applyJsonPatch(current, patchDoc) as KObject;
      case 'application/merge-patch+json':
        return applyMergePatch(current, patchDoc) as KObject;
      case 'application/strategic-merge-patch+json': {
        const name = typeNameOf(r);
        const schema = name ? patchSchemaFromLookup(schemaLookup, name) : undefined;
        return strategicMergePatch(current, patchDoc, schema) as KObject;
      }
      default:
        throw errors.unsupportedMediaType(['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml']);
    }
  },
  apply(r: ResourceInfo, current: KObject | undefined, applied: KObject, o: { manager: string; force: boolean; subresource: string; name: string; namespace: string }): KObject {
    const cfg = structuredClone(applied);
    cfg.metadata ??= {};
    cfg.metadata.name ??= o.name;
    if (r.namespaced && !cfg.metadata.namespace) cfg.metadata.namespace = o.namespace;
    const res = serverSideApply(current, cfg, { manager: o.manager, force: o.force, schema: schemaForKind(r.group, r.version, r.kind), apiVersion: apiVersionOf(r), subresource: o.subresource || undefined });
    if (res.conflicts?.length) throw conflictError(res.conflicts);
    return res.object as KObject;
  },
  recordCreate(ctx: RequestContext, r: ResourceInfo, obj: KObject): void {
    if (ctx.req.headers['content-type']?.startsWith('application/apply-patch')) return;
    updateManagedFields(undefined, obj, { manager: managerOf(ctx), apiVersion: apiVersionOf(r), schema: schemaForKind(r.group, r.version, r.kind) });
  },
  recordUpdate(ctx: RequestContext, r: ResourceInfo, old: KObject, obj: KObject, subresource: string): void {
    if (ctx.req.headers['content-type']?.startsWith('application/apply-patch')) return;
    updateManagedFields(old, obj, { manager: managerOf(ctx), apiVersion: apiVersionOf(r), subresource: subresource || undefined, schema: schemaForKind(r.group, r.version, r.kind) });
  },
};

export { ApiError };
