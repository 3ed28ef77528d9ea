// The Deployment controller (apps/v1): rolls ReplicaSets out (RollingUpdate, Recreate), scales them proportionally, reports progress.

import { labelSelectorFromSpec, matchLabelSelector } from '../../api/labels.js';
import type { KObject } from '../../api/strategy.js';
import { realClock, type Clock } from '../../client/clock.js';
import { keyOf } from '../../client/object-key.js';
import { isAlreadyExists, isConflict, isNotFound } from '../../client/rest-client.js';
import type { Informer, Reconciler, ReconcileResult, ResourceClient, WorkQueue } from '../../client/types.js';
import { canonicalJson, computeHash } from '../workloads-common/hash.js';
import { claimObjects, controllerRefOf, ensureControllerIndex, newControllerRef, ownedBy, recheckOwner, resolveControllerRef, withKind } from '../workloads-common/controller-ref.js';
import type { Recorder, WorkloadControllerOptions } from '../workloads-common/deps.js';
import { errMessage, isNamespaceTerminating } from '../workloads-common/pods.js';
import { DEPLOYMENTS, PODS, REPLICA_SETS } from '../workloads-common/resources.js';
import {
  POD_TEMPLATE_HASH_LABEL, REASONS, REVISION_ANNOTATION, activeRSs, actualReplicas, availableReplicas, byCreation, byRevision, bySizeNewer, bySizeOlder,
  deploymentComplete, deploymentProgressing, deploymentTimedOut, desiredReplicasAnnotation, findActiveOrLatest, findNewRS, getCondition, hasProgressDeadline,
  isSaturated, maxRevision, maxSurge, maxUnavailable, newCondition, newRSNewReplicas, readyReplicas, removeCondition, replicasAnnotationsNeedUpdate, replicasOf,
  rsProportion, rsReplicas, selectorWithLabel, setCondition, setNewRSAnnotations, setReplicasAnnotations, specReplicas, withLabel, equalIgnoreHash,
} from './deployment-util.js';

/** One sync's working state: a mutable copy of the Deployment and its ReplicaSets as last written. */
interface SyncCtx {
  d: KObject;
  rss: KObject[];
  /** pods by owning ReplicaSet uid (Recreate only) */
  podMap: Map<string, KObject[]>;
}

