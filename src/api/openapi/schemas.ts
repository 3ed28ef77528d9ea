// OpenAPI definitions of the built-in kinds (generated at build from kubernetes-types) and the SchemaLookup that patch/apply code reads.
//
// Data: scripts/gen-openapi.mjs writes src/api/openapi/generated/definitions.json at build time;
// it is read once, lazily, on the first call of any function here (≈ 0.5 MB, a few ms). Schemas
// are swagger-2.0 style, keyed by upstream definition names ("io.k8s.api.apps.v1.Deployment"),
// refs written "#/definitions/<name>". Everything returned is shared: never mutate it.
//
// SchemaLookup (`schemaLookup`), the stable interface for strategic-merge-patch and server-side
// apply — type names are definition names, fields are JSON field names:
//   rootTypeName(group, version, kind)  definition name of a kind, or undefined
//   hasType(typeName) / fields(typeName) / required(typeName)
//   fieldSchema(typeName, field)        FieldInfo: {name, required, description, type: TypeInfo,
//                                       patch: PatchMeta, schema (raw)}; undefined = unknown field
//   fieldType(typeName, field)          TypeInfo of the field
//   itemType(typeName, field)           TypeInfo of the elements of a list field / values of a map field
//   patchMeta(typeName, field)          PatchMeta; {strategies: []} for unknown or plain fields
//   structMapType(typeName)             'atomic' | 'granular' (x-kubernetes-map-type of a definition)
// TypeInfo.kind is one of: 'object' (a struct; typeName set), 'map' (string keys; elem = values),
// 'array' (elem = items), 'string', 'integer', 'number', 'boolean', 'int-or-string', 'quantity',
// 'date-time', 'bytes', 'any' (free form: RawExtension, FieldsV1). Rules the authors rely on:
//   - strategic merge: a list is merged by PatchMeta.mergeKey when strategies includes 'merge'
//     (a list of scalars with 'merge' and no key is a set union); 'retainKeys' on a struct field
//     clears the fields the patch does not name; any other list is replaced.
//   - server-side apply: listType 'map' (keys listMapKeys), 'set', or 'atomic'; a list with no
//     listType is atomic. A struct is granular unless structMapType() or the field's
//     PatchMeta.mapType says 'atomic'; a map field is granular unless PatchMeta.mapType is 'atomic'.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A JSON schema as published (swagger 2.0 flavour). */
export interface Schema {
  type?: string;
  format?: string;
  description?: string;
  $ref?: string;
  default?: unknown;
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  [extension: `x-${string}`]: unknown;
}

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface NamedSchema {
  name: string;
  schema: Schema;
}

export type ValueKind =
  | 'object'
  | 'map'
  | 'array'
  | 'string'
  | 'integer'
  | 'number'
  | 'boolean'
  | 'int-or-string'
  | 'quantity'
  | 'date-time'
  | 'bytes'
  | 'any';

export interface TypeInfo {
  kind: ValueKind;
  /** The definition name, for 'object' and for the named scalar types (Quantity, Time, IntOrString). */
  typeName?: string;
  /** OpenAPI format: int32, int64, double, date-time, byte, int-or-string, quantity. */
  format?: string;
  /** Items of an 'array', values of a 'map'. */
  elem?: TypeInfo;
}

export interface PatchMeta {
  /** x-kubernetes-patch-strategy split on ",": e.g. ['merge'], ['merge', 'retainKeys'], ['retainKeys'], ['replace']; [] when none. */
  strategies: string[];
  mergeKey?: string;
  listType?: 'atomic' | 'set' | 'map';
  listMapKeys?: string[];
  mapType?: 'atomic' | 'granular';
}

export interface FieldInfo {
  name: string;
  required: boolean;
  description?: string;
  type: TypeInfo;
  patch: PatchMeta;
  /** The raw property schema. */
  schema: Schema;
}

