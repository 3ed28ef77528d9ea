// Sets of field paths (what a manager owns) in upstream's fieldsV1 encoding, and the typed walks that build them from objects.

import type { ApplySchema } from './apply.js';
import { isObject as isPlainObject, jsonEqual } from './json-value.js';

export { isPlainObject, jsonEqual };

/**
 * One step of a field path, as upstream's structured-merge-diff names them:
 * a map field (`f:`), an item of a list-type=map list by its key fields (`k:`),
 * an item of a list-type=set list by its value (`v:`), or a list index (`i:`, never
 * produced for built-in schemas: their lists are atomic, set or map).
 */
export type PathElement =
  | { field: string }
  | { key: Record<string, unknown> }
  | { value: unknown }
  | { index: number };

export type FieldPath = readonly PathElement[];

interface Entry {
  pe: PathElement;
  /** the path ending here is itself in the set (fieldsV1 writes `{}` or `".":{}`) */
  member: boolean;
  children: FieldSet;
}

/**
 * A set of field paths, as a trie. Paths are compared by value: two key elements with the
 * same fields in any order are the same element. Operations return new sets and never
 * mutate their operands (results share unchanged subtrees with them, copy-on-write);
 * `insert` mutates the receiver, and throws on a set obtained from `under()`.
 */
export class FieldSet {
  private readonly entries = new Map<string, Entry>();
  /** referenced from more than one set: never mutated again (insert copies it first) */
  private frozen = false;

  static of(...paths: FieldPath[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  /** Parses a fieldsV1 object (`{"f:spec":{"f:replicas":{}}}`); throws Error when malformed. */
  static fromFieldsV1(fields: unknown): FieldSet {
    if (fields === undefined || fields === null) return new FieldSet();
    if (!isPlainObject(fields)) throw new Error('fieldsV1 must be a JSON object');
    if ('.' in fields) throw new Error('"." is only valid inside a field');
    return FieldSet.parseLevel(fields);
  }

  private static parseLevel(fields: Record<string, unknown>): FieldSet {
    const s = new FieldSet();
    for (const k in fields) {
      if (k === '.') continue;
      const v = fields[k];
      if (!isPlainObject(v)) throw new Error(`fieldsV1 value for ${JSON.stringify(k)} must be an object`);
      const self = v['.'];
      if (self !== undefined && !(isPlainObject(self) && isEmptyObject(self))) throw new Error('"." must map to {}');
      const children = FieldSet.parseLevel(v);
      const member = self !== undefined || children.isEmpty();
      const e: Entry = { pe: parsePathElement(k), member, children };
      s.entries.set(k[0] === 'f' ? k : peKey(e.pe), e);
    }
    return s;
  }

  /**
   * The fieldsV1 object, byte-for-byte what upstream writes once JSON-encoded: elements in
   * upstream's order (fields, then keys, then values, then indexes), `"."` first when a path
   * is both a member and a prefix of others.
   */
  toFieldsV1(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, e] of this.sorted()) {
      const inner = e.children.toFieldsV1();
      out[k] = e.member && Object.keys(inner).length > 0 ? { '.': {}, ...inner } : inner;
    }
    return out;
  }

  insert(path: FieldPath): this {
    return this.insertKeyed(path, path.map(peKey));
  }

  /** insert() with the elements' keys (peKey) already computed; for the typed walks. */
  insertKeyed(path: FieldPath, keys: readonly string[]): this {
    if (this.frozen) throw new Error('FieldSet is shared with another set: clone() it before inserting');
    if (path.length === 0) return this;
    let s: FieldSet = this;
    for (let i = 0; i < path.length; i++) {
      const k = keys[i];
      let e = s.entries.get(k);
      if (!e) {
        e = { pe: path[i], member: false, children: new FieldSet() };
        s.entries.set(k, e);
      }
      if (i === path.length - 1) e.member = true;
      if (e.children.frozen) e.children = e.children.clone();
      s = e.children;
    }
    return this;
  }

