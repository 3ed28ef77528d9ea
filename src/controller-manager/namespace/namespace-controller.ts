// Namespace controller: empties a namespace being deleted, then clears its "kubernetes" finalizer so it goes.

import type { KObject } from '../../api/strategy.js';
import { ClientError, RestClient } from '../../client/rest-client.js';
import { ResourceCache, collectionPath } from '../../client/resource-cache.js';
import { Wakeup } from '../../client/wakeup.js';

export class NamespaceController {
  private pending = new Set<string>();
  private readonly wakeup = new Wakeup();

  /** `caches` must include namespaces and every namespaced resource (shared with the garbage collector). */
  constructor(private readonly client: RestClient, private readonly caches: ResourceCache[]) {}

  /** Called for every cache change; cheap: it only notes namespaces that may need work. */
  observe(obj: KObject, isNamespace: boolean): void {
    const ns = isNamespace ? obj.metadata?.name : obj.metadata?.namespace;
    if (!ns) return;
    const nsCache = this.caches.find((c) => c.info.resource === 'namespaces');
    const nsObj = isNamespace ? obj : nsCache?.items.get(`/${ns}`);
    if (nsObj?.metadata?.deletionTimestamp) {
      this.pending.add(ns);
      this.wakeup.wake();
    }
  }

  async run(signal: AbortSignal): Promise<void> {
    await Promise.all(this.caches.map((c) => c.waitForSync()));
    const nsCache = this.caches.find((c) => c.info.resource === 'namespaces')!;
    for (const o of nsCache.items.values()) this.observe(o, true);
    while (!signal.aborted) {
      if (this.pending.size === 0) {
        await this.wakeup.wait(5000, signal);
        continue;
      }
      const names = [...this.pending];
      this.pending.clear();
      for (const ns of names) {
        try {
          if (!(await this.reconcile(ns))) this.pending.add(ns);
        } catch (err) {
          console.error(`namespace controller: ${ns}: ${(err as Error).message}`);
          this.pending.add(ns);
        }
      }
      if (this.pending.size) await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Returns true when the namespace needs nothing more from us. */
  private async reconcile(ns: string): Promise<boolean> {
    const nsObj = this.caches.find((c) => c.info.resource === 'namespaces')!.items.get(`/${ns}`);
    if (!nsObj?.metadata?.deletionTimestamp) return true;
    if (!(nsObj.spec?.finalizers ?? []).includes('kubernetes')) return true;
    let remaining = 0;
    for (const c of this.caches) {
      if (!c.info.namespaced || !c.info.verbs.includes('deletecollection')) continue;
      const left = [...c.items.values()].filter((o) => o.metadata.namespace === ns);
      if (left.length === 0) continue;
      remaining += left.length;
      await this.ignoreNotFound(this.client.do('DELETE', collectionPath(c.info, ns), { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' }));
    }
    if (remaining > 0) return false;
    const finalizers = (nsObj.spec.finalizers as string[]).filter((f) => f !== 'kubernetes');
    await this.ignoreNotFound(this.client.do('PUT', `/api/v1/namespaces/${ns}/finalize`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns }, spec: { finalizers } }));
    return true;
  }

  private async ignoreNotFound(p: Promise<unknown>): Promise<void> {
    try {
      await p;
    } catch (err) {
      if (!(err instanceof ClientError && err.code === 404)) throw err;
    }
  }
}
