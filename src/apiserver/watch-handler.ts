// Serves a watch: initial state (when asked), then ADDED/MODIFIED/DELETED events as JSON lines, bookmarks, timeout.

import type { ResourceInfo } from '../api/resources.js';
import type { KObject } from '../api/strategy.js';
import { errors } from '../api/status.js';
import { CompactedError } from '../storage/store.js';
import type { KeyValue } from '../storage/store.js';
import { negotiate } from './negotiation.js';
import { isTrue } from './request-info.js';
import type { RequestContext } from './resource-handler.js';
import { parseIntParam, parseRevision, selectorFilter } from './resource-handler.js';
import { ObjectStore, collectionPrefix, decodeAs, objectKey } from './object-store.js';
import type { CacheEvent, WatchCache } from './watch-cache.js';
import { toTable } from './table.js';

const BOOKMARK_INTERVAL_MS = 10_000;
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;
/** Decoded objects (per apiVersion) are shared by every watcher of an event; they are never mutated after decoding. */
const decoded = new WeakMap<KeyValue, Map<ResourceInfo, KObject>>();

/** Serialized watch lines, per shared object and event type: every watcher of an event writes the same bytes. */
const lines = new WeakMap<KObject, Map<string, string>>();

function lineFor(type: string, obj: KObject): string {
  let forms = lines.get(obj);
  if (!forms) lines.set(obj, (forms = new Map()));
  let line = forms.get(type);
  if (line === undefined) {
    line = JSON.stringify({ type, object: obj }) + '\n';
    forms.set(type, line);
  }
  return line;
}

function objectOf(r: ResourceInfo, kv: KeyValue, revision?: number): KObject {
  let forms = decoded.get(kv);
  if (!forms) decoded.set(kv, (forms = new Map()));
  let obj = forms.get(r);
  if (!obj) {
    obj = decodeAs(r, kv);
    forms.set(r, obj);
  }
  if (revision !== undefined && String(revision) !== obj.metadata.resourceVersion) {
    obj = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(revision) } };
  }
  return obj;
}

