// The core shared by the ReplicaSet and ReplicationController controllers: keep N active pods matching a selector.

import type { ResourceInfo } from '../../api/resources.js';
import type { KObject } from '../../api/strategy.js';
import { matchLabelSelector, selectorFromSet, type LabelSelector } from '../../api/labels.js';
import { realClock, type Clock } from '../../client/clock.js';
import { keyOf } from '../../client/object-key.js';
import { isConflict, isNotFound } from '../../client/rest-client.js';
import type { Informer, Reconciler, ResourceClient, WorkQueue } from '../../client/types.js';
import type { Recorder, WorkloadControllerOptions } from './deps.js';
import { Expectations } from './expectations.js';
import { claimObjects, controllerRefOf, ensureControllerIndex, ownedBy, recheckOwner, resolveControllerRef, withKind } from './controller-ref.js';
import { comparePodsForDeletion, errMessage, isNamespaceTerminating, isPodActive, isPodAvailable, isPodReady, podFromTemplate, podKey, slowStartBatch } from './pods.js';
import { PODS } from './resources.js';

/** upstream's BurstReplicas: at most this many creates or deletes per sync */
export const BURST_REPLICAS = 500;
/** upstream's SlowStartInitialBatchSize */
export const SLOW_START_INITIAL_BATCH = 1;

export interface ReplicaKind {
  /** replicasets or replicationcontrollers */
  info: ResourceInfo;
  /** the controller's name (its reconciler name and the recorder's component) */
  name: string;
  /** the parsed selector; throws when it does not parse */
  selector(obj: KObject): LabelSelector;
}

/**
 * Level-based reconcile of one ReplicaSet or ReplicationController "namespace/name" (upstream's
 * ReplicaSetController.syncReplicaSet): claims active pods (adopts matching orphans, releases
 * owned pods that stopped matching); when its expectations are met, creates missing pods
 * (slow start 1, 2, 4, …) or deletes surplus ones (upstream's ranking); then writes status
 * (replicas, fullyLabeledReplicas, readyReplicas, availableReplicas, observedGeneration,
 * ReplicaFailure). A failed create/delete throws after status is written, so the key retries.
 */
export class ReplicaManager implements Reconciler {
  readonly name: string;
  protected readonly podClient: ResourceClient;
  protected readonly ownerClient: ResourceClient;
  protected readonly podInformer: Informer;
  protected readonly ownerInformer: Informer;
  protected readonly recorder: Recorder;
  protected readonly clock: Clock;
  readonly expectations: Expectations;
  private queue?: WorkQueue<string>;

  constructor(opts: WorkloadControllerOptions, protected readonly kind: ReplicaKind) {
    this.name = kind.name;
    this.podClient = opts.clientset.resource(PODS);
    this.ownerClient = opts.clientset.resource(kind.info);
    this.podInformer = opts.informers.informerFor(PODS);
    this.ownerInformer = opts.informers.informerFor(kind.info);
    ensureControllerIndex(this.podInformer);
    this.recorder = opts.recorder;
    this.clock = opts.clock ?? realClock;
    this.expectations = new Expectations(this.clock);
  }

  /** Adds the event handlers that feed `queue` (call once, before the informers start). */
  register(queue: WorkQueue<string>): void {
    this.queue = queue;
    this.ownerInformer.addEventHandler({
      onAdd: (o) => queue.add(keyOf(o)),
      onUpdate: (_old, cur) => queue.add(keyOf(cur)),
      onDelete: (o) => {
        this.expectations.delete(keyOf(o));
        queue.add(keyOf(o));
      },
    });
    this.podInformer.addEventHandler({
      onAdd: (pod) => this.podAdded(pod),
      onUpdate: (old, cur) => this.podUpdated(old, cur),
      onDelete: (pod) => this.podDeleted(pod),
    });
  }

  private ownerOf(pod: KObject): KObject | undefined {
    return resolveControllerRef(controllerRefOf(pod), pod.metadata.namespace, this.kind.info, this.ownerInformer.lister);
  }

  /** every owner in the pod's namespace whose selector matches the pod (for orphans) */
  private matchingOwners(pod: KObject): KObject[] {
    return this.ownerInformer.lister.listNamespace(pod.metadata.namespace).filter((o) => {
      try {
        return matchLabelSelector(this.kind.selector(o), pod.metadata.labels);
      } catch {
        return false;
      }
    });
  }

  private podAdded(pod: KObject): void {
    if (pod.metadata.deletionTimestamp) return this.podDeleted(pod);
    const ref = controllerRefOf(pod);
    if (ref) {
      const owner = this.ownerOf(pod);
      if (!owner) return;
      this.expectations.creationObserved(keyOf(owner));
      this.queue?.add(keyOf(owner));
      return;
    }
    for (const o of this.matchingOwners(pod)) this.queue?.add(keyOf(o));
  }

