// Garbage collector: deletes dependents whose owners are gone, and carries out Orphan and Foreground deletions.
//
// Keyed and level-based: every object that changes is reconciled on its own (with its owners when
// they are being deleted, and its dependents when it goes). Before deleting a dependent it
// confirms with a live GET that no owner with that uid exists, so a lagging cache never deletes
// something whose owner is alive; an owner of an unknown kind counts as alive.

import { RESOURCES, findKind, parseApiVersion } from '../../api/resources.js';
import type { ResourceInfo } from '../../api/resources.js';
import type { KObject } from '../../api/strategy.js';
import { runController } from '../../client/controller.js';
import type { SharedIndexInformer } from '../../client/informer.js';
import { keyOf } from '../../client/object-key.js';
import { isConflict, isNotFound } from '../../client/rest-client.js';
import type { Clientset } from '../../client/clientset.js';
import type { IndexFunc, ReconcileResult } from '../../client/types.js';
import { RateLimitingQueue } from '../../client/workqueue.js';
import type { ControllerContext, Runnable } from '../controller-manager.js';

const LISTABLE = RESOURCES.filter((r) => r.verbs.includes('list') && r.verbs.includes('watch') && !(r.group === 'events.k8s.io'));

/** objects by the uids in their ownerReferences */
export const OWNER_UID_INDEX = 'ownerUid';
export const ownerUidIndexFunc: IndexFunc = (obj) => (obj.metadata?.ownerReferences ?? []).map((r: KObject) => String(r.uid));
/** objects by metadata.uid */
export const UID_INDEX = 'uid';
export const uidIndexFunc: IndexFunc = (obj) => (obj.metadata?.uid ? [String(obj.metadata.uid)] : []);

const WORKERS = 4;

interface Found {
  obj: KObject;
  info: ResourceInfo;
}

export class GarbageCollector implements Runnable {
  readonly name = 'garbagecollector';
  private readonly client: Clientset;
  private readonly informers = new Map<string, SharedIndexInformer>();
  private readonly queue = new RateLimitingQueue<string>({ name: 'garbagecollector' });
  private readonly ctx: ControllerContext;

  constructor(ctx: ControllerContext) {
    this.ctx = ctx;
    this.client = ctx.client;
    for (const info of LISTABLE) {
      const inf = ctx.informers.informerFor(info);
      inf.addIndexer(OWNER_UID_INDEX, ownerUidIndexFunc);
      inf.addIndexer(UID_INDEX, uidIndexFunc);
      const rid = resourceId(info);
      this.informers.set(rid, inf);
      inf.addEventHandler({
        onAdd: (obj) => this.changed(rid, obj),
        onUpdate: (old, obj) => this.changed(rid, obj, old),
        onDelete: (obj) => this.changed(rid, obj, undefined, true),
      });
    }
  }

  async run(signal: AbortSignal): Promise<void> {
    await this.ctx.informers.waitForSync(signal);
    if (signal.aborted) return;
    await runController(this, this.queue, { workers: WORKERS, signal });
  }

  /** An object changed: it, its owners being deleted, and (when it goes) its dependents need a look. */
  private changed(rid: string, obj: KObject, old?: KObject, deleted = false): void {
    if (!deleted) this.queue.add(`${rid}|${keyOf(obj)}`);
    const refs = [...(obj.metadata?.ownerReferences ?? []), ...(old?.metadata?.ownerReferences ?? [])];
    for (const ref of refs) {
      const owner = this.findByUid(String(ref.uid));
      if (owner?.obj.metadata?.deletionTimestamp) this.queue.add(`${resourceId(owner.info)}|${keyOf(owner.obj)}`);
    }
    if (deleted || obj.metadata?.deletionTimestamp) {
      for (const d of this.dependentsOf(String(obj.metadata?.uid))) this.queue.add(`${resourceId(d.info)}|${keyOf(d.obj)}`);
    }
  }