export async function serveWatch(ctx: RequestContext, r: ResourceInfo, objects: ObjectStore, cache: WatchCache): Promise<void> {
  const { query, res, info } = ctx;
  const rep = negotiate(ctx.req.headers.accept);
  const rvParam = query.get('resourceVersion') ?? '';
  const sendInitialParam = query.get('sendInitialEvents');
  const allowBookmarks = isTrue(query.get('allowWatchBookmarks'));
  const timeoutSeconds = parseIntParam(query, 'timeoutSeconds') ?? 1800 + Math.floor(Math.random() * 1800);
  if (sendInitialParam !== null) {
    if ((query.get('resourceVersionMatch') ?? '') !== 'NotOlderThan') {
      throw errors.invalid('ListOptions', 'meta.k8s.io', '', [{ reason: 'FieldValueForbidden', field: 'resourceVersionMatch', message: "Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan" }]);
    }
    if (!allowBookmarks) throw errors.invalid('ListOptions', 'meta.k8s.io', '', [{ reason: 'FieldValueForbidden', field: 'allowWatchBookmarks', message: 'Forbidden: allowWatchBookmarks required when sendInitialEvents is set' }]);
  }
  let filter = selectorFilter(r, query);
  if (info.name) {
    const byName = (o: KObject) => o.metadata?.name === info.name;
    const f = filter;
    filter = f ? (o) => byName(o) && f(o) : byName;
  }
  const prefix = info.name ? objectKey(r, info.namespace, info.name) : collectionPrefix(r, info.namespace);
  const sendInitial = sendInitialParam !== null ? isTrue(sendInitialParam) : rvParam === '' || rvParam === '0';

  let afterRevision: number;
  let initial: KObject[] = [];
  if (sendInitial || rvParam === '' || rvParam === '0') {
    if (sendInitial) {
      const page = await objects.list(r, info.namespace, { filter });
      initial = info.name ? page.items.filter((o) => o.metadata.name === info.name) : page.items;
      afterRevision = page.revision;
    } else {
      afterRevision = await objects.store.currentRevision();
    }
  } else {
    afterRevision = parseRevision(rvParam);
    const compacted = await objects.store.compactedRevision();
    if (afterRevision < compacted) throw errors.gone(`too old resource version: ${afterRevision} (${compacted})`);
  }

  res.writeHead(200, { 'Content-Type': rep.format === 'yaml' ? 'application/yaml' : 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  let closed = false;
  let lastRevision = afterRevision;
  let unsubscribe: () => void = () => {};
  const timers: NodeJS.Timeout[] = [];
  const finish = () => {
    if (closed) return;
    closed = true;
    unsubscribe();
    for (const t of timers) clearTimeout(t);
    res.end();
  };
  ctx.req.on('close', finish);
  res.on('close', finish);

  let tableHeaderSent = false;
  const write = (type: string, obj: KObject) => {
    if (closed) return;
    let payload = obj;
    if (rep.as === 'Table' && type !== 'BOOKMARK' && type !== 'ERROR') {
      payload = toTable(r, [obj], { resourceVersion: obj.metadata?.resourceVersion }, query, !tableHeaderSent);
      tableHeaderSent = true;
    }
    res.write(payload === obj ? lineFor(type, obj) : JSON.stringify({ type, object: payload }) + '\n');
    if (res.writableLength > MAX_BUFFERED_BYTES) {
      // a client that does not read is cut off (it will re-list), rather than holding memory
      finish();
    }
  };

  for (const obj of initial) write('ADDED', obj);
  if (sendInitialParam !== null && isTrue(sendInitialParam)) {
    write('BOOKMARK', bookmark(r, afterRevision, true));
  }

  const deliver = (events: CacheEvent[]) => {
    for (const e of events) {
      if (e.revision <= lastRevision) continue;
      lastRevision = e.revision;
      const { type, object } = translate(r, e, filter);
      if (type) write(type, object!);
    }
  };
  const fail = (err: Error) => {
    if (err instanceof CompactedError) {
      write('ERROR', errors.gone(`too old resource version: ${err.requested} (${err.compacted})`).toStatus());
    }
    finish();
  };
  unsubscribe = cache.subscribe({ prefix, afterRevision, deliver, fail });
  if (closed) unsubscribe();

  timers.push(setTimeout(finish, timeoutSeconds * 1000));
  if (allowBookmarks) {
    const tick = () => {
      if (closed) return;
      const rev = Math.max(lastRevision, cache.currentRevision());
      write('BOOKMARK', bookmark(r, rev, false));
      timers.push(setTimeout(tick, BOOKMARK_INTERVAL_MS));
    };
    timers.push(setTimeout(tick, BOOKMARK_INTERVAL_MS));
  }
}

function bookmark(r: ResourceInfo, revision: number, initialEventsEnd: boolean): KObject {
  const metadata: KObject = { resourceVersion: String(revision) };
  if (initialEventsEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
  return { kind: r.kind, apiVersion: r.group ? `${r.group}/${r.version}` : r.version, metadata };
}

/** Store event → watch event, as seen through the selector: leaving the selection is a DELETED. */
function translate(r: ResourceInfo, e: CacheEvent, filter?: (o: KObject) => boolean): { type?: string; object?: KObject } {
  if (e.type === 'DELETE') {
    const prev = e.prev ?? e.kv;
    const obj = objectOf(r, prev, e.revision);
    if (filter && !filter(obj)) return {};
    return { type: 'DELETED', object: obj };
  }
  const obj = objectOf(r, e.kv);
  if (!filter) return { type: e.prev ? 'MODIFIED' : 'ADDED', object: obj };
  const now = filter(obj);
  const before = e.prev ? filter(objectOf(r, e.prev)) : false;
  if (now && before) return { type: 'MODIFIED', object: obj };
  if (now) return { type: 'ADDED', object: obj };
  if (before) return { type: 'DELETED', object: obj };
  return {};
}
