// PatchSchema: the per-field patch metadata strategic merge patch needs, read from OpenAPI v2/v3 definitions or a SchemaLookup.

import type { SchemaLookup, TypeInfo } from '../../api/openapi/schemas.js';

/** What strategic merge patch needs to know about one field of an object. */
export interface PatchFieldMeta {
  /** `x-kubernetes-patch-strategy` split on ",": e.g. ['merge'], ['retainKeys'], ['merge', 'retainKeys']; [] when absent. */
  readonly strategies: readonly string[];
  /** `x-kubernetes-patch-merge-key`, for lists of objects with strategy merge. */
  readonly mergeKey?: string;
  /** `x-kubernetes-list-type` and `x-kubernetes-list-map-keys`: informational; strategic merge patch ignores them, as upstream does. */
  readonly listType?: string;
  readonly listMapKeys?: readonly string[];
  /** True when the field's value is an array. */
  readonly isList: boolean;
  /** Schema of the value when it is an object; for a map (additionalProperties) every key answers with the value's metadata. */
  readonly schema?: PatchSchema;
  /** Schema of each item when the field is a list of objects. */
  readonly itemSchema?: PatchSchema;
}

/** The patch metadata of one object type. Implementations must be cheap to query repeatedly and safe for recursive types. */
export interface PatchSchema {
  /** Metadata of the named field, or undefined when the type does not declare it (patched as: maps merged, lists replaced). */
  field(name: string): PatchFieldMeta | undefined;
}

type Node = Record<string, unknown>;

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One adapter per definitions object, so schemas (and their lazily built fields) are shared across calls. */
const adapters = new WeakMap<object, DefinitionsAdapter>();

/**
 * The PatchSchema of definition `rootName` (e.g. `io.k8s.api.apps.v1.Deployment`) in `definitions`, or undefined when
 * there is no such definition. `definitions` is either the name → schema map itself (OpenAPI v2 `definitions`, v3
 * `components.schemas`) or a whole v2/v3 document holding one. `$ref`s of either form (`#/definitions/X`,
 * `#/components/schemas/X`) resolve by name; v3 `allOf: [{$ref}]` wrappers are followed. The definitions must not change
 * after the first call (results are cached per definitions object).
 */
export function patchSchemaFromDefinitions(definitions: Record<string, any>, rootName: string): PatchSchema | undefined {
  let adapter = adapters.get(definitions);
  if (!adapter) {
    adapter = new DefinitionsAdapter(unwrapDocument(definitions));
    adapters.set(definitions, adapter);
  }
  return adapter.named(rootName);
}

function unwrapDocument(d: Record<string, any>): Record<string, unknown> {
  const looksLikeSchema = (v: Node): boolean => 'type' in v || 'properties' in v || '$ref' in v;
  if (isNode(d.definitions) && !looksLikeSchema(d.definitions)) return d.definitions;
  if (isNode(d.components) && isNode(d.components.schemas) && !looksLikeSchema(d.components)) return d.components.schemas;
  return d;
}

class DefinitionsAdapter {
  private readonly schemas = new WeakMap<Node, PatchSchema>();

  constructor(private readonly defs: Record<string, unknown>) {}

  named(name: string): PatchSchema | undefined {
    const node = this.defs[name];
    return isNode(node) ? this.objectSchema(this.resolve(node)) : undefined;
  }

  /** Follows `$ref` and single-schema `allOf`/`oneOf`/`anyOf` wrappers to the node that carries the type. */
  resolve(node: Node): Node {
    for (let seen = 0; seen < 64; seen++) {
      const ref = node.$ref;
      if (typeof ref === 'string') {
        const target = this.defs[ref.slice(ref.lastIndexOf('/') + 1)];
        if (!isNode(target)) return node;
        node = target;
        continue;
      }
      if (!('properties' in node) && !('items' in node) && !('additionalProperties' in node)) {
        const wrapped = (['allOf', 'oneOf', 'anyOf'] as const).map((k) => node[k]).find((v) => Array.isArray(v) && v.length === 1);
        if (Array.isArray(wrapped) && isNode(wrapped[0])) {
          node = wrapped[0];
          continue;
        }
      }
      return node;
    }
    return node;
  }

  /** The PatchSchema of an object node (properties and/or additionalProperties), or undefined for other nodes. */
  objectSchema(node: Node): PatchSchema | undefined {
    const hasProps = isNode(node.properties);
    const extra = isNode(node.additionalProperties) ? node.additionalProperties : undefined;
    if (!hasProps && !extra) return node.type === 'object' ? EMPTY : undefined;
    let schema = this.schemas.get(node);
    if (!schema) {
      schema = new ObjectPatchSchema(this, hasProps ? (node.properties as Node) : {}, extra);
      this.schemas.set(node, schema);
    }
    return schema;
  }