  private podUpdated(old: KObject, cur: KObject): void {
    if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
    const labelsChanged = JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(cur.metadata.labels ?? {});
    if (cur.metadata.deletionTimestamp && !old.metadata.deletionTimestamp) {
      // a graceful delete: the pod is as good as gone for the owner
      this.podDeleted(cur);
      if (labelsChanged) this.podDeleted(old);
      return;
    }
    const oldRef = controllerRefOf(old);
    const curRef = controllerRefOf(cur);
    const refChanged = JSON.stringify(oldRef ?? null) !== JSON.stringify(curRef ?? null);
    if (refChanged && oldRef) {
      const o = this.ownerOf(old);
      if (o) this.queue?.add(keyOf(o));
    }
    if (curRef) {
      const o = this.ownerOf(cur);
      if (!o) return;
      this.queue?.add(keyOf(o));
      const mrs = o.spec?.minReadySeconds ?? 0;
      if (mrs > 0 && !isPodReady(old) && isPodReady(cur)) this.queue?.addAfter(keyOf(o), mrs * 1000 + 1000);
      return;
    }
    if (labelsChanged || refChanged) for (const o of this.matchingOwners(cur)) this.queue?.add(keyOf(o));
  }

  private podDeleted(pod: KObject): void {
    const owner = this.ownerOf(pod);
    if (!owner) return;
    this.expectations.deletionObserved(keyOf(owner), podKey(pod));
    this.queue?.add(keyOf(owner));
  }

  async reconcile(key: string): Promise<void | { requeueAfterMs?: number }> {
    const cached = this.ownerInformer.lister.get(key);
    if (!cached) {
      this.expectations.delete(key);
      return;
    }
    const owner = withKind(cached, this.kind.info);
    let selector: LabelSelector;
    try {
      selector = this.kind.selector(owner);
    } catch {
      // upstream logs and gives up until the object changes
      return;
    }
    const needsSync = this.expectations.satisfied(key);
    const active = this.podInformer.lister.listNamespace(owner.metadata.namespace).filter(isPodActive);
    const pods = await claimObjects(active, {
      owner,
      ownerInfo: this.kind.info,
      client: this.podClient,
      match: (p) => matchLabelSelector(selector, p.metadata?.labels),
      canAdopt: recheckOwner(this.ownerClient, owner),
    });
    let manageErr: unknown;
    if (needsSync && !owner.metadata.deletionTimestamp) {
      try {
        await this.manageReplicas(key, owner, pods);
      } catch (e) {
        manageErr = e;
      }
    }
    const updated = await this.updateStatus(owner, this.calculateStatus(owner, pods, manageErr));
    if (manageErr) throw manageErr;
    const replicas = updated.spec?.replicas ?? 1;
    const mrs = updated.spec?.minReadySeconds ?? 0;
    if (mrs > 0 && updated.status?.readyReplicas === replicas && updated.status?.availableReplicas !== replicas) {
      return { requeueAfterMs: mrs * 1000 };
    }
  }

  private async manageReplicas(key: string, owner: KObject, pods: KObject[]): Promise<void> {
    const want = owner.spec?.replicas ?? 1;
    let diff = pods.length - want;
    if (diff < 0) {
      diff = Math.min(-diff, BURST_REPLICAS);
      this.expectations.expectCreations(key, diff);
      const { successes, error } = await slowStartBatch(diff, SLOW_START_INITIAL_BATCH, async () => {
        try {
          await this.createPod(owner);
        } catch (e) {
          // creates in a terminating namespace all fail: nothing to do
          if (!isNamespaceTerminating(e)) throw e;
        }
      });
      // creates never attempted (or that failed) will never be observed
      for (let i = successes; i < diff; i++) this.expectations.creationObserved(key);
      if (error) throw error;
      return;
    }
    if (diff > 0) {
      diff = Math.min(diff, BURST_REPLICAS);
      const victims = this.podsToDelete(owner, pods, diff);
      this.expectations.expectDeletions(key, victims.map(podKey));
      const results = await Promise.allSettled(victims.map((p) => this.deletePod(owner, p)));
      let first: unknown;
      results.forEach((r, i) => {
        if (r.status === 'rejected') {
          this.expectations.deletionObserved(key, podKey(victims[i]));
          if (!isNotFound(r.reason)) first ??= r.reason;
        }
      });
      if (first) throw first;
    }
  }

