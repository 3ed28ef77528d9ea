// Namespaces in memory, fed by the watch cache, so admitting a create does not cost a store read (as upstream's lister).

import type { KObject } from '../api/strategy.js';
import { findResource } from '../api/resources.js';
import type { ObjectStore } from './object-store.js';
import { decodeAs } from './object-store.js';
import type { WatchCache } from './watch-cache.js';

const NAMESPACES = findResource('', 'v1', 'namespaces')!;

export class NamespaceCache {
  private readonly byName = new Map<string, KObject>();
  private unsubscribe?: () => void;

  constructor(private readonly objects: ObjectStore, private readonly cache: WatchCache) {}

  /** Lists the namespaces and follows every later change; call after the watch cache started. */
  async start(): Promise<void> {
    const page = await this.objects.list(NAMESPACES, '', {});
    for (const ns of page.items) this.byName.set(ns.metadata.name, ns);
    this.unsubscribe = this.cache.subscribe({
      prefix: '/registry/namespaces/',
      afterRevision: page.revision,
      deliver: (events) => {
        for (const e of events) {
          const name = e.kv.key.slice('/registry/namespaces/'.length);
          if (e.type === 'DELETE') this.byName.delete(name);
          else this.byName.set(name, decodeAs(NAMESPACES, e.kv));
        }
      },
      // the window lost us: fall back to the store until restarted
      fail: () => this.byName.clear(),
    });
  }

  stop(): void {
    this.unsubscribe?.();
  }

  /** The namespace, from memory; a miss is checked against the store (the cache may lag a create by a moment). */
  async get(name: string): Promise<KObject | undefined> {
    const hit = this.byName.get(name);
    if (hit) return hit;
    const kv = await this.objects.getKv(NAMESPACES, '', name);
    return kv ? decodeAs(NAMESPACES, kv) : undefined;
  }
}
