// ControllerRevisions (upstream's controller/history): template snapshots that DaemonSets and StatefulSets keep as rollout history.

import type { ResourceInfo } from '../../api/resources.js';
import type { KObject } from '../../api/strategy.js';
import { isAlreadyExists } from '../../client/rest-client.js';
import type { ResourceClient } from '../../client/types.js';
import { controllerRefOf, newControllerRef } from './controller-ref.js';
import { canonicalJson } from './hash.js';

/** the label DaemonSet pods and revisions carry (upstream's ControllerRevisionHashLabelKey) */
export const CONTROLLER_REVISION_HASH_LABEL = 'controller-revision-hash';

/**
 * The revision data upstream stores (getPatch): the template as a strategic-merge patch that
 * replaces it whole, `{"spec":{"template":{…,"$patch":"replace"}}}`. `kubectl rollout undo`
 * applies it to the owner as is, and `kubectl rollout history --revision` prints the template.
 */
export function templatePatch(owner: KObject): KObject {
  return { spec: { template: { ...structuredClone(owner.spec?.template ?? {}), $patch: 'replace' } } };
}

/** the template a revision's data holds (without the $patch directive) */
export function templateOfRevision(rev: KObject): KObject {
  const t = structuredClone(rev.data?.spec?.template ?? {});
  delete t.$patch;
  return t;
}

/** upstream's ControllerRevisionName: prefix (cut to 223 characters) + "-" + hash */
export function revisionName(prefix: string, hash: string): string {
  return `${prefix.length > 223 ? prefix.slice(0, 223) : prefix}-${hash}`;
}

export function revisionNumber(rev: KObject): number {
  return typeof rev.revision === 'number' ? rev.revision : 0;
}

/** revisions in ascending revision order (ties by creation time, then name), as SortControllerRevisions */
export function sortRevisions(revs: KObject[]): KObject[] {
  return [...revs].sort((a, b) => revisionNumber(a) - revisionNumber(b)
    || String(a.metadata?.creationTimestamp ?? '').localeCompare(String(b.metadata?.creationTimestamp ?? ''))
    || String(a.metadata?.name).localeCompare(String(b.metadata?.name)));
}

/** max revision + 1 (1 for no history) */
export function nextRevisionNumber(revs: KObject[]): number {
  return revs.reduce((m, r) => Math.max(m, revisionNumber(r)), 0) + 1;
}

export function sameData(a: KObject, b: KObject): boolean {
  return canonicalJson(a.data ?? null) === canonicalJson(b.data ?? null);
}

/** A new ControllerRevision object controlled by owner. */
export function newRevision(owner: KObject, ownerInfo: ResourceInfo, name: string, data: KObject, revision: number, labels: Record<string, string>, annotations?: Record<string, string>): KObject {
  const metadata: KObject = { name, namespace: owner.metadata.namespace, labels, ownerReferences: [newControllerRef(owner, ownerInfo)] };
  if (annotations && Object.keys(annotations).length) metadata.annotations = { ...annotations };
  return { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata, data, revision };
}

export class RevisionCollisionError extends Error {
  constructor(name: string) {
    super(`controllerrevision "${name}" already exists with different data (hash collision)`);
    this.name = 'RevisionCollisionError';
  }
}

/**
 * Creates the revision. If one of that name exists: the same data under the same owner is
 * returned as is; anything else is a hash collision (RevisionCollisionError: the caller bumps
 * status.collisionCount and retries).
 */
export async function createRevision(client: ResourceClient, rev: KObject, owner: KObject): Promise<KObject> {
  try {
    return await client.create(rev.metadata.namespace, rev);
  } catch (e) {
    if (!isAlreadyExists(e)) throw e;
    const existing = await client.get(rev.metadata.namespace, rev.metadata.name);
    if (controllerRefOf(existing)?.uid === owner.metadata.uid && sameData(existing, rev)) return existing;
    throw new RevisionCollisionError(rev.metadata.name);
  }
}

/** sets a revision's number (a rollback to an old template reuses its revision with a new number) */
export async function updateRevisionNumber(client: ResourceClient, rev: KObject, revision: number): Promise<KObject> {
  if (revisionNumber(rev) === revision) return rev;
  return client.update({ ...structuredClone(rev), revision });
}
