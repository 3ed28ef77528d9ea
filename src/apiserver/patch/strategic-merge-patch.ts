// Strategic merge patch (application/strategic-merge-patch+json), applied and refused as the Kubernetes API server does.

import { ApiError, errors } from '../../api/status.js';
import { PATCH_NOT_APPLICABLE_MESSAGE } from './json-patch.js';
import type { PatchFieldMeta, PatchSchema } from './patch-schema.js';
import { cloneJson, isObject, setKey, type JsonObject } from './json-value.js';


const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_PREFIX = '$deleteFromPrimitiveList';
const ORDER_PREFIX = '$setElementOrder';

/** The patch types upstream accepts for custom resources (the 415 for strategic merge patch lists them). */
const NON_STRATEGIC_PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'];

export interface StrategicMergePatchOptions {
  /**
   * Refuse (415 UnsupportedMediaType, upstream's wording) when `schema` is undefined, as upstream refuses strategic
   * merge patch for custom resources. Without it an undefined schema patches like JSON merge patch (maps merged,
   * lists replaced) while still honouring the directives.
   */
  requireSchema?: boolean;
}

/**
 * Applies strategic merge patch `patch` (the parsed request body) to `original` and returns the new object; neither
 * input is mutated and the result shares no objects with them.
 *
 * Semantics (upstream's apimachinery strategicpatch, server side):
 * - maps merge recursively; null deletes a key; a value of another JSON type replaces;
 * - lists whose field has strategy `merge` merge: lists of objects by the field's merge key (a patch item merges into
 *   the first live item with the same key, else is added), primitive lists as sets (duplicates dropped); every other
 *   list is replaced whole;
 * - order of a merged list: patch items keep their order in the patch, live-only items theirs in the live list, and the
 *   two are interleaved using the live order — so a new item comes before the live items it has no live neighbour
 *   after (upstream's behaviour: `[A,B]` + patch `[C]` gives `[C,A,B]`); `$setElementOrder/<field>` imposes an order
 *   the same way, with its items in its order;
 * - directives: `$patch: replace` (map: take the patch map as is; list item: replace the whole list with the other
 *   items), `$patch: delete` (map: becomes {}; list item: removes every live item with that merge key),
 *   `$patch: merge` on a map (explicit default), `$retainKeys` (clears live keys not listed; every key the patch sets
 *   must be listed), `$deleteFromPrimitiveList/<field>` (removes those values), `$setElementOrder/<field>`;
 * - a value set where nothing was live has its directives applied and its null members dropped; the result carries no
 *   directive keys.
 *
 * Failures, with upstream's status codes: body not an object → 400 (Go decoder wording; null is an empty patch);
 * malformed `$retainKeys`, `$deleteFromPrimitiveList`, `$setElementOrder` keys or lists → 400; a list of lists → 422
 * Invalid with upstream's generic message (reason in `error.cause`); anything else upstream reports as a plain error
 * (missing merge key, unknown `$patch` value, `$setElementOrder` contradicting the patch list, mixed element types) →
 * 500 with an empty reason and upstream's message, as upstream's API server answers.
 */
export function strategicMergePatch(
  original: JsonObject,
  patch: unknown,
  schema: PatchSchema | undefined,
  options: StrategicMergePatchOptions = {},
): JsonObject {
  if (schema === undefined && options.requireSchema) throw errors.unsupportedMediaType(NON_STRATEGIC_PATCH_TYPES);
  if (patch === null) return cloneJson(original) as JsonObject;
  if (!isObject(patch)) throw errors.badRequest(`json: cannot unmarshal ${goKind(patch)} into Go value of type map[string]interface {}`);
  return mergeObject(cloneJson(original) as JsonObject, patch, schema) ?? {};
}

/**
 * Merges `patch` into `original`, which this module owns and mutates (undefined: nothing was live). Returns the merged
 * map, or undefined when nothing was live and the patch says `$patch: delete`.
 */