  has(path: FieldPath): boolean {
    const e = this.entryAt(path);
    return e !== undefined && e.member;
  }

  /** true when the set holds `path` or any path under it */
  touches(path: FieldPath): boolean {
    if (path.length === 0) return !this.isEmpty();
    return this.entryAt(path) !== undefined;
  }

  /** the paths under `path`, relative to it (empty set when none); read-only */
  under(path: FieldPath): FieldSet {
    if (path.length === 0) return this;
    return this.entryAt(path)?.children.share() ?? new FieldSet();
  }

  /** An independent copy (cheap: subtrees are shared until written). */
  clone(): FieldSet {
    const out = new FieldSet();
    for (const [k, e] of this.entries) out.entries.set(k, FieldSet.copyEntry(e));
    return out;
  }

  /** A new entry for another set, sharing the subtree. */
  private static copyEntry(e: Entry): Entry {
    return { pe: e.pe, member: e.member, children: e.children.share() };
  }

  /** Marks this set as referenced from several places; see insertKeyed. */
  private share(): FieldSet {
    this.frozen = true;
    return this;
  }

  isEmpty(): boolean {
    return this.entries.size === 0;
  }

  get size(): number {
    let n = 0;
    for (const e of this.entries.values()) n += (e.member ? 1 : 0) + e.children.size;
    return n;
  }

  /** Every member path, in upstream's iteration order: at each level the members, then the children. */
  paths(): FieldPath[] {
    const out: FieldPath[] = [];
    this.collect([], out);
    return out;
  }

  equals(o: FieldSet): boolean {
    if (this.entries.size !== o.entries.size) return false;
    for (const [k, e] of this.entries) {
      const f = o.entries.get(k);
      if (!f || f.member !== e.member || !e.children.equals(f.children)) return false;
    }
    return true;
  }

  union(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, e] of this.entries) {
      const f = o.entries.get(k);
      out.entries.set(k, f ? { pe: e.pe, member: e.member || f.member, children: e.children.union(f.children) } : FieldSet.copyEntry(e));
    }
    for (const [k, f] of o.entries) if (!this.entries.has(k)) out.entries.set(k, FieldSet.copyEntry(f));
    return out;
  }

  intersection(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, e] of this.entries) {
      const f = o.entries.get(k);
      if (f) out.put(e.pe, e.member && f.member, e.children.intersection(f.children));
    }
    return out;
  }

  /** paths in this set that are not in `o` (exact paths: a member of `o` does not remove what is under it) */
  difference(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, e] of this.entries) {
      const f = o.entries.get(k);
      if (f) out.put(e.pe, e.member && !f.member, e.children.difference(f.children));
      else out.entries.set(k, FieldSet.copyEntry(e));
    }
    return out;
  }

  /** paths in this set that are neither in `o` nor under a member of `o` */
  recursiveDifference(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, e] of this.entries) {
      const f = o.entries.get(k);
      if (!f) out.entries.set(k, FieldSet.copyEntry(e));
      else if (!f.member) out.put(e.pe, e.member, e.children.recursiveDifference(f.children));
    }
    return out;
  }

  /** The set's paths, one per line, printed like conflict paths (`.spec.replicas`); for tests and logs. */
  toString(): string {
    return this.paths().map(pathString).join('\n');
  }

  private put(pe: PathElement, member: boolean, children: FieldSet): void {
    if (!member && children.isEmpty()) return;
    this.entries.set(peKey(pe), { pe, member, children });
  }

  private entryAt(path: FieldPath): Entry | undefined {
    let s: FieldSet = this;
    let e: Entry | undefined;
    for (const pe of path) {
      e = s.entries.get(peKey(pe));
      if (!e) return undefined;
      s = e.children;
    }
    return e;
  }

  private sorted(): [string, Entry][] {
    // Field names (the usual case) order by their key string; anything else by upstream's order.
    return [...this.entries].sort((a, b) =>
      a[0].charCodeAt(0) === 102 && b[0].charCodeAt(0) === 102 ? compareStrings(a[0], b[0]) : comparePathElements(a[1].pe, b[1].pe),
    );
  }

  private collect(prefix: PathElement[], out: FieldPath[]): void {
    const sorted = this.sorted();
    for (const [, e] of sorted) if (e.member) out.push([...prefix, e.pe]);
    for (const [, e] of sorted) e.children.collect([...prefix, e.pe], out);
  }
}


