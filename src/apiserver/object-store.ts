// Objects in the Store: encoding, keys, resourceVersion, and compare-and-swap writes (upstream's generic registry store).
//
// Objects are stored as JSON without metadata.resourceVersion; on read it is set from the
// key's modRevision. Only the API server uses this class.

import type { KeyValue, Store } from '../storage/store.js';
import { CompactedError } from '../storage/store.js';
import type { ResourceInfo } from '../api/resources.js';
import { apiVersionOf, storagePrefix } from '../api/resources.js';
import type { KObject } from '../api/strategy.js';
import { ApiError, errors } from '../api/status.js';
import { coreToEventsV1, eventsV1ToCore } from '../api/conversion/events.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

export function objectKey(info: ResourceInfo, namespace: string, name: string): string {
  return info.namespaced ? `${storagePrefix(info)}${namespace}/${name}` : `${storagePrefix(info)}${name}`;
}

export function collectionPrefix(info: ResourceInfo, namespace: string): string {
  return info.namespaced && namespace ? `${storagePrefix(info)}${namespace}/` : storagePrefix(info);
}

/** The form an object is stored in: events.k8s.io Events are stored as core/v1 Events, as upstream. */
export function toStorage(info: ResourceInfo, obj: KObject): KObject {
  return info.group === 'events.k8s.io' ? eventsV1ToCore(obj) : obj;
}

/** The stored value as `info`'s kind and version (resourceVersion set from the key's revision). */
export function decodeAs(info: ResourceInfo, kv: KeyValue): KObject {
  const stored = decodeKv(kv);
  return withTypeMeta(info, info.group === 'events.k8s.io' ? coreToEventsV1(stored) : stored);
}

export function encodeObject(obj: KObject): Uint8Array {
  const md = obj.metadata;
  const rv = md?.resourceVersion;
  if (md) delete md.resourceVersion;
  try {
    return enc.encode(JSON.stringify(obj));
  } finally {
    if (md && rv !== undefined) md.resourceVersion = rv;
  }
}

export function decodeKv(kv: KeyValue): KObject {
  const obj = JSON.parse(dec.decode(kv.value)) as KObject;
  obj.metadata ??= {};
  obj.metadata.resourceVersion = String(kv.modRevision);
  return obj;
}

export interface ListPage {
  items: KObject[];
  revision: number;
  continueToken?: string;
  remainingItemCount?: number;
}

export interface ListParams {
  limit?: number;
  continueToken?: string;
  /** read at exactly this revision (resourceVersionMatch=Exact) */
  exactRevision?: number;
  filter?: (obj: KObject) => boolean;
}

interface ContinueToken {
  v: string;
  rv: number;
  start: string;
}

export class ObjectStore {
  constructor(readonly store: Store) {}

  async get(info: ResourceInfo, namespace: string, name: string): Promise<KObject> {
    const { kv } = await this.store.get(objectKey(info, namespace, name));
    if (!kv) throw errors.notFound(info.resource, info.group, name);
    return decodeAs(info, kv);
  }

  async getKv(info: ResourceInfo, namespace: string, name: string): Promise<KeyValue | undefined> {
    return (await this.store.get(objectKey(info, namespace, name))).kv;
  }

