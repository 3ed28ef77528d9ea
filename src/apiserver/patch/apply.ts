// Server-side apply: merges an applied configuration into the live object and records the applier's ownership.

import { ApiError, errors, type StatusCause } from '../../api/status.js';
import { definitionFor, definitions as openapiDefinitions } from '../../api/openapi/schemas.js';
import {
  FieldPathError,
  FieldSet,
  compareObjects,
  fieldSetOf,
  goJson,
  indexItems,
  isPlainObject,
  jsonEqual,
  pathString,
  shapeOf,
  type FieldPath,
  type IndexedItem,
  type PathElement,
} from './field-set.js';
import {
  BEFORE_FIRST_APPLY,
  UNTRACKED,
  decodeManagedFields,
  excludeFields,
  formatTime,
  managerId,
  metadataOf,
  recordUpdate,
  resetFieldSet,
  setManagedFields,
  withoutManagedFields,
  type Managers,
} from './managed-fields.js';

/**
 * How SSA treats the value at one path (the part of a kind's OpenAPI schema it needs).
 * `map`: a struct or a map of values; granular unless mapType is atomic. `list`: atomic
 * (replaced whole), set (items by value) or map (items by mapKeys). `untyped`: deduced
 * from the value (objects granular, lists atomic). Members may be lazy, so recursive
 * definitions are fine.
 */
export interface ApplySchema {
  readonly kind: 'scalar' | 'map' | 'list' | 'untyped';
  readonly mapType?: 'granular' | 'atomic';
  readonly listType?: 'atomic' | 'set' | 'map';
  readonly mapKeys?: readonly string[];
  /** the schema default, used for list-map keys an item leaves out (e.g. ports' protocol) */
  readonly default?: unknown;
  /** maps: a declared property, or undefined */
  field?(name: string): ApplySchema | undefined;
  /** lists: the item schema; maps: the schema of undeclared keys (additionalProperties) */
  readonly elements?: ApplySchema;
}

/** An OpenAPI v2/v3 schema node, as far as SSA reads it. */
export interface OpenApiSchema {
  type?: string | string[];
  $ref?: string;
  allOf?: OpenApiSchema[];
  properties?: Record<string, OpenApiSchema>;
  additionalProperties?: boolean | OpenApiSchema;
  items?: OpenApiSchema;
  default?: unknown;
  format?: string;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  [extension: string]: unknown;
}

const SCALAR: ApplySchema = { kind: 'scalar' };
const UNTYPED: ApplySchema = { kind: 'untyped' };

/**
 * The ApplySchema of definition `name` (`io.k8s.api.apps.v1.Deployment`) in an OpenAPI
 * definitions map (v2 `definitions` or v3 `components.schemas`), or undefined when absent.
 * Lists without x-kubernetes-list-type follow upstream: patch strategy merge (or a merge key)
 * makes a map keyed by the merge key, or a set without one; anything else is atomic.
 * Results are cached per definitions object, which must not change afterwards.
 */
export function schemaFromDefinitions(definitions: Readonly<Record<string, object>>, name: string): ApplySchema | undefined {
  if (!definitions[name]) return undefined;
  let resolver = resolvers.get(definitions);
  if (!resolver) resolvers.set(definitions, (resolver = definitionsResolver(definitions as Record<string, OpenApiSchema>)));
  return resolver(name);
}

/**
 * The ApplySchema of a built-in kind from the generated OpenAPI definitions
 * (src/api/openapi), or undefined for kinds it does not know (apply then treats maps as
 * granular and lists as atomic).
 */
export function schemaForKind(group: string, version: string, kind: string): ApplySchema | undefined {
  const named = definitionFor(group, version, kind);
  return named ? schemaFromDefinitions(openapiDefinitions(), named.name) : undefined;
}

const resolvers = new WeakMap<object, (name: string) => ApplySchema>();