// ---------------------------------------------------------------------------------------
// Path elements: encoding, parsing, ordering, printing.

/** The fieldsV1 key of one element: `f:name`, `k:{"name":"nginx"}` (key fields sorted), `v:"x"`, `i:0`. */
export function peKey(pe: PathElement): string {
  if ('field' in pe) return `f:${pe.field}`;
  if ('key' in pe) {
    const names = Object.keys(pe.key).sort(compareStrings);
    return `k:{${names.map((n) => `${JSON.stringify(n)}:${goJson(pe.key[n])}`).join(',')}}`;
  }
  if ('value' in pe) return `v:${goJson(pe.value)}`;
  return `i:${pe.index}`;
}

export function parsePathElement(s: string): PathElement {
  if (s.length < 2 || s[1] !== ':') throw new Error(`invalid path element ${JSON.stringify(s)}`);
  const body = s.slice(2);
  switch (s[0]) {
    case 'f':
      return { field: body };
    case 'k': {
      const key = parseJson(body, s);
      if (!isPlainObject(key)) throw new Error(`invalid key path element ${JSON.stringify(s)}`);
      return { key };
    }
    case 'v':
      return { value: parseJson(body, s) };
    case 'i': {
      if (!/^-?\d+$/.test(body)) throw new Error(`invalid index path element ${JSON.stringify(s)}`);
      return { index: Number(body) };
    }
    default:
      throw new Error(`unknown path element type in ${JSON.stringify(s)}`);
  }
}

function parseJson(text: string, whole: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`invalid JSON in path element ${JSON.stringify(whole)}`);
  }
}

/** A path as upstream prints it in conflicts: `.spec.template.spec.containers[name="nginx"].image`, `[=value]`, `[0]`. */
export function pathString(path: FieldPath): string {
  return path
    .map((pe) => {
      if ('field' in pe) return `.${pe.field}`;
      if ('key' in pe) {
        const names = Object.keys(pe.key).sort(compareStrings);
        return `[${names.map((n) => `${n}=${valueString(pe.key[n])}`).join(',')}]`;
      }
      if ('value' in pe) return `[=${valueString(pe.value)}]`;
      return `[${pe.index}]`;
    })
    .join('');
}