function nowString(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** status without zero counters (upstream's omitempty), so equal statuses compare equal */
function compactStatus(st: KObject): KObject {
  const out: KObject = {};
  for (const [k, v] of Object.entries(st)) {
    if (v === undefined || v === null) continue;
    if (typeof v === 'number' && v === 0 && k !== 'collisionCount') continue;
    if (Array.isArray(v) && v.length === 0) continue;
    out[k] = v;
  }
  return out;
}

/**
 * Reconciles one Deployment by key "namespace/name" (upstream's syncDeployment): claims its
 * ReplicaSets; when paused or on a scaling event scales them proportionally; otherwise rolls out
 * the new ReplicaSet `<name>-<pod-template-hash>` (RollingUpdate within maxSurge/maxUnavailable,
 * or Recreate), keeps revision annotations, cleans up beyond revisionHistoryLimit and writes
 * status with the Progressing/Available conditions. Returns a requeue delay while a progress
 * deadline is pending. Writes through the API only; reads from the informers.
 * Start: `const c = new DeploymentController(opts); c.register(queue);` (recorder component
 * "deployment-controller").
 */
export class DeploymentController implements Reconciler {
  readonly name = 'deployment-controller';
  private readonly dClient: ResourceClient;
  private readonly rsClient: ResourceClient;
  private readonly dInformer: Informer;
  private readonly rsInformer: Informer;
  private readonly podInformer: Informer;
  private readonly recorder: Recorder;
  private readonly clock: Clock;
  private queue?: WorkQueue<string>;

  constructor(opts: WorkloadControllerOptions) {
    this.dClient = opts.clientset.resource(DEPLOYMENTS);
    this.rsClient = opts.clientset.resource(REPLICA_SETS);
    this.dInformer = opts.informers.informerFor(DEPLOYMENTS);
    this.rsInformer = opts.informers.informerFor(REPLICA_SETS);
    this.podInformer = opts.informers.informerFor(PODS);
    ensureControllerIndex(this.rsInformer);
    ensureControllerIndex(this.podInformer);
    this.recorder = opts.recorder;
    this.clock = opts.clock ?? realClock;
  }

  /** Adds the event handlers that feed `queue` (call once, before the informers start). */
  register(queue: WorkQueue<string>): void {
    this.queue = queue;
    this.dInformer.addEventHandler({
      onAdd: (d) => queue.add(keyOf(d)),
      onUpdate: (_o, d) => queue.add(keyOf(d)),
      onDelete: (d) => queue.add(keyOf(d)),
    });
    this.rsInformer.addEventHandler({
      onAdd: (rs) => this.rsChanged(undefined, rs),
      onUpdate: (old, rs) => {
        if (old.metadata.resourceVersion !== rs.metadata.resourceVersion) this.rsChanged(old, rs);
      },
      onDelete: (rs) => {
        const d = this.ownerOf(rs);
        if (d) queue.add(keyOf(d));
      },
    });
    this.podInformer.addEventHandler({
      onDelete: (pod) => {
        // Recreate waits for old pods to be gone
        const rs = resolveControllerRef(controllerRefOf(pod), pod.metadata.namespace, REPLICA_SETS, this.rsInformer.lister);
        const d = rs && this.ownerOf(rs);
        if (d && d.spec?.strategy?.type === 'Recreate') queue.add(keyOf(d));
      },
    });
  }

  private ownerOf(rs: KObject): KObject | undefined {
    return resolveControllerRef(controllerRefOf(rs), rs.metadata.namespace, DEPLOYMENTS, this.dInformer.lister);
  }

  private rsChanged(old: KObject | undefined, rs: KObject): void {
    const oldRef = old && controllerRefOf(old);
    const ref = controllerRefOf(rs);
    const refChanged = old !== undefined && JSON.stringify(oldRef ?? null) !== JSON.stringify(ref ?? null);
    if (refChanged && oldRef) {
      const d = old && this.ownerOf(old);
      if (d) this.queue?.add(keyOf(d));
    }
    if (ref) {
      const d = this.ownerOf(rs);
      if (d) this.queue?.add(keyOf(d));
      return;
    }
    const labelsChanged = !old || JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(rs.metadata.labels ?? {});
    if (!labelsChanged && !refChanged) return;
    for (const d of this.dInformer.lister.listNamespace(rs.metadata.namespace)) {
      try {
        const sel = d.spec?.selector ?? {};
        if (Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions ?? []).length === 0) continue;
        if (matchLabelSelector(labelSelectorFromSpec(sel), rs.metadata.labels)) this.queue?.add(keyOf(d));
      } catch {
        // an unparsable selector selects nothing
      }
    }
  }

  async reconcile(key: string): Promise<void | ReconcileResult> {
    const cached = this.dInformer.lister.get(key);
    if (!cached) return;
    const d = structuredClone(withKind(cached, DEPLOYMENTS));
    d.status ??= {};
    d.metadata.annotations ??= {};
    const sel = d.spec?.selector ?? {};
    if (Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions ?? []).length === 0) {
      this.recorder.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if (d.metadata.generation !== d.status.observedGeneration) {
        d.status.observedGeneration = d.metadata.generation;
        await this.dClient.updateStatus(d);
      }
      return;
    }
    let selector;
    try {
      selector = labelSelectorFromSpec(sel);
    } catch {
      return;
    }
    const candidates = this.rsInformer.lister.listNamespace(d.metadata.namespace);
    const rss = await claimObjects(candidates, {
      owner: d,
      ownerInfo: DEPLOYMENTS,
      client: this.rsClient,
      match: (rs) => matchLabelSelector(selector, rs.metadata?.labels),
      canAdopt: recheckOwner(this.dClient, d),
    });
    const ctx: SyncCtx = { d, rss: [...rss], podMap: new Map() };
    if (d.spec?.strategy?.type === 'Recreate') for (const rs of rss) ctx.podMap.set(rs.metadata.uid, ownedBy(this.podInformer.lister, rs));

    if (d.metadata.deletionTimestamp) return this.syncStatusOnly(ctx);
    await this.checkPausedConditions(ctx);
    if (d.spec?.paused) return this.sync(ctx);
    if (await this.isScalingEvent(ctx)) return this.sync(ctx);
    return d.spec?.strategy?.type === 'Recreate' ? this.rolloutRecreate(ctx) : this.rolloutRolling(ctx);
  }

  // ---------------------------------------------------------------- ReplicaSets

  private fresh(ctx: SyncCtx, rs: KObject | undefined): KObject | undefined {
    return rs && (ctx.rss.find((x) => x.metadata.uid === rs.metadata.uid) ?? rs);
  }

  private async updateRS(ctx: SyncCtx, rs: KObject): Promise<KObject> {
    const updated = await this.rsClient.update(rs);
    const i = ctx.rss.findIndex((x) => x.metadata.uid === updated.metadata.uid);
    if (i >= 0) ctx.rss[i] = updated;
    else ctx.rss.push(updated);
    return updated;
  }

  /** upstream's getAllReplicaSetsAndSyncRevision */
  private async getAll(ctx: SyncCtx, createIfMissing: boolean): Promise<{ newRS?: KObject; oldRSs: KObject[] }> {
    const candidate = findNewRS(ctx.d, ctx.rss);
    const oldRSs = ctx.rss.filter((rs) => rs.metadata.uid !== candidate?.metadata.uid);
    const newRS = await this.getNewReplicaSet(ctx, oldRSs, createIfMissing);
    return { newRS, oldRSs: oldRSs.map((rs) => this.fresh(ctx, rs)!) };
  }

  /**
   * upstream's getNewReplicaSet: syncs the existing new RS's annotations (revision = max old + 1)
   * and the Deployment's revision, or creates the new RS (with collision handling).
   */
  private async getNewReplicaSet(ctx: SyncCtx, oldRSs: KObject[], createIfMissing: boolean): Promise<KObject | undefined> {
    const { d } = ctx;
    const existing = findNewRS(d, ctx.rss);
    const newRevision = maxRevision(oldRSs) + 1;
    if (existing) {
      const copy = structuredClone(existing);
      const annotationsUpdated = setNewRSAnnotations(d, copy, newRevision, true);
      const mrsUpdate = (copy.spec.minReadySeconds ?? 0) !== (d.spec.minReadySeconds ?? 0);
      if (annotationsUpdated || mrsUpdate) {
        copy.spec.minReadySeconds = d.spec.minReadySeconds ?? 0;
        return this.updateRS(ctx, copy);
      }
      let needsUpdate = this.setDeploymentRevision(d, copy.metadata.annotations?.[REVISION_ANNOTATION]);
      if (hasProgressDeadline(d) && !getCondition(d.status, 'Progressing')) {
        setCondition(d.status, newCondition('Progressing', 'True', REASONS.foundNewRS, `Found new replica set "${copy.metadata.name}"`, this.now()));
        needsUpdate = true;
      }
      if (needsUpdate) await this.writeStatus(ctx);
      return existing;
    }
    if (!createIfMissing) return undefined;

    const hash = computeHash(d.spec.template, d.status.collisionCount);
    const template = structuredClone(d.spec.template ?? {});
    template.metadata ??= {};
    template.metadata.labels = withLabel(d.spec.template?.metadata?.labels, POD_TEMPLATE_HASH_LABEL, hash);
    const newRS: KObject = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: `${d.metadata.name}-${hash}`, namespace: d.metadata.namespace, ownerReferences: [newControllerRef(d, DEPLOYMENTS)], labels: { ...template.metadata.labels } },
      spec: { replicas: 0, minReadySeconds: d.spec.minReadySeconds ?? 0, selector: selectorWithLabel(d.spec.selector, POD_TEMPLATE_HASH_LABEL, hash), template },
    };
    const count = newRSNewReplicas(d, [...oldRSs, newRS], newRS);
    newRS.spec.replicas = count;
    setNewRSAnnotations(d, newRS, newRevision, false);
    let created: KObject;
    let alreadyExists = false;
    try {
      created = await this.rsClient.create(d.metadata.namespace, newRS);
    } catch (e) {
      if (isNamespaceTerminating(e)) throw e;
      if (!isAlreadyExists(e)) {
        const msg = `Failed to create new replica set "${newRS.metadata.name}": ${errMessage(e)}`;
        if (hasProgressDeadline(d)) {
          setCondition(d.status, newCondition('Progressing', 'False', REASONS.failedRSCreate, msg, this.now()));
          await this.writeStatus(ctx).catch(() => undefined);
        }
        this.recorder.event(d, 'Warning', REASONS.failedRSCreate, msg);
        throw e;
      }
      alreadyExists = true;
      const rs = this.rsInformer.lister.get(`${d.metadata.namespace}/${newRS.metadata.name}`) ?? (await this.rsClient.get(d.metadata.namespace, newRS.metadata.name));
      if (controllerRefOf(rs)?.uid === d.metadata.uid && equalIgnoreHash(d.spec.template, rs.spec?.template)) {
        created = rs;
      } else {
        // a hash collision: bump collisionCount so the next sync hashes differently
        d.status.collisionCount = (d.status.collisionCount ?? 0) + 1;
        await this.writeStatus(ctx).catch(() => undefined);
        throw e;
      }
    }
    if (!ctx.rss.some((x) => x.metadata.uid === created.metadata.uid)) ctx.rss.push(created);
    if (!alreadyExists && count > 0) {
      this.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${count}`);
    }
    let needsUpdate = this.setDeploymentRevision(d, String(newRevision));
    if (!alreadyExists && hasProgressDeadline(d)) {
      setCondition(d.status, newCondition('Progressing', 'True', REASONS.newRSCreated, `Created new replica set "${created.metadata.name}"`, this.now()));
      needsUpdate = true;
    }
    if (needsUpdate) await this.writeStatus(ctx);
    return created;
  }

  private setDeploymentRevision(d: KObject, revision: string | undefined): boolean {
    if (revision === undefined || d.metadata.annotations[REVISION_ANNOTATION] === revision) return false;
    d.metadata.annotations[REVISION_ANNOTATION] = revision;
    return true;
  }

  /**
   * Writes the working Deployment's status. The revision annotation travels with it, as upstream
   * (whose deployments/status keeps annotation changes); an API that drops metadata on status
   * writes gets it by a merge patch of the Deployment instead.
   */
  private async writeStatus(ctx: SyncCtx): Promise<void> {
    const { d } = ctx;
    let res: KObject;
    try {
      res = await this.dClient.updateStatus(d);
    } catch (e) {
      // a cache behind our own last write: the status still holds for the same generation
      if (!isConflict(e)) throw e;
      const fresh = await this.dClient.get(d.metadata.namespace, d.metadata.name);
      if (fresh.metadata?.generation !== d.metadata.generation) throw e;
      const status = { ...d.status };
      if (fresh.status?.collisionCount != null) status.collisionCount = Math.max(status.collisionCount ?? 0, fresh.status.collisionCount);
      res = await this.dClient.updateStatus({ ...fresh, status });
    }
    const want = d.metadata.annotations?.[REVISION_ANNOTATION];
    if (want !== undefined && res.metadata?.annotations?.[REVISION_ANNOTATION] !== want) {
      res = await this.dClient.patch(d.metadata.namespace, d.metadata.name, 'merge', { metadata: { annotations: { [REVISION_ANNOTATION]: want } } });
    }
    d.metadata.resourceVersion = res.metadata?.resourceVersion;
  }

  private now(): string {
    return nowString(this.clock.now());
  }

  // ---------------------------------------------------------------- scaling

  private async scaleAndRecord(ctx: SyncCtx, rs: KObject, newScale: number): Promise<[boolean, KObject]> {
    if (rsReplicas(rs) === newScale) return [false, rs];
    return this.scaleReplicaSet(ctx, rs, newScale, rsReplicas(rs) < newScale ? 'up' : 'down');
  }

  private async scaleReplicaSet(ctx: SyncCtx, rs: KObject, newScale: number, op: string): Promise<[boolean, KObject]> {
    const { d } = ctx;
    const sizeNeedsUpdate = rsReplicas(rs) !== newScale;
    const max = replicasOf(d) + maxSurge(d);
    if (!sizeNeedsUpdate && !replicasAnnotationsNeedUpdate(rs, replicasOf(d), max)) return [false, rs];
    const oldScale = rsReplicas(rs);
    const copy = structuredClone(rs);
    copy.spec.replicas = newScale;
    setReplicasAnnotations(copy, replicasOf(d), max);
    const updated = await this.updateRS(ctx, copy);
    if (sizeNeedsUpdate) this.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${op} replica set ${rs.metadata.name} from ${oldScale} to ${newScale}`);
    return [sizeNeedsUpdate, updated];
  }

  /** upstream's isScalingEvent: an active RS was sized for a different spec.replicas */
  private async isScalingEvent(ctx: SyncCtx): Promise<boolean> {
    const { newRS, oldRSs } = await this.getAll(ctx, false);
    for (const rs of activeRSs([...oldRSs, newRS])) {
      const desired = desiredReplicasAnnotation(rs);
      if (desired !== undefined && desired !== replicasOf(ctx.d)) return true;
    }
    return false;
  }

  /** upstream's scale: proportional scaling of the active RSs (paused or resized Deployments) */
  private async scale(ctx: SyncCtx, newRS: KObject | undefined, oldRSs: KObject[]): Promise<void> {
    const { d } = ctx;
    const single = findActiveOrLatest(newRS, oldRSs);
    if (single) {
      if (rsReplicas(single) !== replicasOf(d)) await this.scaleAndRecord(ctx, single, replicasOf(d));
      return;
    }
    if (isSaturated(d, newRS)) {
      for (const old of activeRSs(oldRSs)) await this.scaleAndRecord(ctx, old, 0);
      return;
    }
    if (d.spec?.strategy?.type === 'Recreate') return;
    const all = activeRSs([...oldRSs, newRS]);
    const allowed = replicasOf(d) > 0 ? replicasOf(d) + maxSurge(d) : 0;
    const toAdd = allowed - specReplicas(all);
    let op = '';
    if (toAdd > 0) {
      all.sort(bySizeNewer);
      op = 'up';
    } else if (toAdd < 0) {
      all.sort(bySizeOlder);
      op = 'down';
    }
    let added = 0;
    const sizes = new Map<string, number>();
    for (const rs of all) {
      if (toAdd !== 0) {
        const p = rsProportion(rs, d, toAdd, added);
        sizes.set(rs.metadata.name, rsReplicas(rs) + p);
        added += p;
      } else sizes.set(rs.metadata.name, rsReplicas(rs));
    }
    for (let i = 0; i < all.length; i++) {
      const rs = all[i];
      if (i === 0 && toAdd !== 0) sizes.set(rs.metadata.name, Math.max(0, sizes.get(rs.metadata.name)! + toAdd - added));
      await this.scaleReplicaSet(ctx, rs, sizes.get(rs.metadata.name)!, op);
    }
  }

  // ---------------------------------------------------------------- strategies

  private async sync(ctx: SyncCtx): Promise<void> {
    const { newRS, oldRSs } = await this.getAll(ctx, false);
    await this.scale(ctx, newRS, oldRSs);
    const olds = oldRSs.map((rs) => this.fresh(ctx, rs)!);
    if (ctx.d.spec?.paused) await this.cleanupDeployment(ctx, olds);
    const nrs = this.fresh(ctx, newRS);
    await this.syncDeploymentStatus(ctx, [...olds, ...(nrs ? [nrs] : [])], nrs);
  }

  private async syncStatusOnly(ctx: SyncCtx): Promise<void> {
    const { newRS, oldRSs } = await this.getAll(ctx, false);
    await this.syncDeploymentStatus(ctx, [...oldRSs, ...(newRS ? [newRS] : [])], newRS);
  }

  private async checkPausedConditions(ctx: SyncCtx): Promise<void> {
    const { d } = ctx;
    if (!hasProgressDeadline(d)) return;
    const cond = getCondition(d.status, 'Progressing');
    if (cond?.reason === REASONS.timedOut) return;
    const pausedExists = cond?.reason === REASONS.paused;
    let needsUpdate = false;
    if (d.spec?.paused && !pausedExists) {
      setCondition(d.status, newCondition('Progressing', 'Unknown', REASONS.paused, 'Deployment is paused', this.now()));
      needsUpdate = true;
    } else if (!d.spec?.paused && pausedExists) {
      setCondition(d.status, newCondition('Progressing', 'Unknown', REASONS.resumed, 'Deployment is resumed', this.now()));
      needsUpdate = true;
    }
    if (needsUpdate) await this.writeStatus(ctx);
  }

  private async rolloutRolling(ctx: SyncCtx): Promise<void | ReconcileResult> {
    const { d } = ctx;
    let { newRS, oldRSs } = await this.getAll(ctx, true);
    const all = () => [...oldRSs.map((rs) => this.fresh(ctx, rs)!), ...(newRS ? [this.fresh(ctx, newRS)!] : [])];
    if (newRS && (await this.reconcileNewReplicaSet(ctx, all(), this.fresh(ctx, newRS)!))) return this.syncRolloutStatus(ctx, all(), this.fresh(ctx, newRS));
    oldRSs = oldRSs.map((rs) => this.fresh(ctx, rs)!);
    newRS = this.fresh(ctx, newRS);
    if (await this.reconcileOldReplicaSets(ctx, all(), activeRSs(oldRSs), newRS)) return this.syncRolloutStatus(ctx, all(), this.fresh(ctx, newRS));
    if (deploymentComplete(d, d.status)) await this.cleanupDeployment(ctx, oldRSs.map((rs) => this.fresh(ctx, rs)!));
    return this.syncRolloutStatus(ctx, all(), this.fresh(ctx, newRS));
  }

  private async reconcileNewReplicaSet(ctx: SyncCtx, allRSs: KObject[], newRS: KObject): Promise<boolean> {
    const { d } = ctx;
    if (rsReplicas(newRS) === replicasOf(d)) return false;
    if (rsReplicas(newRS) > replicasOf(d)) return (await this.scaleAndRecord(ctx, newRS, replicasOf(d)))[0];
    return (await this.scaleAndRecord(ctx, newRS, newRSNewReplicas(d, allRSs, newRS)))[0];
  }

  /** upstream's reconcileOldReplicaSets: scale old RSs down as far as maxUnavailable allows, unhealthy ones first */
  private async reconcileOldReplicaSets(ctx: SyncCtx, allRSs: KObject[], oldRSs: KObject[], newRS: KObject | undefined): Promise<boolean> {
    const { d } = ctx;
    if (specReplicas(oldRSs) === 0) return false;
    const allPods = specReplicas(allRSs);
    const minAvailable = replicasOf(d) - maxUnavailable(d);
    const newUnavailable = rsReplicas(newRS) - (newRS?.status?.availableReplicas ?? 0);
    const maxScaledDown = allPods - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return false;
    const cleanup = await this.cleanupUnhealthyReplicas(ctx, oldRSs, maxScaledDown);
    const olds = oldRSs.map((rs) => this.fresh(ctx, rs)!);
    const scaled = await this.scaleDownOldForRollingUpdate(ctx, [...olds, ...(newRS ? [this.fresh(ctx, newRS)!] : [])], olds);
    return cleanup + scaled > 0;
  }

  private async cleanupUnhealthyReplicas(ctx: SyncCtx, oldRSs: KObject[], maxCleanup: number): Promise<number> {
    let total = 0;
    for (const rs of [...oldRSs].sort(byCreation)) {
      if (total >= maxCleanup) break;
      const replicas = rsReplicas(rs);
      const available = rs.status?.availableReplicas ?? 0;
      if (replicas === 0 || replicas === available) continue;
      const down = Math.min(maxCleanup - total, replicas - available);
      await this.scaleAndRecord(ctx, rs, replicas - down);
      total += down;
    }
    return total;
  }

  private async scaleDownOldForRollingUpdate(ctx: SyncCtx, allRSs: KObject[], oldRSs: KObject[]): Promise<number> {
    const { d } = ctx;
    const minAvailable = replicasOf(d) - maxUnavailable(d);
    const available = availableReplicas(allRSs);
    if (available <= minAvailable) return 0;
    const want = available - minAvailable;
    let total = 0;
    for (const rs of [...oldRSs].sort(byCreation)) {
      if (total >= want) break;
      if (rsReplicas(rs) === 0) continue;
      const down = Math.min(rsReplicas(rs), want - total);
      await this.scaleAndRecord(ctx, rs, rsReplicas(rs) - down);
      total += down;
    }
    return total;
  }

  private async rolloutRecreate(ctx: SyncCtx): Promise<void | ReconcileResult> {
    const { d } = ctx;
    let { newRS, oldRSs } = await this.getAll(ctx, false);
    const all = () => [...oldRSs.map((rs) => this.fresh(ctx, rs)!), ...(newRS ? [this.fresh(ctx, newRS)!] : [])];
    let scaledDown = false;
    for (const rs of activeRSs(oldRSs)) if ((await this.scaleAndRecord(ctx, rs, 0))[0]) scaledDown = true;
    if (scaledDown) return this.syncRolloutStatus(ctx, all(), this.fresh(ctx, newRS));
    if (this.oldPodsRunning(ctx, newRS, oldRSs.map((rs) => this.fresh(ctx, rs)!))) return this.syncRolloutStatus(ctx, all(), this.fresh(ctx, newRS));
    if (!newRS) ({ newRS, oldRSs } = await this.getAll(ctx, true));
    if (newRS) await this.scaleAndRecord(ctx, this.fresh(ctx, newRS)!, replicasOf(d));
    if (deploymentComplete(d, d.status)) await this.cleanupDeployment(ctx, oldRSs.map((rs) => this.fresh(ctx, rs)!));
    return this.syncRolloutStatus(ctx, all(), this.fresh(ctx, newRS));
  }

  /** upstream's oldPodsRunning: old RSs report pods, or non-terminal pods of old RSs remain */
  private oldPodsRunning(ctx: SyncCtx, newRS: KObject | undefined, oldRSs: KObject[]): boolean {
    if (actualReplicas(oldRSs) > 0) return true;
    for (const [uid, pods] of ctx.podMap) {
      if (newRS && newRS.metadata.uid === uid) continue;
      for (const p of pods) if (p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded') return true;
    }
    return false;
  }

  /** upstream's cleanupDeployment: delete the oldest empty RSs beyond revisionHistoryLimit */
  private async cleanupDeployment(ctx: SyncCtx, oldRSs: KObject[]): Promise<void> {
    const limit = ctx.d.spec?.revisionHistoryLimit;
    if (limit == null) return;
    const cleanable = oldRSs.filter((rs) => rs && !rs.metadata.deletionTimestamp).sort(byRevision);
    const diff = cleanable.length - limit;
    for (let i = 0; i < diff; i++) {
      const rs = cleanable[i];
      if ((rs.status?.replicas ?? 0) !== 0 || rsReplicas(rs) !== 0 || (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0) || rs.metadata.deletionTimestamp) continue;
      try {
        await this.rsClient.delete(rs.metadata.namespace, rs.metadata.name);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
  }

  // ---------------------------------------------------------------- status

  private calculateStatus(ctx: SyncCtx, allRSs: KObject[], newRS: KObject | undefined): KObject {
    const { d } = ctx;
    const available = availableReplicas(allRSs);
    const status: KObject = {
      observedGeneration: d.metadata.generation,
      replicas: actualReplicas(allRSs),
      updatedReplicas: actualReplicas(newRS ? [newRS] : []),
      readyReplicas: readyReplicas(allRSs),
      availableReplicas: available,
      unavailableReplicas: Math.max(0, specReplicas(allRSs) - available),
      conditions: (d.status?.conditions ?? []).map((c: KObject) => ({ ...c })),
    };
    if (d.status?.collisionCount != null) status.collisionCount = d.status.collisionCount;
    if (available >= replicasOf(d) - maxUnavailable(d)) {
      setCondition(status, newCondition('Available', 'True', REASONS.minAvailable, 'Deployment has minimum availability.', this.now()));
    } else {
      setCondition(status, newCondition('Available', 'False', REASONS.minUnavailable, 'Deployment does not have minimum availability.', this.now()));
    }
    return status;
  }

  private async syncDeploymentStatus(ctx: SyncCtx, allRSs: KObject[], newRS: KObject | undefined): Promise<void> {
    const st = this.calculateStatus(ctx, allRSs, newRS);
    if (canonicalJson(compactStatus(ctx.d.status ?? {})) === canonicalJson(compactStatus(st))) return;
    ctx.d.status = compactStatus(st);
    await this.writeStatus(ctx);
  }

  /** upstream's syncRolloutStatus: status plus the Progressing condition; a requeue for the deadline */
  private async syncRolloutStatus(ctx: SyncCtx, allRSs: KObject[], newRS: KObject | undefined): Promise<void | ReconcileResult> {
    const { d } = ctx;
    const st = this.calculateStatus(ctx, allRSs, newRS);
    if (!hasProgressDeadline(d)) removeCondition(st, 'Progressing');
    const current = getCondition(d.status, 'Progressing');
    const isComplete = (st.replicas ?? 0) === (st.updatedReplicas ?? 0) && current?.reason === REASONS.newRSAvailable;
    const nowMs = this.clock.now();
    if (hasProgressDeadline(d) && !isComplete) {
      if (deploymentComplete(d, st)) {
        const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" has successfully progressed.` : `Deployment "${d.metadata.name}" has successfully progressed.`;
        setCondition(st, newCondition('Progressing', 'True', REASONS.newRSAvailable, msg, this.now()));
      } else if (deploymentProgressing(d, st)) {
        const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" is progressing.` : `Deployment "${d.metadata.name}" is progressing.`;
        const cond = newCondition('Progressing', 'True', REASONS.rsUpdated, msg, this.now());
        if (current) {
          if (current.status === 'True') cond.lastTransitionTime = current.lastTransitionTime;
          removeCondition(st, 'Progressing');
        }
        setCondition(st, cond);
      } else if (deploymentTimedOut(d, st, nowMs)) {
        const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" has timed out progressing.` : `Deployment "${d.metadata.name}" has timed out progressing.`;
        setCondition(st, newCondition('Progressing', 'False', REASONS.timedOut, msg, this.now()));
      }
    }
    const failure = this.replicaFailure(allRSs, newRS);
    if (failure) setCondition(st, failure);
    else removeCondition(st, 'ReplicaFailure');
    if (canonicalJson(compactStatus(d.status ?? {})) === canonicalJson(compactStatus(st))) return this.requeueStuck(d, st, nowMs);
    d.status = compactStatus(st);
    await this.writeStatus(ctx);
  }

  /** the first ReplicaFailure condition of the new RS, else of any other, as a Deployment condition */
  private replicaFailure(allRSs: KObject[], newRS: KObject | undefined): KObject | undefined {
    const order = newRS ? [newRS, ...allRSs.filter((rs) => rs.metadata.uid !== newRS.metadata.uid)] : allRSs;
    for (const rs of order) {
      const c = (rs.status?.conditions ?? []).find((x: KObject) => x.type === 'ReplicaFailure');
      if (c) return { type: 'ReplicaFailure', status: c.status, lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime, reason: c.reason, message: c.message };
    }
    return undefined;
  }

  /** upstream's requeueStuckDeployment: check again just after the progress deadline would pass */
  private requeueStuck(d: KObject, st: KObject, nowMs: number): ReconcileResult | undefined {
    const cond = getCondition(d.status, 'Progressing');
    if (!hasProgressDeadline(d) || !cond) return undefined;
    if (deploymentComplete(d, st) || cond.reason === REASONS.timedOut) return undefined;
    const from = Date.parse(cond.lastUpdateTime ?? '');
    if (Number.isNaN(from)) return undefined;
    const after = from + d.spec.progressDeadlineSeconds * 1000 - nowMs;
    return { requeueAfterMs: after < 1000 ? 1000 : after + 1000 };
  }
}