  async reconcile(key: string): Promise<void | ReconcileResult> {
    const i = key.indexOf('|');
    const inf = this.informers.get(key.slice(0, i));
    const obj = inf?.lister.get(key.slice(i + 1));
    if (!inf || !obj) return;
    const info = inf.info;
    const md = obj.metadata;
    if (md.deletionTimestamp) {
      let ok = true;
      if (md.finalizers?.includes('orphan')) ok = await this.orphan(obj, info);
      else if (md.finalizers?.includes('foregroundDeletion')) ok = await this.foreground(obj, info);
      // a conflict: the owner changed meanwhile; look again once the cache has the newer state
      return ok ? undefined : { requeueAfterMs: 100 };
    }
    const refs: KObject[] = md.ownerReferences ?? [];
    if (refs.length === 0) return;
    const missing: KObject[] = [];
    let waitingOnForeground = false;
    for (const ref of refs) {
      const owner = this.findByUid(String(ref.uid));
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
      await this.patchOwnerRefs(info, obj, refs.filter((r) => !missing.includes(r)));
    }
  }

  private findByUid(uid: string): Found | undefined {
    for (const inf of this.informers.values()) {
      const hit = inf.lister.byIndex(UID_INDEX, uid);
      if (hit.length) return { obj: hit[0], info: inf.info };
    }
    return undefined;
  }

  private dependentsOf(uid: string): (Found & { ref: KObject })[] {
    const out: (Found & { ref: KObject })[] = [];
    for (const inf of this.informers.values()) {
      for (const obj of inf.lister.byIndex(OWNER_UID_INDEX, uid)) {
        const ref = (obj.metadata.ownerReferences as KObject[]).find((r) => String(r.uid) === uid);
        if (ref) out.push({ obj, info: inf.info, ref });
      }
    }
    return out;
  }

  private async ownerExists(ref: KObject, namespace: string | undefined): Promise<boolean> {
    const gv = parseApiVersion(String(ref.apiVersion ?? ''));
    const info = findKind(gv.group, gv.version, String(ref.kind ?? ''));
    if (!info) return true;
    try {
      const owner = await this.client.resource(info).get(namespace ?? '', ref.name);
      return owner.metadata?.uid === ref.uid;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  private async orphan(owner: KObject, info: ResourceInfo): Promise<boolean> {
    for (const d of this.dependentsOf(owner.metadata.uid)) {
      const keep = (d.obj.metadata.ownerReferences ?? []).filter((r: KObject) => r.uid !== owner.metadata.uid);
      await this.patchOwnerRefs(d.info, d.obj, keep);
    }
    return this.removeFinalizer(info, owner, 'orphan');
  }

  private async foreground(owner: KObject, info: ResourceInfo): Promise<boolean> {
    const dependents = this.dependentsOf(owner.metadata.uid);
    for (const d of dependents) if (!d.obj.metadata.deletionTimestamp) await this.deleteObject(d.info, d.obj, 'Foreground');
    // the owner goes once no dependent that blocks it is left (their deletions re-queue the owner)
    if (dependents.some((d) => d.ref.blockOwnerDeletion)) return true;
    return this.removeFinalizer(info, owner, 'foregroundDeletion');
  }

  private async deleteObject(info: ResourceInfo, obj: KObject, policy: 'Foreground' | 'Background'): Promise<void> {
    try {
      await this.client.resource(info).delete(obj.metadata.namespace ?? '', obj.metadata.name, { propagationPolicy: policy, preconditions: { uid: obj.metadata.uid } });
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  }

  private async patchOwnerRefs(info: ResourceInfo, obj: KObject, refs: KObject[]): Promise<void> {
    const patch = { metadata: { ownerReferences: refs.length ? refs : null } };
    try {
      await this.client.resource(info).patch(obj.metadata.namespace ?? '', obj.metadata.name, 'merge', patch);
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  }

  /** false on a conflict (the object changed since the cache saw it) */
  private async removeFinalizer(info: ResourceInfo, obj: KObject, finalizer: string): Promise<boolean> {
    const finalizers = (obj.metadata.finalizers ?? []).filter((f: string) => f !== finalizer);
    const patch = { metadata: { finalizers: finalizers.length ? finalizers : null, resourceVersion: obj.metadata.resourceVersion } };
    try {
      await this.client.resource(info).patch(obj.metadata.namespace ?? '', obj.metadata.name, 'merge', patch);
    } catch (err) {
      if (isConflict(err)) return false;
      if (!isNotFound(err)) throw err;
    }
    return true;
  }
}

function resourceId(info: ResourceInfo): string {
  return `${info.group}/${info.version}/${info.resource}`;
}