function valueString(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(valueString).join(',')}]`;
  if (isPlainObject(v)) return `{${Object.keys(v).sort(compareStrings).map((k) => `${k}=${valueString(v[k])}`).join(',')}}`;
  return String(v);
}

const RANK = (pe: PathElement): number => ('field' in pe ? 0 : 'key' in pe ? 1 : 'value' in pe ? 2 : 3);

/** Upstream's total order on path elements: fields < keys < values < indexes, each by content. */
export function comparePathElements(a: PathElement, b: PathElement): number {
  const ra = RANK(a);
  const rb = RANK(b);
  if (ra !== rb) return ra - rb;
  if ('field' in a && 'field' in b) return compareStrings(a.field, b.field);
  if ('key' in a && 'key' in b) {
    const an = Object.keys(a.key).sort(compareStrings);
    const bn = Object.keys(b.key).sort(compareStrings);
    for (let i = 0; i < Math.min(an.length, bn.length); i++) {
      const c = compareStrings(an[i], bn[i]) || compareValues(a.key[an[i]], b.key[bn[i]]);
      if (c !== 0) return c;
    }
    return an.length - bn.length;
  }
  if ('value' in a && 'value' in b) return compareValues(a.value, b.value);
  return (a as { index: number }).index - (b as { index: number }).index;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Upstream's total order on values: numbers < strings < booleans < lists < maps < null. */
function compareValues(a: unknown, b: unknown): number {
  const rank = (v: unknown): number =>
    typeof v === 'number' ? 0 : typeof v === 'string' ? 1 : typeof v === 'boolean' ? 2 : Array.isArray(v) ? 3 : isPlainObject(v) ? 4 : 5;
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compareValues(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ak = Object.keys(a).sort(compareStrings);
    const bk = Object.keys(b).sort(compareStrings);
    for (let i = 0; i < Math.min(ak.length, bk.length); i++) {
      const c = compareStrings(ak[i], bk[i]) || compareValues(a[ak[i]], b[bk[i]]);
      if (c !== 0) return c;
    }
    return ak.length - bk.length;
  }
  return 0;
}

/**
 * Compact JSON as Go's encoding/json writes it: map keys sorted, `<`, `>`, `&`, U+2028 and
 * U+2029 escaped. Used for `k:`/`v:` elements and the last-applied annotation.
 */
export function goJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') {
    return JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  }
  if (typeof v === 'number' || typeof v === 'boolean') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  if (isPlainObject(v)) {
    return `{${Object.keys(v)
      .filter((k) => v[k] !== undefined)
      .sort(compareStrings)
      .map((k) => `${goJson(k)}:${goJson(v[k])}`)
      .join(',')}}`;
  }
  return 'null';
}

// ---------------------------------------------------------------------------------------
// Typed walks over JSON objects.



/** A value that a typed walk cannot place (e.g. a list-type=map item without its key); message says where. */
export class FieldPathError extends Error {
  constructor(path: FieldPath, why: string) {
    super(`${pathString(path) || '.'}: ${why}`);
    this.name = 'FieldPathError';
  }
}

/** How a value is walked, given its schema and its actual JSON shape. */
export type Shape =
  /** a scalar, an atomic list or map, or a value whose JSON type does not match its schema: one field */
  | { kind: 'leaf' }
  /** a granular map (struct or map of values): each key is a child `f:` element */
  | { kind: 'map'; child(name: string): { schema: ApplySchema | undefined; declared: boolean } }
  /** a list-type=set or list-type=map list: each item is a child `v:` or `k:` element */
  | { kind: 'list'; items: ApplySchema | undefined; pe(item: unknown, list: FieldPath, index: number): PathElement };

const LEAF: Shape = { kind: 'leaf' };

const UNTYPED_MAP: Shape = { kind: 'map', child: () => ({ schema: undefined, declared: false }) };

/**
 * The shape of `value` under `schema`. No schema (or `untyped`) deduces it from the value the
 * way upstream treats schemaless objects: objects are granular maps, lists are atomic.
 */
export function shapeOf(schema: ApplySchema | undefined, value: unknown): Shape {
  if (value === null || value === undefined) return LEAF;
  if (!schema || schema.kind === 'untyped') return isPlainObject(value) ? UNTYPED_MAP : LEAF;
  if (schema.kind === 'map') {
    if (!isPlainObject(value) || schema.mapType === 'atomic') return LEAF;
    return {
      kind: 'map',
      child: (name) => {
        const declared = schema.field?.(name);
        if (declared) return { schema: declared, declared: true };
        return { schema: schema.elements, declared: false };
      },
    };
  }
  if (schema.kind === 'list') {
    if (!Array.isArray(value)) return LEAF;
    const items = schema.elements;
    if (schema.listType === 'set') return { kind: 'list', items, pe: (item) => ({ value: item }) };
    if (schema.listType === 'map' && schema.mapKeys && schema.mapKeys.length > 0) {
      const keys = schema.mapKeys;
      return {
        kind: 'list',
        items,
        pe: (item, list, index) => {
          const at = () => [...list, { index }];
          if (!isPlainObject(item)) throw new FieldPathError(at(), 'associative list with keys has an element that is not a map');
          const key: Record<string, unknown> = {};
          for (const k of keys) {
            let v = item[k];
            if (v === undefined) v = items?.field?.(k)?.default;
            if (v === undefined) {
              throw new FieldPathError(at(), `associative list with keys has an element that omits key field ${JSON.stringify(k)} (and doesn't have default value)`);
            }
            key[k] = v;
          }
          return { key };
        },
      };
    }
    return LEAF;
  }
  return LEAF;
}