function definitionsResolver(definitions: Record<string, OpenApiSchema>): (name: string) => ApplySchema {
  const byName = new Map<string, ApplySchema>();
  const ref = (r: string): ApplySchema => {
    const n = r.slice(r.lastIndexOf('/') + 1);
    let s = byName.get(n);
    if (!s) {
      const def = definitions[n];
      if (!def) return UNTYPED;
      // Register a lazy node first so recursive definitions resolve to it.
      s = new LazySchema(() => convert(def));
      byName.set(n, s);
    }
    return s;
  };
  const convert = (node: OpenApiSchema): ApplySchema => {
    if (node.$ref) {
      // A property may override its definition's map type (e.g. PersistentVolumeSpec.claimRef: granular ObjectReference).
      const mt = node['x-kubernetes-map-type'];
      const target = mt ? withOverride(ref(node.$ref), 'mapType', mt) : ref(node.$ref);
      return withDefault(target, node.default);
    }
    if (node.allOf && node.allOf.length === 1 && !node.type && !node.properties) return withDefault(convert(node.allOf[0]), node.default);
    if (node['x-kubernetes-int-or-string'] || node.format === 'int-or-string') return withDefault(SCALAR, node.default);
    const type = Array.isArray(node.type) ? node.type.find((t) => t !== 'null') : node.type;
    if (type === 'array') {
      let listType = node['x-kubernetes-list-type'];
      let keys = node['x-kubernetes-list-map-keys'];
      const mergeKey = node['x-kubernetes-patch-merge-key'];
      if (!listType) {
        const strategy = node['x-kubernetes-patch-strategy'] ?? '';
        if (mergeKey) listType = 'map';
        else if (strategy.split(',').includes('merge')) listType = 'set';
        else listType = 'atomic';
      }
      if (listType === 'map' && (!keys || keys.length === 0)) keys = mergeKey ? [mergeKey] : undefined;
      if (listType === 'map' && !keys) listType = 'atomic';
      const items = node.items;
      const protocolKey = listType === 'map' && keys?.includes('protocol');
      return new LazySchema(() => ({
        kind: 'list',
        listType,
        mapKeys: keys,
        default: node.default,
        elements: items ? (protocolKey ? withProtocolDefault(convert(items)) : convert(items)) : UNTYPED,
      }));
    }
    if (type === 'object' || node.properties || node.additionalProperties) {
      const props = node.properties ?? {};
      const fields = new Map<string, ApplySchema>();
      const ap = node.additionalProperties;
      let elements: ApplySchema | undefined;
      return {
        kind: 'map',
        mapType: node['x-kubernetes-map-type'] === 'atomic' ? 'atomic' : 'granular',
        default: node.default,
        field(n: string) {
          if (!Object.prototype.hasOwnProperty.call(props, n)) return undefined;
          let f = fields.get(n);
          if (!f) fields.set(n, (f = convert(props[n])));
          return f;
        },
        get elements() {
          if (!elements) elements = isPlainObject(ap) ? convert(ap as OpenApiSchema) : UNTYPED;
          return elements;
        },
      };
    }
    if (type === 'string' || type === 'integer' || type === 'number' || type === 'boolean') return withDefault(SCALAR, node.default);
    return UNTYPED;
  };
  return ref;
}

class LazySchema implements ApplySchema {
  private resolved?: ApplySchema;
  constructor(private readonly make: () => ApplySchema) {}
  private get s(): ApplySchema {
    return (this.resolved ??= this.make());
  }
  get kind() { return this.s.kind; }
  get mapType() { return this.s.mapType; }
  get listType() { return this.s.listType; }
  get mapKeys() { return this.s.mapKeys; }
  get default() { return this.s.default; }
  get elements() { return this.s.elements; }
  field(name: string): ApplySchema | undefined {
    return this.s.field?.(name);
  }
}

/**
 * Upstream's published schemas default the `protocol` key of ports lists to "TCP" (so
 * `ports: [{containerPort: 80}]` is keyed `{"containerPort":80,"protocol":"TCP"}`); definitions
 * generated without that default get it here.
 */
function withProtocolDefault(item: ApplySchema): ApplySchema {
  return Object.create(item, {
    field: {
      value: (name: string) => {
        const f = item.field?.(name);
        return name === 'protocol' && f && f.default === undefined ? withDefault(f, 'TCP') : f;
      },
    },
  }) as ApplySchema;
}

function withDefault(s: ApplySchema, d: unknown): ApplySchema {
  return d === undefined ? s : withOverride(s, 'default', d);
}