  fieldMeta(prop: Node): PatchFieldMeta {
    const resolved = this.resolve(prop);
    const ext = (key: string): unknown => prop[key] ?? wrapperExtension(prop, key) ?? resolved[key];
    const strategy = ext('x-kubernetes-patch-strategy');
    const mergeKey = ext('x-kubernetes-patch-merge-key');
    const listType = ext('x-kubernetes-list-type');
    const listMapKeys = ext('x-kubernetes-list-map-keys');
    const isList = resolved.type === 'array' || isNode(resolved.items);
    const meta: { -readonly [K in keyof PatchFieldMeta]: PatchFieldMeta[K] } = {
      strategies: typeof strategy === 'string' && strategy !== '' ? strategy.split(',').map((s) => s.trim()) : [],
      isList,
    };
    if (typeof mergeKey === 'string' && mergeKey !== '') meta.mergeKey = mergeKey;
    if (typeof listType === 'string') meta.listType = listType;
    if (Array.isArray(listMapKeys)) meta.listMapKeys = listMapKeys.filter((k): k is string => typeof k === 'string');
    if (isList) {
      if (isNode(resolved.items)) meta.itemSchema = this.objectSchema(this.resolve(resolved.items));
    } else {
      meta.schema = this.objectSchema(resolved);
    }
    return meta;
  }
}

/** An extension set on a v3 `allOf` member rather than on the property itself. */
function wrapperExtension(prop: Node, key: string): unknown {
  const all = prop.allOf;
  if (!Array.isArray(all)) return undefined;
  for (const m of all) if (isNode(m) && key in m) return m[key];
  return undefined;
}

const EMPTY: PatchSchema = { field: () => undefined };

class ObjectPatchSchema implements PatchSchema {
  private readonly fields = new Map<string, PatchFieldMeta | undefined>();
  private valueMeta: PatchFieldMeta | undefined | null = null;

  constructor(
    private readonly adapter: DefinitionsAdapter,
    private readonly properties: Node,
    private readonly additional: Node | undefined,
  ) {}

  field(name: string): PatchFieldMeta | undefined {
    if (Object.hasOwn(this.properties, name)) {
      if (!this.fields.has(name)) {
        const prop = this.properties[name];
        this.fields.set(name, isNode(prop) ? this.adapter.fieldMeta(prop) : undefined);
      }
      return this.fields.get(name);
    }
    if (!this.additional) return undefined;
    if (this.valueMeta === null) this.valueMeta = this.adapter.fieldMeta(this.additional);
    return this.valueMeta;
  }
}

const lookupAdapters = new WeakMap<SchemaLookup, Map<string, PatchSchema | undefined>>();

/**
 * The PatchSchema of definition `typeName` as `lookup` (src/api/openapi/schemas.ts) describes it, or undefined when the
 * lookup has no such type. Equivalent to patchSchemaFromDefinitions over the same definitions; cached per lookup.
 */
export function patchSchemaFromLookup(lookup: SchemaLookup, typeName: string): PatchSchema | undefined {
  let cache = lookupAdapters.get(lookup);
  if (!cache) {
    cache = new Map();
    lookupAdapters.set(lookup, cache);
  }
  if (!cache.has(typeName)) cache.set(typeName, lookup.hasType(typeName) ? new LookupPatchSchema(lookup, typeName) : undefined);
  return cache.get(typeName);
}

class LookupPatchSchema implements PatchSchema {
  private readonly fields = new Map<string, PatchFieldMeta | undefined>();

  constructor(
    private readonly lookup: SchemaLookup,
    private readonly typeName: string,
  ) {}

  field(name: string): PatchFieldMeta | undefined {
    if (!this.fields.has(name)) {
      const info = this.lookup.fieldSchema(this.typeName, name);
      this.fields.set(name, info && metaOfType(this.lookup, info.type, info.patch));
    }
    return this.fields.get(name);
  }
}

/** The metadata of a value of type `type` carrying patch extensions `patch` (none for map values). */
function metaOfType(lookup: SchemaLookup, type: TypeInfo, patch: { strategies: readonly string[]; mergeKey?: string; listType?: string; listMapKeys?: readonly string[] } = { strategies: [] }): PatchFieldMeta {
  const meta: { -readonly [K in keyof PatchFieldMeta]: PatchFieldMeta[K] } = { strategies: [...patch.strategies], isList: type.kind === 'array' };
  if (patch.mergeKey) meta.mergeKey = patch.mergeKey;
  if (patch.listType) meta.listType = patch.listType;
  if (patch.listMapKeys) meta.listMapKeys = [...patch.listMapKeys];
  if (type.kind === 'array') {
    if (type.elem) meta.itemSchema = schemaOfType(lookup, type.elem);
  } else {
    meta.schema = schemaOfType(lookup, type);
  }
  return meta;
}

/** The PatchSchema of an object or map type; undefined for scalars. */
function schemaOfType(lookup: SchemaLookup, type: TypeInfo): PatchSchema | undefined {
  if (type.kind === 'object' && type.typeName) return patchSchemaFromLookup(lookup, type.typeName);
  if (type.kind === 'map' && type.elem) {
    const elem = type.elem;
    let valueMeta: PatchFieldMeta | undefined;
    return { field: () => (valueMeta ??= metaOfType(lookup, elem)) };
  }
  return undefined;
}