/** One list item with its path element; `dup` marks items whose element occurs more than once in the list. */
export interface IndexedItem {
  pe: PathElement;
  key: string;
  value: unknown;
  dup: boolean;
}

export function indexItems(shape: Extract<Shape, { kind: 'list' }>, list: unknown[], at: FieldPath): IndexedItem[] {
  const items = list.map((value, i) => {
    const pe = shape.pe(value, at, i);
    return { pe, key: peKey(pe), value, dup: false };
  });
  const seen = new Map<string, IndexedItem>();
  for (const it of items) {
    const first = seen.get(it.key);
    if (first) {
      first.dup = true;
      it.dup = true;
    } else seen.set(it.key, it);
  }
  return items;
}

/**
 * The fields `value` sets, as upstream's ToFieldSet: every leaf, every list item (`k:`/`v:`),
 * and map fields that are null, empty maps, or not declared by the schema (e.g. each label).
 * Throws FieldPathError for list items it cannot key.
 */
export function fieldSetOf(value: unknown, schema: ApplySchema | undefined): FieldSet {
  const out = new FieldSet();
  walkFields(value, schema, new Cursor(), out);
  return out;
}

/** The path being walked, with each element's key computed once. */
class Cursor {
  readonly pes: PathElement[] = [];
  readonly keys: string[] = [];
  push(pe: PathElement, key: string = peKey(pe)): void {
    this.pes.push(pe);
    this.keys.push(key);
  }
  pop(): void {
    this.pes.pop();
    this.keys.pop();
  }
  get depth(): number {
    return this.pes.length;
  }
  insertInto(set: FieldSet): void {
    set.insertKeyed(this.pes, this.keys);
  }
}

function walkFields(value: unknown, schema: ApplySchema | undefined, cur: Cursor, out: FieldSet): void {
  const shape = shapeOf(schema, value);
  if (shape.kind === 'leaf') {
    cur.insertInto(out);
    return;
  }
  if (shape.kind === 'map') {
    for (const k in value as Record<string, unknown>) {
      const v = (value as Record<string, unknown>)[k];
      if (v === undefined) continue;
      const c = shape.child(k);
      cur.push({ field: k }, `f:${k}`);
      walkFields(v, c.schema, cur, out);
      if (v === null || !c.declared || (isPlainObject(v) && isEmptyObject(v))) cur.insertInto(out);
      cur.pop();
    }
    return;
  }
  for (const it of indexItems(shape, value as unknown[], cur.pes)) {
    cur.push(it.pe, it.key);
    walkFields(it.value, shape.items, cur, out);
    cur.insertInto(out);
    cur.pop();
  }
}

function isEmptyObject(o: object): boolean {
  for (const _ in o) return false;
  return true;
}

/** What changed between two objects, field by field (upstream's typed Compare). */
export interface Comparison {
  /** fields, list items and maps present only in the new object */
  added: FieldSet;
  /** leaves present in both with different values */
  modified: FieldSet;
  /** fields, list items and maps present only in the old object */
  removed: FieldSet;
}

/**
 * Declared struct fields that Go always writes (as `{}` or null) once their parent exists:
 * upstream compares Go-typed objects, so these never count as added or removed themselves,
 * only their contents do (kubectl create records `f:spec` without `.`, `f:labels` with it).
 */
const ALWAYS_PRESENT = new Set(['metadata', 'spec', 'status', 'template', 'jobTemplate', 'strategy', 'updateStrategy', 'resources', 'containers']);

