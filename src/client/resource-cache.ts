// A list+watch cache of one resource type (a minimal informer): relists on 410 or a dropped watch.

import type { ResourceInfo } from '../api/resources.js';
import type { KObject } from '../api/strategy.js';
import { ClientError, RestClient } from './rest-client.js';

export function collectionPath(info: ResourceInfo, namespace = ''): string {
  const base = info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
  return info.namespaced && namespace ? `${base}/namespaces/${namespace}/${info.resource}` : `${base}/${info.resource}`;
}

export function objectPath(info: ResourceInfo, namespace: string, name: string): string {
  return `${collectionPath(info, info.namespaced ? namespace : '')}/${encodeURIComponent(name)}`;
}

export type ChangeHandler = (type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: KObject, info: ResourceInfo) => void;

export class ResourceCache {
  /** namespace/name → object */
  readonly items = new Map<string, KObject>();
  private synced = false;
  private readonly syncedWaiters: (() => void)[] = [];

  constructor(private readonly client: RestClient, readonly info: ResourceInfo, private readonly onChange: ChangeHandler) {}

  hasSynced(): boolean {
    return this.synced;
  }

  waitForSync(): Promise<void> {
    return this.synced ? Promise.resolve() : new Promise((r) => this.syncedWaiters.push(r));
  }

  /** Runs list+watch until the signal aborts; errors back off and relist. */
  async run(signal: AbortSignal): Promise<void> {
    let backoff = 200;
    while (!signal.aborted) {
      try {
        const list = await this.client.get(collectionPath(this.info));
        const fresh = new Map<string, KObject>();
        for (const o of list.items ?? []) fresh.set(keyOf(o), o);
        for (const [k, o] of this.items) if (!fresh.has(k)) this.emit('DELETED', o);
        for (const [k, o] of fresh) this.emit(this.items.has(k) ? 'MODIFIED' : 'ADDED', o);
        this.markSynced();
        let rv = list.metadata?.resourceVersion ?? '';
        backoff = 200;
        for (;;) {
          if (signal.aborted) return;
          let expired = false;
          await this.client.watch(`${collectionPath(this.info)}?watch=true&allowWatchBookmarks=true&resourceVersion=${rv}&timeoutSeconds=300`, (e) => {
            if (e.type === 'ERROR') {
              expired = true;
              return;
            }
            rv = e.object?.metadata?.resourceVersion ?? rv;
            if (e.type === 'BOOKMARK') return;
            this.emit(e.type, e.object);
          }, signal);
          if (expired) break;
        }
      } catch (err) {
        if (signal.aborted) return;
        if (!(err instanceof ClientError && err.code === 410)) {
          await new Promise((r) => setTimeout(r, backoff));
          backoff = Math.min(backoff * 2, 5000);
        }
      }
    }
  }

  private emit(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: KObject): void {
    const k = keyOf(obj);
    if (type === 'DELETED') this.items.delete(k);
    else this.items.set(k, obj);
    this.onChange(type, obj, this.info);
  }

  private markSynced(): void {
    if (this.synced) return;
    this.synced = true;
    for (const w of this.syncedWaiters.splice(0)) w();
  }
}

export function keyOf(obj: KObject): string {
  return `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
}
