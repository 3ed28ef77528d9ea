// metadata.managedFields bookkeeping: who owns which fields after a create, update or patch (operation Update).

import type { ApplySchema } from './apply.js';
import { compareObjects, FieldPathError, FieldSet, isPlainObject, type Comparison, type FieldPath } from './field-set.js';

/** One metadata.managedFields item, keys in upstream's order. */
export interface ManagedFieldsEntry {
  manager?: string;
  operation?: 'Apply' | 'Update';
  apiVersion?: string;
  time?: string;
  fieldsType?: 'FieldsV1';
  fieldsV1?: Record<string, unknown>;
  subresource?: string;
}

/** A decoded entry: what one (manager, operation, apiVersion for updates, subresource) owns. */
export interface ManagerEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource?: string;
  time?: string;
  set: FieldSet;
}

/** Decoded managedFields by manager identifier (see managerId). */
export type Managers = Map<string, ManagerEntry>;

export interface UpdateOptions {
  /** the request's fieldManager, else defaultManager(User-Agent) */
  manager: string;
  operation?: 'Update';
  /** group/version of the request (`apps/v1`, `v1`); defaults to newObj.apiVersion */
  apiVersion?: string;
  /** set for writes through a subresource (`status`, `scale`); the request's managedFields are then ignored */
  subresource?: string;
  /** defaults to now; stored as RFC 3339 seconds */
  time?: Date | string;
  /** the kind's schema; without one, objects are granular maps and lists are atomic */
  schema?: ApplySchema;
  /**
   * Fields the endpoint resets and so never tracks (upstream's per-strategy reset fields).
   * Default: `status` for the main resource, `spec` for the status subresource, none otherwise.
   */
  resetFields?: FieldPath[];
}

/** Upstream caps Update entries at this many; older ones merge into "ancient-changes" per apiVersion. */
export const MAX_UPDATE_MANAGERS = 10;

/** Manager that owns what an object held before its first apply, when it had no managedFields. */
export const BEFORE_FIRST_APPLY = 'before-first-apply';

/** Fields upstream never records in any entry (exact paths: metadata's other fields stay tracked). */
export const UNTRACKED: FieldSet = FieldSet.of(
  [{ field: 'apiVersion' }],
  [{ field: 'kind' }],
  [{ field: 'metadata' }],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map(
    (f) => [{ field: 'metadata' }, { field: f }],
  ),
);

/**
 * The field manager name when the request has no fieldManager: the User-Agent up to the first
 * '/' (`kubectl/v1.32.0 (linux/amd64) …` → `kubectl`), non-printable characters dropped, cut
 * to 128 bytes.
 */