function withOverride(s: ApplySchema, key: 'default' | 'mapType', value: unknown): ApplySchema {
  return Object.create(s, { [key]: { value, enumerable: true } }) as ApplySchema;
}

export interface ApplyOptions {
  /** the request's fieldManager (required for apply; kubectl sends "kubectl") */
  manager: string;
  /** take ownership of conflicting fields instead of failing */
  force?: boolean;
  /** the kind's schema; without one, maps are granular and lists atomic */
  schema?: ApplySchema;
  /** group/version of the request; the applied object's apiVersion must match it */
  apiVersion?: string;
  /** set when applying through a subresource (`status`) */
  subresource?: string;
  /** defaults to now */
  time?: Date | string;
  /** as in updateManagedFields: by default `status` (main resource) or `spec` (status subresource) */
  resetFields?: FieldPath[];
}

/** A field another manager owns and this apply would change. */
export interface ApplyConflict {
  manager: string;
  /** the owner's entry; printed with `using <apiVersion>` when Update (the default) and apiVersion is set */
  operation?: 'Apply' | 'Update';
  /** set for Update owners (printed as `using apps/v1`) */
  apiVersion?: string;
  subresource?: string;
  /** `.spec.replicas`, `.spec.template.spec.containers[name="nginx"].image` */
  field: string;
}

