// Garbage collector: deletes dependents whose owners are gone, and carries out Orphan and Foreground deletions.
//
// Level-based: every change marks the cluster dirty; a pass looks at all cached objects. Before
// deleting a dependent it confirms with a live GET that no owner with that uid exists, so a
// lagging cache never deletes something whose owner is alive.

import { RESOURCES, findKind, parseApiVersion } from '../../api/resources.js';
import type { ResourceInfo } from '../../api/resources.js';
import type { KObject } from '../../api/strategy.js';
import { ClientError, RestClient } from '../../client/rest-client.js';
import { ResourceCache, objectPath } from '../../client/resource-cache.js';
import { Wakeup } from '../../client/wakeup.js';

const LISTABLE = RESOURCES.filter((r) => r.verbs.includes('list') && r.verbs.includes('watch') && !(r.group === 'events.k8s.io'));

export class GarbageCollector {
  readonly caches: ResourceCache[];
  private dirty = true;
  private readonly wakeup = new Wakeup();

  constructor(private readonly client: RestClient, onChange?: (info: ResourceInfo, obj: KObject) => void) {
    this.caches = LISTABLE.map((info) => new ResourceCache(client, info, (_t, obj) => {
      this.markDirty();
      onChange?.(info, obj);
    }));
  }

  markDirty(): void {
    this.dirty = true;
    this.wakeup.wake();
  }

  async run(signal: AbortSignal): Promise<void> {
    for (const c of this.caches) void c.run(signal);
    await Promise.all(this.caches.map((c) => c.waitForSync()));
    while (!signal.aborted) {
      if (!this.dirty) {
        await this.wakeup.wait(5000, signal);
        continue;
      }
      this.dirty = false;
      try {
        await this.pass();
      } catch (err) {
        console.error(`garbage collector: ${(err as Error).message}`);
        this.dirty = true;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  private byUid(): Map<string, { obj: KObject; info: ResourceInfo }> {
    const m = new Map<string, { obj: KObject; info: ResourceInfo }>();
    for (const c of this.caches) for (const obj of c.items.values()) m.set(obj.metadata.uid, { obj, info: c.info });
    return m;
  }

  /** One reconcile pass over every cached object. */
  private async pass(): Promise<void> {
    const uids = this.byUid();
    const dependentsOf = new Map<string, { obj: KObject; info: ResourceInfo; ref: KObject }[]>();
    for (const { obj, info } of uids.values()) {
      for (const ref of obj.metadata.ownerReferences ?? []) {
        const list = dependentsOf.get(ref.uid) ?? [];
        list.push({ obj, info, ref });
        dependentsOf.set(ref.uid, list);
      }
    }
    for (const { obj, info } of uids.values()) {
      const md = obj.metadata;
      if (md.deletionTimestamp && md.finalizers?.includes('orphan')) await this.orphan(obj, info, dependentsOf.get(md.uid) ?? []);
      else if (md.deletionTimestamp && md.finalizers?.includes('foregroundDeletion')) await this.foreground(obj, info, dependentsOf.get(md.uid) ?? []);
      const refs: KObject[] = md.ownerReferences ?? [];
      if (refs.length === 0 || md.deletionTimestamp) continue;
      const missing: KObject[] = [];
      let waitingOnForeground = false;
      for (const ref of refs) {
        const owner = uids.get(ref.uid);
        if (owner) {
          if (owner.obj.metadata.deletionTimestamp && owner.obj.metadata.finalizers?.includes('foregroundDeletion')) waitingOnForeground = true;
          continue;
        }
        if (!(await this.ownerExists(ref, md.namespace))) missing.push(ref);
      }
      if (waitingOnForeground && missing.length + 1 >= refs.length) {
        await this.deleteObject(info, obj, 'Foreground');
      } else if (missing.length === refs.length) {
        await this.deleteObject(info, obj, 'Background');
      } else if (missing.length) {
        const keep = refs.filter((r) => !missing.includes(r));
        await this.patchOwnerRefs(info, obj, keep);
      }
    }
  }

  private async ownerExists(ref: KObject, namespace: string | undefined): Promise<boolean> {
    const gv = parseApiVersion(String(ref.apiVersion ?? ''));
    const info = findKind(gv.group, gv.version, String(ref.kind ?? ''));
    if (!info) return false;
    try {
      const owner = await this.client.get(objectPath(info, namespace ?? '', ref.name));
      return owner.metadata?.uid === ref.uid;
    } catch (err) {
      if (err instanceof ClientError && err.code === 404) return false;
      throw err;
    }
  }

  private async orphan(owner: KObject, info: ResourceInfo, dependents: { obj: KObject; info: ResourceInfo }[]): Promise<void> {
    for (const d of dependents) {
      const keep = (d.obj.metadata.ownerReferences ?? []).filter((r: KObject) => r.uid !== owner.metadata.uid);
      await this.patchOwnerRefs(d.info, d.obj, keep);
    }
    await this.removeFinalizer(info, owner, 'orphan');
  }

  private async foreground(owner: KObject, info: ResourceInfo, dependents: { obj: KObject; info: ResourceInfo; ref: KObject }[]): Promise<void> {
    const blocking = dependents.filter((d) => d.ref.blockOwnerDeletion);
    for (const d of dependents) if (!d.obj.metadata.deletionTimestamp) await this.deleteObject(d.info, d.obj, 'Foreground');
    if (blocking.length === 0) await this.removeFinalizer(info, owner, 'foregroundDeletion');
  }

  private async deleteObject(info: ResourceInfo, obj: KObject, policy: string): Promise<void> {
    try {
      await this.client.do('DELETE', objectPath(info, obj.metadata.namespace ?? '', obj.metadata.name), { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: policy, preconditions: { uid: obj.metadata.uid } });
    } catch (err) {
      if (!(err instanceof ClientError && (err.code === 404 || err.code === 409))) throw err;
    }
  }

  private async patchOwnerRefs(info: ResourceInfo, obj: KObject, refs: KObject[]): Promise<void> {
    const patch = { metadata: { ownerReferences: refs.length ? refs : null } };
    try {
      await this.client.do('PATCH', objectPath(info, obj.metadata.namespace ?? '', obj.metadata.name), patch, 'application/merge-patch+json');
    } catch (err) {
      if (!(err instanceof ClientError && (err.code === 404 || err.code === 409))) throw err;
    }
  }

  private async removeFinalizer(info: ResourceInfo, obj: KObject, finalizer: string): Promise<void> {
    const finalizers = (obj.metadata.finalizers ?? []).filter((f: string) => f !== finalizer);
    const patch = { metadata: { finalizers: finalizers.length ? finalizers : null, resourceVersion: obj.metadata.resourceVersion } };
    try {
      await this.client.do('PATCH', objectPath(info, obj.metadata.namespace ?? '', obj.metadata.name), patch, 'application/merge-patch+json');
    } catch (err) {
      if (err instanceof ClientError && err.code === 409) this.markDirty();
      else if (!(err instanceof ClientError && err.code === 404)) throw err;
    }
  }
}