export function defaultManager(userAgent: string | undefined): string {
  const head = (userAgent ?? '').split('/')[0];
  let out = '';
  let bytes = 0;
  for (const ch of head) {
    if (/[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u.test(ch) || (/\s/u.test(ch) && ch !== ' ')) continue;
    const n = Buffer.byteLength(ch);
    if (bytes + n > 128) break;
    out += ch;
    bytes += n;
  }
  return out;
}

/**
 * Records an Update (create, update, patch) in newObj.metadata.managedFields, in place, and
 * returns newObj. oldObj is the stored object (undefined on create) and is never modified
 * (should newObj share oldObj's metadata object, newObj gets a copy). Call it on the object about to be stored: after defaulting
 * and admission, before validation, as upstream does.
 *
 * As upstream: fields the request added or changed move to this manager's Update entry and
 * out of every other entry; removed fields leave every entry; empty entries disappear; the
 * entry's time changes only when it gained fields. Managed fields the request sends are kept
 * as the starting point on the main resource (`[]` or `[{}]` resets them); an existing object
 * with no managedFields stays untracked until its first apply. Never throws for object
 * content: an object it cannot walk keeps the stored managedFields.
 */
export function updateManagedFields<T extends object>(oldObj: object | undefined, newObj: T, opts: UpdateOptions): T {
  const shared = metadataOf(newObj);
  if (!shared) return newObj;
  const liveMeta = oldObj ? metadataOf(oldObj) : undefined;
  const liveManaged = liveMeta?.managedFields;
  const requested = shared.managedFields;
  // Edit newObj.metadata in place, unless it is oldObj's own metadata object: then give newObj a copy.
  const meta: Record<string, unknown> = shared === liveMeta ? { ...shared } : shared;
  (newObj as Record<string, unknown>).metadata = meta;
  delete meta.managedFields;

  let managers: Managers;
  if (opts.subresource) managers = decodeOrEmpty(liveManaged);
  else if (isResetRequest(requested)) managers = new Map();
  else {
    managers = decodeOrEmpty(requested);
    if (managers.size === 0) managers = decodeOrEmpty(liveManaged);
  }
  const isCreate = !oldObj || !liveMeta?.uid;
  if (managers.size === 0 && !isCreate) return newObj;

  try {
    const live = oldObj ? withoutManagedFields(oldObj) : {};
    const apiVersion = opts.apiVersion ?? stringOr((newObj as Record<string, unknown>).apiVersion, '');
    recordUpdate(managers, live, newObj, {
      manager: opts.manager,
      apiVersion,
      subresource: opts.subresource,
      time: formatTime(opts.time),
      schema: opts.schema,
      reset: resetFieldSet(opts.subresource, opts.resetFields),
    });
    capUpdateManagers(managers, MAX_UPDATE_MANAGERS);
  } catch (e) {
    if (!(e instanceof FieldPathError)) throw e;
    if (liveManaged !== undefined) meta.managedFields = liveManaged;
    return newObj;
  }
  setManagedFields(newObj, managers);
  return newObj;
}

export interface RecordOptions {
  manager: string;
  apiVersion: string;
  subresource?: string;
  time: string;
  schema: ApplySchema | undefined;
  reset: FieldSet;
}

/** The Update bookkeeping on decoded managers (mutated); live and next carry no managedFields. */
export function recordUpdate(managers: Managers, live: unknown, next: unknown, o: RecordOptions): void {
  const cmp = excludeFields(compareObjects(live, next, o.schema), o.reset);
  const changed = cmp.modified.union(cmp.added);
  for (const [id, e] of managers) {
    e.set = e.set.difference(changed).difference(cmp.removed);
    if (e.set.isEmpty()) managers.delete(id);
  }
  const gained = changed.difference(UNTRACKED);
  if (gained.isEmpty()) return;
  const id = managerId({ manager: o.manager, operation: 'Update', apiVersion: o.apiVersion, subresource: o.subresource });
  const prev = managers.get(id);
  managers.set(id, {
    manager: o.manager,
    operation: 'Update',
    apiVersion: o.apiVersion,
    subresource: o.subresource || undefined,
    time: o.time,
    set: prev ? prev.set.union(gained) : gained,
  });
}

export function excludeFields(c: Comparison, reset: FieldSet): Comparison {
  if (reset.isEmpty()) return c;
  return { added: c.added.recursiveDifference(reset), modified: c.modified.recursiveDifference(reset), removed: c.removed.recursiveDifference(reset) };
}

/** Upstream's default reset fields by endpoint, unless the caller gives its own. */
export function resetFieldSet(subresource: string | undefined, explicit: FieldPath[] | undefined): FieldSet {
  if (explicit) return FieldSet.of(...explicit);
  if (!subresource) return FieldSet.of([{ field: 'status' }]);
  if (subresource === 'status') return FieldSet.of([{ field: 'spec' }]);
  return new FieldSet();
}

/**
 * The identifier upstream keys entries by: JSON of manager, operation, apiVersion (Update
 * only: an applier keeps one entry across versions) and subresource, empty ones left out.
 */
export function managerId(e: { manager: string; operation: 'Apply' | 'Update'; apiVersion?: string; subresource?: string }): string {
  const o: Record<string, string> = {};
  if (e.manager) o.manager = e.manager;
  o.operation = e.operation;
  if (e.operation === 'Update' && e.apiVersion) o.apiVersion = e.apiVersion;
  if (e.subresource) o.subresource = e.subresource;
  return JSON.stringify(o);
}

/** Decodes metadata.managedFields; throws Error on an invalid entry, as upstream's decoder does. */
export function decodeManagedFields(entries: unknown): Managers {
  const managers: Managers = new Map();
  if (entries === undefined || entries === null) return managers;
  if (!Array.isArray(entries)) throw new Error('managedFields must be a list');
  entries.forEach((raw, i) => {
    if (!isPlainObject(raw)) throw new Error(`managed fields entry ${i} must be an object`);
    const operation = raw.operation;
    if (operation !== 'Apply' && operation !== 'Update') throw new Error('operation must be `Apply` or `Update`');
    if (typeof raw.apiVersion !== 'string' || raw.apiVersion.length === 0) throw new Error('apiVersion must not be empty');
    if (raw.fieldsType === undefined || raw.fieldsType === '') throw new Error(`missing fieldsType in managed fields entry ${i}`);
    if (raw.fieldsType !== 'FieldsV1') throw new Error(`invalid fieldsType ${JSON.stringify(raw.fieldsType)} in managed fields entry ${i}`);
    const manager = stringOr(raw.manager, '');
    const subresource = stringOr(raw.subresource, '') || undefined;
    const set = FieldSet.fromFieldsV1(raw.fieldsV1);
    const time = typeof raw.time === 'string' && raw.time ? raw.time : undefined;
    managers.set(managerId({ manager, operation, apiVersion: raw.apiVersion, subresource }), {
      manager,
      operation,
      apiVersion: raw.apiVersion,
      subresource,
      time,
      set,
    });
  });
  return managers;
}

/** The managedFields list in upstream's order: Apply before Update, then oldest first, then manager, apiVersion, subresource. */
export function encodeManagedFields(managers: Managers): ManagedFieldsEntry[] {
  const seconds = (t?: string) => (t ? Math.floor(Date.parse(t) / 1000) || 0 : 0);
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...managers.values()]
    .filter((e) => !e.set.isEmpty())
    .sort(
      (p, q) =>
        cmp(p.operation, q.operation) ||
        seconds(p.time) - seconds(q.time) ||
        cmp(p.manager, q.manager) ||
        cmp(p.apiVersion, q.apiVersion) ||
        cmp(p.subresource ?? '', q.subresource ?? ''),
    )
    .map((e) => {
      const out: ManagedFieldsEntry = {};
      if (e.manager) out.manager = e.manager;
      out.operation = e.operation;
      out.apiVersion = e.apiVersion;
      if (e.time) out.time = e.time;
      out.fieldsType = 'FieldsV1';
      out.fieldsV1 = e.set.toFieldsV1();
      if (e.subresource) out.subresource = e.subresource;
      return out;
    });
}