export interface SchemaLookup {
  rootTypeName(group: string, version: string, kind: string): string | undefined;
  hasType(typeName: string): boolean;
  fields(typeName: string): readonly string[];
  required(typeName: string): readonly string[];
  fieldSchema(typeName: string, field: string): FieldInfo | undefined;
  fieldType(typeName: string, field: string): TypeInfo | undefined;
  itemType(typeName: string, field: string): TypeInfo | undefined;
  patchMeta(typeName: string, field: string): PatchMeta;
  structMapType(typeName: string): 'atomic' | 'granular';
}

interface GeneratedFile {
  kubernetesTypesVersion: string;
  modules: string[];
  definitions: Record<string, Schema>;
}

export const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
export const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
export const TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.Time';
export const MICRO_TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime';

/** Where the generated file may be: beside this module (running from src/) or in the repo's src/ when running from dist/src/api/openapi/. */
function candidatePaths(): string[] {
  const here = import.meta.url;
  const out = [new URL('./generated/definitions.json', here), new URL('../../../../src/api/openapi/generated/definitions.json', here)].map((u) => fileURLToPath(u));
  const override = process.env.K8TS_OPENAPI_DEFINITIONS;
  return override ? [override, ...out] : out;
}

let loaded: GeneratedFile | undefined;
let byGVK: Map<string, string> | undefined;

function data(): GeneratedFile {
  if (loaded) return loaded;
  const tried: string[] = [];
  for (const p of candidatePaths()) {
    let text: string;
    try {
      text = readFileSync(p, 'utf8');
    } catch {
      tried.push(p);
      continue;
    }
    loaded = JSON.parse(text) as GeneratedFile;
    return loaded;
  }
  throw new Error(`OpenAPI definitions not found (run \`npm run build\`, which runs scripts/gen-openapi.mjs); looked in: ${tried.join(', ')}`);
}

/** All definitions by name. */
export function definitions(): Readonly<Record<string, Schema>> {
  return data().definitions;
}

/** The version of kubernetes-types the definitions were generated from, e.g. "1.30.0". */
export function definitionsVersion(): string {
  return data().kubernetesTypesVersion;
}

const gvkKey = (group: string, version: string, kind: string) => `${group}/${version}/${kind}`;

/** The x-kubernetes-group-version-kind entries of a definition. */
export function gvksOf(schema: Schema): GroupVersionKind[] {
  const v = schema['x-kubernetes-group-version-kind'];
  return Array.isArray(v) ? (v as GroupVersionKind[]) : [];
}

function gvkIndex(): Map<string, string> {
  if (byGVK) return byGVK;
  const m = new Map<string, string>();
  for (const [name, schema] of Object.entries(definitions())) {
    for (const g of gvksOf(schema)) if (!m.has(gvkKey(g.group, g.version, g.kind))) m.set(gvkKey(g.group, g.version, g.kind), name);
  }
  byGVK = m;
  return m;
}

/** The definition that carries this group/version/kind, e.g. ('apps', 'v1', 'Deployment') → io.k8s.api.apps.v1.Deployment. */
export function definitionFor(group: string, version: string, kind: string): NamedSchema | undefined {
  const name = gvkIndex().get(gvkKey(group, version, kind));
  return name ? { name, schema: definitions()[name]! } : undefined;
}

/** The definition name in a ref: "#/definitions/X", "#/components/schemas/X" or a bare "X". */
export function refName(ref: string): string {
  const i = ref.lastIndexOf('/');
  return i < 0 ? ref : ref.slice(i + 1);
}

/** Resolve a ref ("#/definitions/X", "#/components/schemas/X" or "X") to its definition. */
export function resolve(ref: string): Schema | undefined {
  return definitions()[refName(ref)];
}

// ---- SchemaLookup

const NO_PATCH: PatchMeta = Object.freeze({ strategies: Object.freeze([]) as unknown as string[] });