/** Compares two objects under one schema; throws FieldPathError like fieldSetOf. */
export function compareObjects(oldValue: unknown, newValue: unknown, schema: ApplySchema | undefined): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  walkCompare(oldValue, newValue, schema, new Cursor(), c, oldValue !== undefined, newValue !== undefined);
  return c;
}

type Container = Exclude<Shape, { kind: 'leaf' }>;

/** lv/rv: whether the old/new side exists at this path, counting Go's always-present structs. */
function walkCompare(l: unknown, r: unknown, schema: ApplySchema | undefined, cur: Cursor, c: Comparison, lv: boolean, rv: boolean): void {
  if (l === undefined && r === undefined) return;
  if (l === r) return; // same value or the same shared subtree: nothing changed
  const ls = l === undefined ? undefined : shapeOf(schema, l);
  const rs = r === undefined ? undefined : shapeOf(schema, r);
  const lc = ls && ls.kind !== 'leaf' ? ls : undefined;
  const rc = rs && rs.kind !== 'leaf' ? rs : undefined;
  const shape: Container | undefined = lc ?? rc;
  // Walk into containers; an absent or null side counts as an empty container of the same kind.
  const fits = (v: unknown, vc: Container | undefined) => v === undefined || v === null || vc?.kind === shape?.kind;
  if (shape && fits(l, lc) && fits(r, rc)) {
    if (shape.kind === 'map') {
      const lmap = (lc ? l : {}) as Record<string, unknown>;
      const rmap = (rc ? r : {}) as Record<string, unknown>;
      const visit = (k: string) => {
        const child = shape.child(k);
        const always = child.declared && ALWAYS_PRESENT.has(k);
        const lk = lmap[k];
        const rk = rmap[k];
        cur.push({ field: k }, `f:${k}`);
        walkCompare(lk, rk, child.schema, cur, c, lk !== undefined || (lv && always), rk !== undefined || (rv && always));
        cur.pop();
      };
      for (const k in lmap) visit(k);
      for (const k in rmap) if (!(k in lmap)) visit(k);
    } else {
      const lg = groupItems(lc ? indexItems(shape, l as unknown[], cur.pes) : []);
      const rg = groupItems(rc ? indexItems(shape, r as unknown[], cur.pes) : []);
      for (const [k, lItems] of lg) {
        const rItems = rg.get(k);
        cur.push(lItems[0].pe, k);
        if (!rItems) walkCompare(lItems[0].value, undefined, shape.items, cur, c, true, false);
        else if (lItems.length === 1 && rItems.length === 1) walkCompare(lItems[0].value, rItems[0].value, shape.items, cur, c, true, true);
        else if (!jsonEqual(lItems.map((i) => i.value), rItems.map((i) => i.value))) cur.insertInto(c.modified);
        cur.pop();
      }
      for (const [k, rItems] of rg) {
        if (lg.has(k)) continue;
        cur.push(rItems[0].pe, k);
        walkCompare(undefined, rItems[0].value, shape.items, cur, c, false, true);
        cur.pop();
      }
    }
    if (cur.depth === 0) return;
    if (l === undefined) {
      if (!lv) cur.insertInto(c.added);
    } else if (r === undefined) {
      if (!rv) cur.insertInto(c.removed);
    } else if ((l === null) !== (r === null)) cur.insertInto(c.modified);
    return;
  }
  if (cur.depth === 0) return;
  if (l === undefined) cur.insertInto(c.added);
  else if (r === undefined) cur.insertInto(c.removed);
  else if (!jsonEqual(l, r)) cur.insertInto(c.modified);
}

function groupItems(items: IndexedItem[]): Map<string, IndexedItem[]> {
  const m = new Map<string, IndexedItem[]>();
  for (const it of items) {
    const g = m.get(it.key);
    if (g) g.push(it);
    else m.set(it.key, [it]);
  }
  return m;
}