/** Writes the managers into obj.metadata.managedFields (removing the field when there are none). */
export function setManagedFields(obj: object, managers: Managers): void {
  const meta = metadataOf(obj);
  if (!meta) return;
  const list = encodeManagedFields(managers);
  if (list.length === 0) delete meta.managedFields;
  else meta.managedFields = list;
}

/**
 * Keeps at most `max` Update entries: the oldest are merged, per apiVersion, into an
 * "ancient-changes" entry that takes the newest merged time (upstream's cap).
 */
export function capUpdateManagers(managers: Managers, max: number): void {
  const updaters = [...managers].filter(([, e]) => e.operation === 'Update');
  if (updaters.length <= max) return;
  const seconds = (t?: string) => (t ? Math.floor(Date.parse(t) / 1000) || 0 : 0);
  updaters.sort(([ia, a], [ib, b]) => seconds(a.time) - seconds(b.time) || (ia < ib ? -1 : ia > ib ? 1 : 0));
  const firstByVersion = new Map<string, string>();
  let count = updaters.length;
  for (const [id, e] of updaters) {
    if (count <= max) break;
    const bucket = managerId({ manager: 'ancient-changes', operation: 'Update', apiVersion: e.apiVersion });
    const first = firstByVersion.get(e.apiVersion);
    if (first === undefined) {
      firstByVersion.set(e.apiVersion, id);
      continue;
    }
    if (!managers.has(bucket)) {
      const f = managers.get(first)!;
      managers.delete(first);
      managers.set(bucket, { ...f, manager: 'ancient-changes', subresource: undefined });
    }
    const b = managers.get(bucket)!;
    b.set = b.set.union(e.set);
    b.time = e.time;
    managers.delete(id);
    count--;
  }
}

/** RFC 3339 in UTC with whole seconds, as metav1.Time marshals. */
export function formatTime(t: Date | string | undefined): string {
  const d = t === undefined ? new Date() : typeof t === 'string' ? new Date(t) : t;
  if (Number.isNaN(d.getTime())) return typeof t === 'string' ? t : new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return d.toISOString().replace(/\.\d+Z$/, 'Z');
}

/** A copy of obj sharing everything but metadata, whose managedFields is removed. */
export function withoutManagedFields(obj: object): Record<string, unknown> {
  const o = { ...(obj as Record<string, unknown>) };
  if (isPlainObject(o.metadata) && 'managedFields' in o.metadata) {
    const { managedFields: _drop, ...rest } = o.metadata;
    o.metadata = rest;
  }
  return o;
}

export function metadataOf(obj: object): Record<string, unknown> | undefined {
  const m = (obj as Record<string, unknown>).metadata;
  return isPlainObject(m) ? m : undefined;
}

function decodeOrEmpty(entries: unknown): Managers {
  try {
    return decodeManagedFields(entries);
  } catch {
    return new Map();
  }
}

/** `managedFields: []` or `[{}]` in a request clears the recorded ownership. */
function isResetRequest(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  if (v.length === 0) return true;
  return v.length === 1 && isPlainObject(v[0]) && Object.keys(v[0]).length === 0;
}

function stringOr(v: unknown, d: string): string {
  return typeof v === 'string' ? v : d;
}