export interface ApplyResult {
  /**
   * The merged object with metadata.managedFields updated (a new object; inputs are not
   * modified). With conflicts, the live object unchanged. The caller still defaults,
   * validates and resets fields (e.g. status) as for any write.
   */
  object: Record<string, unknown>;
  conflicts?: ApplyConflict[];
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * Applies `applied` (a full or partial object from an apply patch) as `manager`.
 *
 * The applied fields become the manager's Apply entry; fields it applied last time and no
 * longer applies are removed from the object unless some manager still owns them; lists merge
 * by their list type. A field whose value changes and that another manager owns is a conflict
 * (nothing is written) unless `force`, which moves ownership. `live` undefined creates. An
 * object without managedFields first gets a "before-first-apply" entry owning what it holds.
 * For manager "kubectl", conflicts with values still equal to the last-applied annotation are
 * forced (the client-side to server-side apply upgrade), and that annotation, when present, is
 * rewritten from the applied configuration.
 *
 * Throws ApiError 400 for a patch with managedFields or the wrong apiVersion, 500 for a patch
 * the schema cannot place (as upstream).
 */
export function serverSideApply(live: object | undefined, applied: object, opts: ApplyOptions): ApplyResult {
  if (!isPlainObject(applied)) throw errors.badRequest('apply patch must be a JSON object');
  const appliedMeta = metadataOf(applied);
  if (appliedMeta && appliedMeta.managedFields !== undefined && appliedMeta.managedFields !== null) {
    throw errors.badRequest('metadata.managedFields must be nil');
  }
  const patchVersion = typeof applied.apiVersion === 'string' ? applied.apiVersion : '';
  if (opts.apiVersion !== undefined && patchVersion !== opts.apiVersion) {
    throw errors.badRequest(`Incorrect version specified in apply patch. Specified patch version: ${patchVersion}, expected: ${opts.apiVersion}`);
  }
  const apiVersion = opts.apiVersion ?? patchVersion;
  const time = formatTime(opts.time);
  const reset = resetFieldSet(opts.subresource, opts.resetFields);
  const schema = opts.schema;

  let managers: Managers;
  try {
    managers = live ? decodeManagedFields(metadataOf(live)?.managedFields) : new Map();
  } catch (e) {
    throw errors.internal(`failed to decode managed fields: ${(e as Error).message}`);
  }
  const liveObj: Record<string, unknown> = live ? (structuredClone(withoutManagedFields(live)) as Record<string, unknown>) : {};

  const ctx: Ctx = { manager: opts.manager, apiVersion, subresource: opts.subresource, time, schema, reset, applied };
  try {
    if (live && managers.size === 0) {
      recordUpdate(managers, {}, liveObj, { manager: BEFORE_FIRST_APPLY, apiVersion, subresource: opts.subresource, time, schema, reset });
    }
  } catch (e) {
    throw typedError(e, 'live', liveObj);
  }

  let r = applyOnce(copyManagers(managers), liveObj, !!opts.force, ctx);
  if (r.conflicts && opts.manager === 'kubectl') {
    const allowed = allowedByLastApplied(liveObj, schema);
    if (allowed) {
      const remaining = r.conflicts.filter((c) => !allowed.has(c.path));
      r = remaining.length === 0 ? applyOnce(copyManagers(managers), liveObj, true, ctx) : { conflicts: remaining };
    }
  }
  if (r.conflicts) {
    return {
      object: (live ? structuredClone(live) : {}) as Record<string, unknown>,
      conflicts: r.conflicts.map(({ path: _p, ...c }) => c),
    };
  }
  const object = r.object!;
  if (opts.manager === 'kubectl') refreshLastApplied(object, applied);
  setManagedFields(object, r.managers!);
  return { object };
}

/**
 * The 409 upstream answers for apply conflicts, with its exact message and one
 * FieldManagerConflict cause per field.
 */
export function conflictError(conflicts: readonly ApplyConflict[]): ApiError {
  const who = (c: ApplyConflict) => {
    let s = JSON.stringify(c.manager);
    if (c.subresource) s += ` with subresource ${JSON.stringify(c.subresource)}`;
    if ((c.operation ?? 'Update') === 'Update' && c.apiVersion) s += ` using ${c.apiVersion}`;
    return s;
  };
  const causes: StatusCause[] = conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${who(c)}`, field: c.field }));
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${who(conflicts[0])}: ${conflicts[0].field}`;
  } else {
    const groups = new Map<string, ApplyConflict[]>();
    for (const c of conflicts) {
      const id = managerId({ manager: c.manager, operation: c.operation ?? 'Update', apiVersion: c.apiVersion, subresource: c.subresource });
      groups.set(id, [...(groups.get(id) ?? []), c]);
    }
    const lines: string[] = [];
    for (const id of [...groups.keys()].sort()) {
      const g = groups.get(id)!;
      lines.push(`conflicts with ${who(g[0])}:`);
      for (const c of g) lines.push(`- ${c.field}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new ApiError(409, 'Conflict', message, { causes });
}

// ---------------------------------------------------------------------------------------

interface Ctx {
  manager: string;
  apiVersion: string;
  subresource?: string;
  time: string;
  schema: ApplySchema | undefined;
  reset: FieldSet;
  applied: Record<string, unknown>;
}

interface InternalConflict extends ApplyConflict {
  path: FieldPath;
}

interface Attempt {
  object?: Record<string, unknown>;
  managers?: Managers;
  conflicts?: InternalConflict[];
}

function applyOnce(managers: Managers, live: Record<string, unknown>, force: boolean, ctx: Ctx): Attempt {
  const { schema } = ctx;
  let configSet: FieldSet;
  let merged: Record<string, unknown>;
  try {
    configSet = fieldSetOf(ctx.applied, schema).difference(UNTRACKED).recursiveDifference(ctx.reset);
    merged = mergeValues(live, ctx.applied, schema, []) as Record<string, unknown>;
  } catch (e) {
    throw typedError(e, 'patch', ctx.applied);
  }
  const id = managerId({ manager: ctx.manager, operation: 'Apply', subresource: ctx.subresource });
  const prev = managers.get(id);
  managers.set(id, { manager: ctx.manager, operation: 'Apply', apiVersion: ctx.apiVersion, subresource: ctx.subresource || undefined, time: prev?.time, set: configSet });

  if (prev && !prev.set.isEmpty()) {
    let owned = new FieldSet();
    for (const e of managers.values()) owned = owned.union(e.set);
    const removable = prev.set.difference(configSet);
    if (!removable.isEmpty()) merged = (pruneValue(merged, schema, removable, owned) ?? {}) as Record<string, unknown>;
  }

  let cmp;
  try {
    cmp = excludeFields(compareObjects(live, merged, schema), ctx.reset);
  } catch (e) {
    throw typedError(e, 'live', live);
  }
  const changed = cmp.modified.union(cmp.added);
  const conflicts: InternalConflict[] = [];
  const taken = new Map<string, FieldSet>();
  for (const other of [...managers.keys()].sort()) {
    if (other === id) continue;
    const e = managers.get(other)!;
    const clash = e.set.intersection(changed);
    if (clash.isEmpty()) continue;
    taken.set(other, clash);
    for (const path of clash.paths()) {
      const c: InternalConflict = { manager: e.manager, operation: e.operation, field: pathString(path), path };
      if (e.operation === 'Update') c.apiVersion = e.apiVersion;
      if (e.subresource) c.subresource = e.subresource;
      conflicts.push(c);
    }
  }
  if (conflicts.length > 0 && !force) return { conflicts };

  for (const [other, e] of managers) {
    if (other === id) continue;
    const clash = taken.get(other);
    if (clash) e.set = e.set.difference(clash);
    e.set = e.set.difference(cmp.removed);
  }
  for (const [k, e] of managers) if (e.set.isEmpty()) managers.delete(k);
  const mine = managers.get(id);
  if (mine && !jsonEqual(live, merged)) mine.time = ctx.time;
  return { object: merged, managers };
}

function copyManagers(m: Managers): Managers {
  return new Map([...m].map(([k, e]) => [k, { ...e }]));
}

function typedError(e: unknown, which: 'patch' | 'live', obj: Record<string, unknown>): unknown {
  if (!(e instanceof FieldPathError)) return e;
  const meta = metadataOf(obj) ?? {};
  const [group, version] = typeof obj.apiVersion === 'string' && obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion ?? ''];
  const gvknn = `${meta.namespace ?? ''}/${meta.name ?? ''}; ${group}/${version}, Kind=${obj.kind ?? ''}`;
  return errors.internal(`failed to create typed ${which} object (${gvknn}): ${e.message}`);
}

// ---------------------------------------------------------------------------------------
// Merge: the applied configuration over the live object.

/**
 * Merges rhs (applied) into lhs (live): rhs leaves and atomic values win, granular maps
 * merge key by key (a null in rhs removes the field), set/map lists merge item by item.
 * Returns a new value; never shares rhs containers with the result. Throws FieldPathError
 * for duplicate keys anywhere in rhs (every rhs list passes through here).
 */
function mergeValues(lhs: unknown, rhs: unknown, schema: ApplySchema | undefined, path: PathElement[]): unknown {
  if (rhs === undefined) return lhs;
  const rs = shapeOf(schema, rhs);
  const ls = lhs === undefined ? undefined : shapeOf(schema, lhs);
  if (rs.kind === 'map') {
    const base = ls?.kind === 'map' ? { ...(lhs as Record<string, unknown>) } : {};
    for (const [k, v] of Object.entries(rhs as Record<string, unknown>)) {
      if (v === undefined) continue;
      if (v === null) {
        delete base[k];
        continue;
      }
      base[k] = mergeValues(base[k], v, rs.child(k).schema, [...path, { field: k }]);
    }
    return base;
  }
  if (rs.kind === 'list') {
    const ri = indexItems(rs, rhs as unknown[], path);
    const dup = ri.find((i) => i.dup);
    if (dup) throw new FieldPathError(path, `duplicate entries for key ${pathString([dup.pe])}`);
    const li = ls?.kind === 'list' ? indexItems(ls, lhs as unknown[], path) : [];
    return mergeLists(li, ri, rs.items, path);
  }
  return rhs !== null && typeof rhs === 'object' ? structuredClone(rhs) : rhs;
}

/**
 * Item order: applied items keep the applied order; a live-only item stays right after the
 * item it followed in the live list. An item the live list holds twice is replaced whole by
 * the applied one.
 */
function mergeLists(li: IndexedItem[], ri: IndexedItem[], items: ApplySchema | undefined, path: PathElement[]): unknown[] {
  const rPos = new Map(ri.map((it, i) => [it.key, i]));
  const lByKey = new Map<string, IndexedItem[]>();
  for (const it of li) lByKey.set(it.key, [...(lByKey.get(it.key) ?? []), it]);
  const out: unknown[] = [];
  let next = 0;
  const emitApplied = (upTo: number) => {
    for (; next <= upTo; next++) {
      const r = ri[next];
      const ls = lByKey.get(r.key);
      const base = ls && ls.length === 1 ? ls[0].value : undefined;
      out.push(mergeValues(base, r.value, items, [...path, r.pe]));
    }
  };
  const doneLive = new Set<string>();
  for (const l of li) {
    const at = rPos.get(l.key);
    if (at === undefined) {
      out.push(l.value);
      continue;
    }
    if (doneLive.has(l.key)) continue;
    doneLive.add(l.key);
    if (at >= next) emitApplied(at);
  }
  emitApplied(ri.length - 1);
  return out;
}

// ---------------------------------------------------------------------------------------
// Prune: remove what the applier dropped and nobody owns.

/**
 * Removes from value the paths in `removable` (what the applier applied last time but not
 * now) unless `owned` (every manager's fields, the applier's new ones included) holds that
 * path or anything under it; the key fields of a kept list item stay. Maps and lists emptied
 * by a removal go too, unless owned. Returns the new value (undefined when removed).
 */
function pruneValue(value: unknown, schema: ApplySchema | undefined, removable: FieldSet, owned: FieldSet): unknown {
  const shape = shapeOf(schema, value);
  if (shape.kind === 'map') {
    const src = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(src)) {
      const pe: PathElement = { field: k };
      const kept = pruneChild(v, shape.child(k).schema, pe, removable, owned);
      if (kept !== undefined) out[k] = kept;
    }
    return out;
  }
  if (shape.kind === 'list') {
    const out: unknown[] = [];
    const keyFields = schema?.listType === 'map' ? schema.mapKeys ?? [] : [];
    const protect = keyFields.length > 0 ? FieldSet.of(...keyFields.map((f) => [{ field: f }])) : undefined;
    for (const it of indexItems(shape, value as unknown[], [])) {
      const kept = pruneChild(it.value, shape.items, it.pe, removable, owned, protect);
      if (kept !== undefined) out.push(kept);
    }
    return out;
  }
  return value;
}

function pruneChild(v: unknown, schema: ApplySchema | undefined, pe: PathElement, removable: FieldSet, owned: FieldSet, protect?: FieldSet): unknown {
  const p = [pe];
  if (!removable.touches(p)) return v;
  const isOwned = owned.touches(p);
  if (removable.has(p) && !isOwned) return undefined;
  let ownedUnder = owned.under(p);
  if (protect) ownedUnder = ownedUnder.union(protect);
  const before = sizeOf(v);
  const pruned = pruneValue(v, schema, removable.under(p), ownedUnder);
  if (before > 0 && sizeOf(pruned) === 0 && !owned.has(p)) return undefined;
  return pruned;
}

function sizeOf(v: unknown): number {
  if (Array.isArray(v)) return v.length;
  if (isPlainObject(v)) return Object.keys(v).length;
  return -1;
}

// ---------------------------------------------------------------------------------------
// kubectl's client-side → server-side apply upgrade.

/** Fields the last-applied annotation holds with the live value: conflicts on them are forced. */
function allowedByLastApplied(live: Record<string, unknown>, schema: ApplySchema | undefined): FieldSet | undefined {
  const annotations = metadataOf(live)?.annotations;
  const text = isPlainObject(annotations) ? annotations[LAST_APPLIED] : undefined;
  if (typeof text !== 'string' || text === '') return undefined;
  try {
    const last = JSON.parse(text) as unknown;
    if (!isPlainObject(last)) return undefined;
    const cmp = compareObjects(last, live, schema);
    return fieldSetOf(last, schema).difference(cmp.modified).difference(cmp.added).difference(cmp.removed);
  } catch {
    return undefined;
  }
}

/** When the result carries a last-applied annotation, rewrite it as the applied object (Go JSON, trailing newline). */
function refreshLastApplied(object: Record<string, unknown>, applied: Record<string, unknown>): void {
  const annotations = metadataOf(object)?.annotations;
  if (!isPlainObject(annotations) || typeof annotations[LAST_APPLIED] !== 'string' || annotations[LAST_APPLIED] === '') return;
  const copy = structuredClone(applied);
  const meta = metadataOf(copy);
  if (meta && isPlainObject(meta.annotations)) delete meta.annotations[LAST_APPLIED];
  annotations[LAST_APPLIED] = `${goJson(copy)}\n`;
}