  /** upstream's podControl.CreatePods with generateName "<owner>-" and the SuccessfulCreate / FailedCreate events */
  protected async createPod(owner: KObject): Promise<void> {
    const pod = podFromTemplate(owner.spec?.template, owner, this.kind.info, `${owner.metadata.name}-`);
    if (!pod.metadata.labels || Object.keys(pod.metadata.labels).length === 0) throw new Error('unable to create pods, no labels');
    try {
      const created = await this.podClient.create(owner.metadata.namespace, pod);
      this.recorder.event(owner, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata?.name}`);
    } catch (e) {
      this.recorder.event(owner, 'Warning', 'FailedCreate', `Error creating: ${errMessage(e)}`);
      throw e;
    }
  }

  protected async deletePod(owner: KObject, pod: KObject): Promise<void> {
    try {
      await this.podClient.delete(pod.metadata.namespace, pod.metadata.name);
      this.recorder.event(owner, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
    } catch (e) {
      if (!isNotFound(e)) this.recorder.event(owner, 'Warning', 'FailedDelete', `Error deleting: ${errMessage(e)}`);
      throw e;
    }
  }

  /**
   * upstream's getPodsToDelete: the first `n` pods by the deletion ranking, where a pod's rank is
   * the number of active pods of the same owner family (sibling ReplicaSets of one Deployment)
   * on its node.
   */
  private podsToDelete(owner: KObject, pods: KObject[], n: number): KObject[] {
    if (n >= pods.length) return pods;
    const related = this.relatedPods(owner);
    const onNode = new Map<string, number>();
    for (const p of related) {
      const node = p.spec?.nodeName;
      if (node && isPodActive(p)) onNode.set(node, (onNode.get(node) ?? 0) + 1);
    }
    const now = this.clock.now();
    const ranked = pods.map((p) => ({ p, rank: p.spec?.nodeName ? (onNode.get(p.spec.nodeName) ?? 0) : 0 }));
    ranked.sort((a, b) => comparePodsForDeletion(a.p, b.p, a.rank, b.rank, now));
    return ranked.slice(0, n).map((x) => x.p);
  }

  /** pods of every sibling under the same controller (a Deployment's ReplicaSets), else this owner's pods */
  private relatedPods(owner: KObject): KObject[] {
    const ref = controllerRefOf(owner);
    const siblings = ref
      ? this.ownerInformer.lister.listNamespace(owner.metadata.namespace).filter((o) => controllerRefOf(o)?.uid === ref.uid)
      : [owner];
    return siblings.flatMap((s) => ownedBy(this.podInformer.lister, s));
  }

  private calculateStatus(owner: KObject, pods: KObject[], manageErr: unknown): KObject {
    const status: KObject = structuredClone(owner.status ?? {});
    const templateSelector = selectorFromSet(owner.spec?.template?.metadata?.labels ?? {});
    const now = this.clock.now();
    let fullyLabeled = 0;
    let ready = 0;
    let available = 0;
    for (const p of pods) {
      if (matchLabelSelector(templateSelector, p.metadata?.labels)) fullyLabeled++;
      if (isPodReady(p)) {
        ready++;
        if (isPodAvailable(p, owner.spec?.minReadySeconds, now)) available++;
      }
    }
    const conds: KObject[] = Array.isArray(status.conditions) ? status.conditions : [];
    const failure = conds.find((c) => c.type === 'ReplicaFailure');
    if (manageErr && !failure) {
      const diff = pods.length - (owner.spec?.replicas ?? 1);
      const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
      conds.push({ type: 'ReplicaFailure', status: 'True', lastTransitionTime: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'), reason, message: errMessage(manageErr) });
    }
    status.conditions = !manageErr && failure ? conds.filter((c) => c.type !== 'ReplicaFailure') : conds;
    if (status.conditions.length === 0) delete status.conditions;
    status.replicas = pods.length;
    status.fullyLabeledReplicas = fullyLabeled;
    status.readyReplicas = ready;
    status.availableReplicas = available;
    return status;
  }

  /** upstream's updateReplicaSetStatus: writes when anything (or observedGeneration) changed; one retry on conflict */
  private async updateStatus(owner: KObject, status: KObject): Promise<KObject> {
    const s = owner.status ?? {};
    const gen = owner.metadata.generation ?? 0;
    const same = ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'].every((f) => (s[f] ?? 0) === status[f])
      && JSON.stringify(s.conditions ?? []) === JSON.stringify(status.conditions ?? [])
      && s.observedGeneration === gen;
    if (same) return owner;
    // zero counters are left out, as upstream's omitempty
    const out: KObject = { ...status };
    for (const f of ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas']) if (out[f] === 0) delete out[f];
    let target = owner;
    for (let attempt = 0; ; attempt++) {
      const obj = { ...target, status: { ...out, observedGeneration: target.metadata.generation ?? gen } };
      try {
        return await this.ownerClient.updateStatus(obj);
      } catch (e) {
        if (!isConflict(e) || attempt >= 1) throw e;
        target = await this.ownerClient.get(owner.metadata.namespace, owner.metadata.name);
      }
    }
  }
}