function mergeObject(original: JsonObject | undefined, patch: JsonObject, schema: PatchSchema | undefined): JsonObject | undefined {
  if (Object.hasOwn(patch, DIRECTIVE)) {
    const directive = patch[DIRECTIVE];
    if (directive === 'delete') return original === undefined ? undefined : {};
    if (directive === 'replace') return mergeObject(undefined, withoutKey(patch, DIRECTIVE), schema);
    if (directive !== 'merge') throw plainError(`unknown patch type: ${goFormat(directive)} in map: ${goFormat(patch)}`);
    patch = withoutKey(patch, DIRECTIVE);
  }
  const out = original ?? {};
  applyRetainKeys(out, patch);

  // $setElementOrder lists are merged together with the list they order; both keys are then done.
  const done = new Set<string>();
  for (const key of Object.keys(patch)) {
    if (key.startsWith(ORDER_PREFIX)) applyElementOrder(out, patch, key, schema, done);
  }

  for (const key of Object.keys(patch)) {
    if (done.has(key) || key === RETAIN_KEYS) continue;
    let field = key;
    const isDeleteList = key.startsWith(DELETE_PREFIX);
    if (isDeleteList) field = fieldOfDirective(key, DELETE_PREFIX, 'invalid patch format of primitive list');
    const value = patch[key];
    if (value === null) {
      delete out[field];
      continue;
    }
    const meta = schema?.field(field);
    const present = Object.hasOwn(out, field);
    const live = present ? out[field] : undefined;
    if (!present || kindOf(live) !== kindOf(value)) {
      if (isDeleteList) continue;
      const fresh = materialize(value, meta);
      if (fresh === undefined) delete out[field];
      else setKey(out, field, fresh);
    } else if (isObject(value)) {
      const merged = hasStrategy(meta, 'replace') ? materialize(value, meta) : mergeObject(live as JsonObject, value, meta?.schema);
      setKey(out, field, merged ?? {});
    } else if (Array.isArray(value)) {
      const merged = isDeleteList || hasStrategy(meta, 'merge') ? mergeList(live as unknown[], value, meta, isDeleteList, field) : materializeList(value, meta);
      setKey(out, field, merged);
    } else if (!isDeleteList) {
      setKey(out, field, value);
    }
  }
  return out;
}

/** `$retainKeys`: every non-null key the patch sets must be listed (else 400); live keys not listed are cleared. */
function applyRetainKeys(out: JsonObject, patch: JsonObject): void {
  if (!Object.hasOwn(patch, RETAIN_KEYS)) return;
  const list = patch[RETAIN_KEYS];
  if (!Array.isArray(list)) throw errors.badRequest('invalid patch format of retainKeys');
  const keep = new Set<unknown>(list);
  for (const key of Object.keys(patch)) {
    if (key === RETAIN_KEYS || patch[key] === null || key.startsWith(DELETE_PREFIX) || key.startsWith(ORDER_PREFIX)) continue;
    if (!keep.has(key)) throw errors.badRequest('invalid patch format of retainKeys');
  }
  for (const key of Object.keys(out)) if (!keep.has(key)) delete out[key];
}

/** `$setElementOrder/<field>`: merges the field's patch list (if any) into the live list, then orders the result. */
function applyElementOrder(out: JsonObject, patch: JsonObject, key: string, schema: PatchSchema | undefined, done: Set<string>): void {
  done.add(key);
  const field = fieldOfDirective(key, ORDER_PREFIX, 'invalid patch format of setElementOrder list');
  const order = patch[key];
  if (!Array.isArray(order)) throw badArgType(order);
  const liveList = Object.hasOwn(out, field) ? out[field] : undefined;
  const patchList = Object.hasOwn(patch, field) ? patch[field] : undefined;
  if (liveList !== undefined && !Array.isArray(liveList)) throw badArgType(liveList);
  if (patchList !== undefined && !Array.isArray(patchList)) throw badArgType(patchList);
  const meta = schema?.field(field);
  const mergeKey = meta?.mergeKey;
  validateElementOrder(patchList ?? [], order, mergeKey);
  const keyed = mergeKey !== undefined && [liveList, patchList, order].some((list) => list?.some(isObject));
  const keyOf = keyed ? (item: unknown) => mergeKeyOf(item, mergeKey) : (item: unknown) => item;
  const liveView = (liveList ?? []).slice();

  let merged: unknown[];
  if (liveList && patchList) merged = hasStrategy(meta, 'merge') ? mergeList(liveList, patchList, meta, false, field, liveView) : materializeList(patchList, meta);
  else if (liveList) merged = liveList;
  else if (patchList) merged = materializeList(patchList, meta);
  else return;
  done.add(field);
  const orderKeys = order.map(keyOf);
  const inOrder = merged.filter((item) => orderKeys.includes(keyOf(item)));
  const liveOnly = merged.filter((item) => !orderKeys.includes(keyOf(item)));
  setKey(out, field, interleave(liveOnly, inOrder, orderKeys, liveView.map(keyOf), keyOf));
}