function typeInfoOf(s: Schema): TypeInfo {
  if (s.$ref) {
    const name = refName(s.$ref);
    if (name === INT_OR_STRING) return { kind: 'int-or-string', typeName: name, format: 'int-or-string' };
    if (name === QUANTITY) return { kind: 'quantity', typeName: name, format: 'quantity' };
    if (name === TIME || name === MICRO_TIME) return { kind: 'date-time', typeName: name, format: 'date-time' };
    const target = definitions()[name];
    if (!target) return { kind: 'any', typeName: name };
    if (target.type === 'object' && !target.properties && !target.additionalProperties) return { kind: 'any', typeName: name };
    if (target.type !== 'object' || !target.properties) return { ...typeInfoOf(target), typeName: name };
    return { kind: 'object', typeName: name };
  }
  switch (s.type) {
    case 'array':
      return { kind: 'array', elem: s.items ? typeInfoOf(s.items) : { kind: 'any' } };
    case 'object':
      if (s.additionalProperties && typeof s.additionalProperties === 'object') return { kind: 'map', elem: typeInfoOf(s.additionalProperties) };
      return { kind: 'any' };
    case 'string':
      if (s.format === 'byte') return { kind: 'bytes', format: 'byte' };
      if (s.format === 'date-time') return { kind: 'date-time', format: 'date-time' };
      if (s.format === 'int-or-string') return { kind: 'int-or-string', format: 'int-or-string' };
      if (s.format === 'quantity') return { kind: 'quantity', format: 'quantity' };
      return { kind: 'string' };
    case 'integer':
      return { kind: 'integer', format: s.format };
    case 'number':
      return { kind: 'number', format: s.format };
    case 'boolean':
      return { kind: 'boolean' };
    default:
      return { kind: 'any' };
  }
}

function patchMetaOf(s: Schema): PatchMeta {
  const strategy = s['x-kubernetes-patch-strategy'];
  const mergeKey = s['x-kubernetes-patch-merge-key'];
  const listType = s['x-kubernetes-list-type'];
  const listMapKeys = s['x-kubernetes-list-map-keys'];
  const mapType = s['x-kubernetes-map-type'];
  if (strategy === undefined && mergeKey === undefined && listType === undefined && mapType === undefined) return NO_PATCH;
  const p: PatchMeta = { strategies: typeof strategy === 'string' ? strategy.split(',') : [] };
  if (typeof mergeKey === 'string') p.mergeKey = mergeKey;
  if (listType === 'atomic' || listType === 'set' || listType === 'map') p.listType = listType;
  if (Array.isArray(listMapKeys)) p.listMapKeys = listMapKeys as string[];
  if (mapType === 'atomic' || mapType === 'granular') p.mapType = mapType;
  return p;
}

interface TypeEntry {
  fields: readonly string[];
  required: readonly string[];
  byName: Map<string, FieldInfo>;
}

const entries = new Map<string, TypeEntry | null>();

function entry(typeName: string): TypeEntry | undefined {
  let e = entries.get(typeName);
  if (e === undefined) {
    const def = definitions()[typeName];
    if (!def) e = null;
    else {
      const req = new Set(def.required ?? []);
      const byName = new Map<string, FieldInfo>();
      for (const [name, schema] of Object.entries(def.properties ?? {})) {
        const fi: FieldInfo = { name, required: req.has(name), type: typeInfoOf(schema), patch: patchMetaOf(schema), schema };
        if (schema.description) fi.description = schema.description;
        byName.set(name, fi);
      }
      e = { fields: Object.freeze([...byName.keys()]), required: Object.freeze([...req]), byName };
    }
    entries.set(typeName, e);
  }
  return e ?? undefined;
}

export const schemaLookup: SchemaLookup = {
  rootTypeName: (group, version, kind) => gvkIndex().get(gvkKey(group, version, kind)),
  hasType: (typeName) => definitions()[typeName] !== undefined,
  fields: (typeName) => entry(typeName)?.fields ?? [],
  required: (typeName) => entry(typeName)?.required ?? [],
  fieldSchema: (typeName, field) => entry(typeName)?.byName.get(field),
  fieldType: (typeName, field) => entry(typeName)?.byName.get(field)?.type,
  itemType: (typeName, field) => entry(typeName)?.byName.get(field)?.type.elem,
  patchMeta: (typeName, field) => entry(typeName)?.byName.get(field)?.patch ?? NO_PATCH,
  structMapType: (typeName) => (definitions()[typeName]?.['x-kubernetes-map-type'] === 'atomic' ? 'atomic' : 'granular'),
};
