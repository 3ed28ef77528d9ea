// Controller references (upstream's ControllerRefManager): who controls an object, adoption of orphans, release of strays.

import { apiVersionOf, type ResourceInfo } from '../../api/resources.js';
import type { KObject } from '../../api/strategy.js';
import { isNotFound } from '../../client/rest-client.js';
import type { Informer, Lister, ResourceClient } from '../../client/types.js';

/** Index of dependents by the uid of their controller (pods, ReplicaSets, ControllerRevisions, Jobs). */
export const CONTROLLER_UID_INDEX = 'workloads/controller-uid';

/** The ownerReference with controller=true, if any. */
export function controllerRefOf(obj: KObject | undefined): KObject | undefined {
  const refs = obj?.metadata?.ownerReferences;
  return Array.isArray(refs) ? refs.find((r: KObject) => r?.controller === true) : undefined;
}

export function isControlledBy(obj: KObject, owner: KObject): boolean {
  const ref = controllerRefOf(obj);
  return !!ref && ref.uid === owner.metadata?.uid;
}

/** The controllerRef a controller puts on what it creates: controller=true, blockOwnerDeletion=true. */
export function newControllerRef(owner: KObject, info: ResourceInfo): KObject {
  return { apiVersion: apiVersionOf(info), kind: info.kind, name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true };
}

/**
 * The owner a controllerRef points at, from the lister: undefined unless the kind matches and the
 * cached owner has the same uid (a same-named successor is not the owner).
 */
export function resolveControllerRef(ref: KObject | undefined, namespace: string, info: ResourceInfo, lister: Lister): KObject | undefined {
  if (!ref || ref.kind !== info.kind) return undefined;
  const owner = lister.get(namespace ? `${namespace}/${ref.name}` : String(ref.name));
  return owner && owner.metadata?.uid === ref.uid ? owner : undefined;
}

/** Adds the controller-uid index to an informer (idempotent: several controllers share one informer). */
export function ensureControllerIndex(informer: Informer): void {
  try {
    informer.addIndexer(CONTROLLER_UID_INDEX, (obj) => {
      const ref = controllerRefOf(obj);
      return ref?.uid ? [String(ref.uid)] : [];
    });
  } catch (err) {
    if (!/already exists/.test((err as Error)?.message ?? '')) throw err;
  }
}

/** Objects of the namespace whose controller is `owner` (by uid), from an informer with the index. */
export function ownedBy(lister: Lister, owner: KObject): KObject[] {
  return lister.byIndex(CONTROLLER_UID_INDEX, String(owner.metadata.uid));
}

export interface ClaimOptions {
  owner: KObject;
  ownerInfo: ResourceInfo;
  /** the client of the dependents' resource (patches adopt and release) */
  client: ResourceClient;
  /** whether a dependent belongs to the owner (its selector, and for StatefulSets its name) */
  match: (obj: KObject) => boolean;
  /** upstream's RecheckDeletionTimestamp: a live read of the owner, throwing if it is gone or being deleted */
  canAdopt: () => Promise<void>;
}

/**
 * upstream's ClaimObjects: returns the candidates the owner controls after adopting matching
 * orphans and releasing owned objects that no longer match. An owner being deleted neither adopts
 * nor releases; objects being deleted are not adopted; objects controlled by others are left alone.
 * Adoption and release are strategic-merge patches carrying the dependent's uid as a precondition;
 * a dependent that vanished meanwhile is skipped. Returns the patched objects where it patched.
 */
export async function claimObjects(candidates: KObject[], opts: ClaimOptions): Promise<KObject[]> {
  const { owner } = opts;
  const ownerDeleting = !!owner.metadata?.deletionTimestamp;
  const claimed: KObject[] = [];
  let adoptChecked: Promise<void> | undefined;
  for (const obj of candidates) {
    const ref = controllerRefOf(obj);
    if (ref) {
      if (ref.uid !== owner.metadata.uid) continue;
      if (opts.match(obj)) {
        claimed.push(obj);
        continue;
      }
      if (ownerDeleting) continue;
      await release(obj, opts);
      continue;
    }
    if (ownerDeleting || !opts.match(obj) || obj.metadata?.deletionTimestamp) continue;
    if (owner.metadata.namespace && owner.metadata.namespace !== obj.metadata?.namespace) continue;
    adoptChecked ??= opts.canAdopt();
    await adoptChecked;
    const adopted = await adopt(obj, opts);
    if (adopted) claimed.push(adopted);
  }
  return claimed;
}

async function adopt(obj: KObject, opts: ClaimOptions): Promise<KObject | undefined> {
  const patch = { metadata: { ownerReferences: [newControllerRef(opts.owner, opts.ownerInfo)], uid: obj.metadata.uid } };
  try {
    return await opts.client.patch(obj.metadata.namespace ?? '', obj.metadata.name, 'strategic', patch);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

async function release(obj: KObject, opts: ClaimOptions): Promise<void> {
  const patch = { metadata: { ownerReferences: [{ $patch: 'delete', uid: opts.owner.metadata.uid }], uid: obj.metadata.uid } };
  try {
    await opts.client.patch(obj.metadata.namespace ?? '', obj.metadata.name, 'strategic', patch);
  } catch (err) {
    // gone, or changed identity (422 on the uid precondition): nothing left to release
    if (isNotFound(err) || (err as { code?: number })?.code === 422) return;
    throw err;
  }
}

/**
 * upstream's RecheckDeletionTimestamp over a live GET: throws unless the owner still exists with
 * the same uid and is not being deleted.
 */
export function recheckOwner(client: ResourceClient, owner: KObject): () => Promise<void> {
  return async () => {
    const fresh = await client.get(owner.metadata.namespace ?? '', owner.metadata.name);
    if (fresh.metadata?.uid !== owner.metadata.uid) {
      throw new Error(`original ${owner.kind ?? client.info.kind} ${owner.metadata.namespace}/${owner.metadata.name} is gone: got uid ${fresh.metadata?.uid}, wanted ${owner.metadata.uid}`);
    }
    if (fresh.metadata?.deletionTimestamp) {
      throw new Error(`${owner.metadata.namespace}/${owner.metadata.name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
    }
  };
}

/** The object with kind and apiVersion filled in (events need them; list items may lack them). */
export function withKind(obj: KObject, info: ResourceInfo): KObject {
  if (obj.kind && obj.apiVersion) return obj;
  return { ...obj, kind: obj.kind || info.kind, apiVersion: obj.apiVersion || apiVersionOf(info) };
}