/** The patch list's items (minus deletions and directives) must appear in `$setElementOrder` in the same relative order. */
function validateElementOrder(patchList: unknown[], order: unknown[], mergeKey: string | undefined): void {
  if (patchList.length === 0 || order.length === 0) return;
  const items = mergeKey !== undefined ? patchList.filter((p) => !(isObject(p) && p[DIRECTIVE] === 'delete')) : patchList;
  let p = 0;
  for (let o = 0; p < items.length && o < order.length; o++) {
    while (p < items.length && isObject(items[p]) && Object.hasOwn(items[p] as JsonObject, DIRECTIVE)) p++;
    if (p >= items.length) break;
    const same = mergeKey !== undefined ? mergeKeyOf(items[p], mergeKey) === mergeKeyOf(order[o], mergeKey) : items[p] === order[o];
    if (same) p++;
  }
  while (p < items.length && isObject(items[p]) && Object.hasOwn(items[p] as JsonObject, DIRECTIVE)) p++;
  if (p < items.length) {
    throw plainError(`the order in patch list:\n${goFormat(patchList)}\n doesn't match ${ORDER_PREFIX} list:\n${goFormat(order)}`);
  }
}

/**
 * Merges a patch list into a live list (owned) of a field with strategy merge, or deletes from it (isDeleteList).
 * `liveView`, when given (a copy of `live`), is updated the way upstream's Go code rewrites the live list's backing
 * array in place: deletions shift it left, and added items land in the slots deletions freed. `$setElementOrder`
 * orders against that view, so its results match upstream's exactly.
 */
function mergeList(live: unknown[], patch: unknown[], meta: PatchFieldMeta | undefined, isDeleteList: boolean, field: string, liveView?: unknown[]): unknown[] {
  if (live.length === 0 && patch.length === 0) return live;
  if (elementKind(live, patch) !== 'object') {
    if (isDeleteList) return live.filter((v) => !patch.includes(v));
    const patchItems = unique(patch);
    const liveOnly = unique(live).filter((v) => !patchItems.includes(v));
    return interleave(liveOnly, patchItems, patchItems, live, (v) => v);
  }

  const mergeKey = meta?.mergeKey;
  if (!mergeKey) throw plainError(`cannot merge lists without merge key for ${field}`);
  if (isDeleteList) throw errors.badRequest('invalid patch format of primitive list');
  const view = liveView ?? live.slice();
  let length = live.length;
  const matches = (o: unknown, value: unknown) => isObject(o) && Object.hasOwn(o, mergeKey) && o[mergeKey] === value;
  let patchItems: JsonObject[] = [];
  let replace = false;
  for (const item of patch as JsonObject[]) {
    if (!Object.hasOwn(item, DIRECTIVE)) {
      patchItems.push(item);
      continue;
    }
    const directive = item[DIRECTIVE];
    if (directive === 'delete') {
      if (!Object.hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
      const firstMatch = () => view.findIndex((o, at) => at < length && matches(o, item[mergeKey]));
      for (let i = firstMatch(); i >= 0; i = firstMatch()) {
        view.copyWithin(i, i + 1, length);
        length--;
      }
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      throw plainError('merging lists cannot yet be specified in the patch');
    } else {
      throw plainError(`unknown patch type: ${goFormat(directive)} in map: ${goFormat(item)}`);
    }
  }
  let base = view.slice(0, length) as JsonObject[];
  if (replace) {
    base = patchItems.map((item) => mergeObject(undefined, item, meta?.itemSchema) ?? {});
    patchItems = [];
  }

  const liveKeys = base.map((o) => mergeKeyOf(o, mergeKey));
  const merged = base.slice();
  for (const item of patchItems) {
    const key = mergeKeyOf(item, mergeKey);
    const i = merged.findIndex((o) => matches(o, key));
    if (i >= 0) {
      merged[i] = mergeObject(merged[i], item, meta?.itemSchema) ?? {};
    } else {
      merged.push(mergeObject(undefined, item, meta?.itemSchema) ?? {});
      if (length < view.length) view[length] = merged[merged.length - 1];
      length++;
    }
  }
  const patchKeys = patchItems.map((p) => p[mergeKey]);
  const keyOf = (item: unknown) => mergeKeyOf(item, mergeKey);
  const inPatch = merged.filter((o) => patchKeys.includes(keyOf(o)));
  const liveOnly = merged.filter((o) => !patchKeys.includes(keyOf(o)));
  return interleave(liveOnly, inPatch, patchKeys, liveKeys, keyOf);
}

/**
 * Upstream's ordering: `wanted` sorted by `wantedOrder`, `liveOnly` by `liveOrder` (keys, first occurrence counts), then
 * merged two-way: the next live-only item goes first only while it is earlier in the live list than the next wanted
 * item (an item not in the live list never yields to a live-only one).
 */
function interleave(liveOnly: unknown[], wanted: unknown[], wantedOrder: unknown[], liveOrder: unknown[], keyOf: (item: unknown) => unknown): unknown[] {
  const liveIndex = firstIndexes(liveOrder);
  const sortBy = (items: unknown[], index: Map<unknown, number>) =>
    items
      .map((item, i) => ({ item, i, at: index.get(keyOf(item)) ?? Number.MAX_SAFE_INTEGER }))
      .sort((a, b) => a.at - b.at || a.i - b.i)
      .map((x) => x.item);
  const left = sortBy(liveOnly, liveIndex);
  const right = sortBy(wanted, firstIndexes(wantedOrder));
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) {
    const li = liveIndex.get(keyOf(left[i]));
    const ri = liveIndex.get(keyOf(right[j]));
    if (li !== undefined && ri !== undefined && li < ri) out.push(left[i++]);
    else out.push(right[j++]);
  }
  return out.concat(left.slice(i), right.slice(j));
}