  async list(info: ResourceInfo, namespace: string, params: ListParams): Promise<ListPage> {
    const prefix = collectionPrefix(info, namespace);
    let revision = params.exactRevision ?? 0;
    let startKey: string | undefined;
    if (params.continueToken) {
      const tok = decodeContinue(params.continueToken, prefix);
      revision = tok.rv;
      startKey = prefix + tok.start;
    }
    const limit = params.limit && params.limit > 0 ? params.limit : 0;
    const items: KObject[] = [];
    let readRevision = 0;
    let more = false;
    let lastKey = '';
    let remaining: number | undefined;
    // With a filter, keep reading pages until `limit` matching items are found (as upstream does).
    for (;;) {
      const chunk = limit ? Math.max(limit - items.length, params.filter ? 500 : 0) : 0;
      let res;
      try {
        res = await this.store.list(prefix, { revision: revision || undefined, limit: chunk || undefined, startKey });
      } catch (err) {
        if (err instanceof CompactedError) {
          if (params.continueToken) throw expiredContinue();
          throw errors.gone(`too old resource version: ${revision} (${err.compacted})`);
        }
        throw err;
      }
      readRevision = res.revision;
      if (!revision) revision = res.revision;
      let i = 0;
      for (; i < res.kvs.length; i++) {
        const kv = res.kvs[i];
        lastKey = kv.key;
        const obj = decodeAs(info, kv);
        if (params.filter && !params.filter(obj)) continue;
        items.push(obj);
        if (limit && items.length >= limit) {
          i++;
          break;
        }
      }
      const leftInChunk = i < res.kvs.length;
      if (limit && items.length >= limit) {
        more = leftInChunk || res.more;
        if (!params.filter && more) remaining = (res.remaining ?? 0) + (res.kvs.length - i);
        break;
      }
      if (!res.more) break;
      startKey = lastKey + '\x00';
    }
    const page: ListPage = { items, revision: revision || readRevision };
    if (more) {
      page.continueToken = encodeContinue({ v: 'meta.k8s.io/v1', rv: page.revision, start: lastKey.slice(prefix.length) + '\x00' });
      if (remaining !== undefined) page.remainingItemCount = remaining;
    }
    return page;
  }

  /** Create-if-absent. Returns the stored object with its resourceVersion. */
  async create(info: ResourceInfo, obj: KObject): Promise<KObject> {
    const key = objectKey(info, obj.metadata.namespace ?? '', obj.metadata.name);
    const res = await this.store.create(key, encodeObject(toStorage(info, obj)));
    if (!res.ok) throw errors.alreadyExists(info.resource, info.group, obj.metadata.name);
    return decodeAs(info, res.kv);
  }

  /** Compare-and-swap on the object's modRevision; a moved revision is a 409 Conflict. */
  async update(info: ResourceInfo, obj: KObject, expectedRevision: number): Promise<KObject> {
    const key = objectKey(info, obj.metadata.namespace ?? '', obj.metadata.name);
    const res = await this.store.update(key, encodeObject(toStorage(info, obj)), expectedRevision);
    if (!res.ok) {
      if (!res.current) throw errors.notFound(info.resource, info.group, obj.metadata.name);
      throw errors.conflict(info.resource, info.group, obj.metadata.name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    return decodeAs(info, res.kv);
  }

  async delete(info: ResourceInfo, namespace: string, name: string, expectedRevision?: number): Promise<KObject> {
    const res = await this.store.delete(objectKey(info, namespace, name), expectedRevision);
    if (!res.ok) {
      if (!res.current) throw errors.notFound(info.resource, info.group, name);
      throw errors.conflict(info.resource, info.group, name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    const obj = decodeAs(info, res.prev);
    obj.metadata.resourceVersion = String(res.revision);
    return obj;
  }
}

export function withTypeMeta(info: ResourceInfo, obj: KObject): KObject {
  obj.apiVersion = apiVersionOf(info);
  obj.kind = info.kind;
  return obj;
}

function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify(t)).toString('base64url');
}

function decodeContinue(token: string, prefix: string): ContinueToken {
  let t: ContinueToken;
  try {
    t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as ContinueToken;
  } catch {
    throw errors.badRequest('continue key is not valid: illegal base64 data');
  }
  if (!t || t.v !== 'meta.k8s.io/v1' || typeof t.rv !== 'number' || typeof t.start !== 'string') {
    throw errors.badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
  if (t.start.includes('/../') || (prefix + t.start).length > 4096) throw errors.badRequest('continue key is not valid: invalid start key');
  return t;
}

function expiredContinue(): ApiError {
  return new ApiError(410, 'Expired', 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.');
}