function firstIndexes(keys: unknown[]): Map<unknown, number> {
  const m = new Map<unknown, number>();
  keys.forEach((k, i) => {
    if (!m.has(k)) m.set(k, i);
  });
  return m;
}

/** A value set where nothing was live (or of another type): directives applied, null members of maps dropped. */
function materialize(value: unknown, meta: PatchFieldMeta | undefined): unknown {
  if (isObject(value)) return mergeObject(undefined, value, meta?.schema);
  if (Array.isArray(value)) return materializeList(value, meta);
  return value;
}

/** A list taken as is: items carrying `$patch` are dropped, object items materialized, null items kept (as upstream). */
function materializeList(list: unknown[], meta: PatchFieldMeta | undefined): unknown[] {
  const out: unknown[] = [];
  for (const item of list) {
    if (isObject(item)) {
      if (!Object.hasOwn(item, DIRECTIVE)) out.push(mergeObject(undefined, item, meta?.itemSchema));
    } else if (Array.isArray(item)) {
      out.push(materializeList(item, undefined));
    } else {
      out.push(item);
    }
  }
  return out;
}

/** The kind shared by every element of both lists: 'object' or a scalar kind; lists of lists → 422, mixed kinds → 500. */
function elementKind(live: unknown[], patch: unknown[]): string {
  let kind: string | undefined;
  for (const item of [...live, ...patch]) {
    const k = kindOf(item);
    if (kind === undefined) {
      if (k === 'array') throw notApplicable('lists of lists are not supported');
      kind = k;
    } else if (k !== kind) {
      throw plainError(`list element types are not identical: ${goFormat([live, patch])}`);
    }
  }
  return kind ?? 'object';
}

function mergeKeyOf(item: unknown, mergeKey: string): unknown {
  if (!isObject(item)) throw badArgType(item, 'map[string]interface {}');
  if (!Object.hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
  return item[mergeKey];
}

/** The field a `$prefix/<field>` directive key names; 400 with `message` when the key is malformed. */
function fieldOfDirective(key: string, prefix: string, message: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) throw errors.badRequest(message);
  return key.slice(slash + 1);
}

function hasStrategy(meta: PatchFieldMeta | undefined, strategy: string): boolean {
  return meta !== undefined && meta.strategies.includes(strategy);
}

function unique(values: unknown[]): unknown[] {
  return values.filter((v, i) => values.indexOf(v) === i);
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}


function withoutKey(obj: JsonObject, key: string): JsonObject {
  const out: JsonObject = {};
  for (const k of Object.keys(obj)) if (k !== key) setKey(out, k, obj[k]);
  return out;
}



/** What upstream's API server answers for an error that is not a Status: 500, no reason, the error's text. */
function plainError(message: string): ApiError {
  return new ApiError(500, '', message);
}

/** Upstream's answer for mergepatch.ErrNoListOfLists: 422 Invalid, generic message, empty details. */
function notApplicable(reason: string): ApiError {
  const err = new ApiError(422, 'Invalid', PATCH_NOT_APPLICABLE_MESSAGE, {});
  err.cause = new Error(reason);
  return err;
}

function noMergeKey(item: JsonObject, mergeKey: string): ApiError {
  return plainError(`map: ${goFormat(item)} does not contain declared merge key: ${mergeKey}`);
}

function badArgType(actual: unknown, expected = '[]interface {}'): ApiError {
  return plainError(`expected a ${expected}, but received a ${goType(actual)}`);
}

/** The JSON kind as Go's decoder names it in type errors. */
function goKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v === 'object' ? 'object' : typeof v;
}

/** The Go type a decoded JSON value has, as reflect prints it. */
function goType(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return '[]interface {}';
  if (typeof v === 'object') return 'map[string]interface {}';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  return typeof v === 'boolean' ? 'bool' : 'string';
}

/** A decoded JSON value as Go's %v prints it (maps with sorted keys), for messages worded like upstream's. */
function goFormat(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goFormat).join(' ')}]`;
  if (isObject(v)) return `map[${Object.keys(v).sort().map((k) => `${k}:${goFormat(v[k])}`).join(' ')}]`;
  return String(v);
}
