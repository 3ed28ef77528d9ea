// The StatefulSet controller (apps/v1): stable pod identities <name>-<ordinal>, per-pod claims, ordered rollout, revisions.

import { labelSelectorFromSpec, matchLabelSelector, type LabelSelector } from '../../api/labels.js';
import type { KObject } from '../../api/strategy.js';
import { realClock, type Clock } from '../../client/clock.js';
import { keyOf } from '../../client/object-key.js';
import { isAlreadyExists, isConflict, isNotFound } from '../../client/rest-client.js';
import type { Informer, Reconciler, ReconcileResult, ResourceClient, WorkQueue } from '../../client/types.js';
import { claimObjects, controllerRefOf, ensureControllerIndex, ownedBy, recheckOwner, resolveControllerRef, withKind } from '../workloads-common/controller-ref.js';
import type { Recorder, WorkloadControllerOptions } from '../workloads-common/deps.js';
import { computeHash } from '../workloads-common/hash.js';
import {
  CONTROLLER_REVISION_HASH_LABEL, RevisionCollisionError, createRevision, newRevision, nextRevisionNumber, revisionName, sameData, sortRevisions,
  templateOfRevision, templatePatch, updateRevisionNumber,
} from '../workloads-common/history.js';
import { errMessage, isPodReady, msUntilAvailable, podFromTemplate } from '../workloads-common/pods.js';
import { CONTROLLER_REVISIONS, PODS, PVCS, STATEFUL_SETS } from '../workloads-common/resources.js';
import {
  POD_INDEX_LABEL, POD_NAME_LABEL, REVISION_HASH_LABEL, claimsFor, identityMatches, isFailed, isHealthy, isMemberOf, isPending, isRunningAndAvailable,
  isRunningAndReady, isSucceeded, isTerminating, ordinalOf, podName, podRevision, startOrdinal, withStorage,
} from './statefulset-util.js';

interface Slot {
  pod: KObject;
  /** false for a pod built here that the API does not have yet */
  created: boolean;
}

/**
 * Reconciles one StatefulSet by key "namespace/name" (upstream's syncStatefulSet): keeps a
 * ControllerRevision per template (rollback reuses the old one with a new number); makes pods
 * <name>-<ordinal> for ordinals [start, start+replicas), creating each pod's PVCs
 * (<claim>-<name>-<ordinal>) first; with OrderedReady creates the next pod only when all before
 * it are Running and Ready and removes surplus pods one at a time from the highest ordinal, with
 * Parallel does both at once; recreates failed pods; RollingUpdate replaces pods not at the update
 * revision from the highest ordinal down to the partition, one at a time, waiting for health;
 * writes status (replicas, readyReplicas, availableReplicas, currentReplicas, updatedReplicas,
 * currentRevision, updateRevision, collisionCount) and prunes unused revisions beyond
 * revisionHistoryLimit. Start: `const c = new StatefulSetController(opts); c.register(queue);`
 * (recorder component "statefulset-controller").
 */
export class StatefulSetController implements Reconciler {
  readonly name = 'statefulset-controller';
  private readonly setClient: ResourceClient;
  private readonly podClient: ResourceClient;
  private readonly pvcClient: ResourceClient;
  private readonly crClient: ResourceClient;
  private readonly setInformer: Informer;
  private readonly podInformer: Informer;
  private readonly crInformer: Informer;
  private readonly pvcInformer: Informer;
  private readonly recorder: Recorder;
  private readonly clock: Clock;
  private queue?: WorkQueue<string>;

  constructor(opts: WorkloadControllerOptions) {
    this.setClient = opts.clientset.resource(STATEFUL_SETS);
    this.podClient = opts.clientset.resource(PODS);
    this.pvcClient = opts.clientset.resource(PVCS);
    this.crClient = opts.clientset.resource(CONTROLLER_REVISIONS);
    this.setInformer = opts.informers.informerFor(STATEFUL_SETS);
    this.podInformer = opts.informers.informerFor(PODS);
    this.crInformer = opts.informers.informerFor(CONTROLLER_REVISIONS);
    this.pvcInformer = opts.informers.informerFor(PVCS);
    ensureControllerIndex(this.podInformer);
    ensureControllerIndex(this.crInformer);
    this.recorder = opts.recorder;
    this.clock = opts.clock ?? realClock;
  }

  /** Adds the event handlers that feed `queue` (call once, before the informers start). */
  register(queue: WorkQueue<string>): void {
    this.queue = queue;
    this.setInformer.addEventHandler({
      onAdd: (s) => queue.add(keyOf(s)),
      onUpdate: (_o, s) => queue.add(keyOf(s)),
      onDelete: (s) => queue.add(keyOf(s)),
    });
    this.podInformer.addEventHandler({
      onAdd: (p) => this.podChanged(undefined, p),
      onUpdate: (o, p) => {
        if (o.metadata.resourceVersion !== p.metadata.resourceVersion) this.podChanged(o, p);
      },
      onDelete: (p) => {
        const s = this.ownerOf(p);
        if (s) queue.add(keyOf(s));
      },
    });
    const revChanged = (cr: KObject) => {
      const s = this.ownerOf(cr);
      if (s) queue.add(keyOf(s));
    };
    this.crInformer.addEventHandler({ onAdd: revChanged, onUpdate: (_o, cr) => revChanged(cr), onDelete: revChanged });
  }

  private ownerOf(obj: KObject): KObject | undefined {
    return resolveControllerRef(controllerRefOf(obj), obj.metadata.namespace, STATEFUL_SETS, this.setInformer.lister);
  }

  private podChanged(old: KObject | undefined, pod: KObject): void {
    const oldOwner = old && this.ownerOf(old);
    const owner = this.ownerOf(pod);
    if (oldOwner && oldOwner !== owner) this.queue?.add(keyOf(oldOwner));
    if (owner) {
      this.queue?.add(keyOf(owner));
      const mrs = owner.spec?.minReadySeconds ?? 0;
      if (old && mrs > 0 && !isPodReady(old) && isPodReady(pod)) this.queue?.addAfter(keyOf(owner), mrs * 1000 + 1000);
      return;
    }
    if (controllerRefOf(pod)) return;
    for (const s of this.setInformer.lister.listNamespace(pod.metadata.namespace)) {
      const sel = selectorOf(s);
      if (sel && isMemberOf(s, pod) && matchLabelSelector(sel, pod.metadata.labels)) this.queue?.add(keyOf(s));
    }
  }

  async reconcile(key: string): Promise<void | ReconcileResult> {
    const cached = this.setInformer.lister.get(key);
    if (!cached) return;
    const set = structuredClone(withKind(cached, STATEFUL_SETS));
    const selector = selectorOf(set);
    if (!selector) return;
    const canAdopt = recheckOwner(this.setClient, set);
    const revisions = sortRevisions(await claimObjects(this.crInformer.lister.listNamespace(set.metadata.namespace), {
      owner: set, ownerInfo: STATEFUL_SETS, client: this.crClient, canAdopt,
      match: (cr) => matchLabelSelector(selector, cr.metadata?.labels),
    }));
    const pods = await claimObjects(this.podInformer.lister.listNamespace(set.metadata.namespace), {
      owner: set, ownerInfo: STATEFUL_SETS, client: this.podClient, canAdopt,
      match: (p) => isMemberOf(set, p) && matchLabelSelector(selector, p.metadata?.labels),
    });
    const { current, update, collisionCount } = await this.revisionsFor(set, revisions);
    let status: KObject;
    let syncErr: unknown;
    try {
      status = await this.updateStatefulSet(set, current, update, collisionCount, pods);
    } catch (e) {
      if (!(e instanceof SyncError)) throw e;
      status = e.status;
      syncErr = e.cause;
    }
    await this.writeStatus(set, status);
    await this.truncateHistory(set, ownedBy(this.podInformer.lister, set), [...revisions, update], current, update);
    if (syncErr) throw syncErr;
    const mrs = set.spec?.minReadySeconds ?? 0;
    if (mrs > 0 && status.availableReplicas !== status.readyReplicas) {
      const now = this.clock.now();
      const waits = pods.map((p) => msUntilAvailable(p, mrs, now)).filter((x): x is number => x !== undefined && x > 0);
      return { requeueAfterMs: waits.length ? Math.min(...waits) : mrs * 1000 };
    }
  }

  // ---------------------------------------------------------------- revisions

  /** upstream's getStatefulSetRevisions: the current and update revisions (creating or renumbering the update revision) */
  private async revisionsFor(set: KObject, revisions: KObject[]): Promise<{ current: KObject; update: KObject; collisionCount: number }> {
    let cc: number = set.status?.collisionCount ?? 0;
    const data = templatePatch(set);
    const next = nextRevisionNumber(revisions);
    const equal = revisions.filter((r) => sameData(r, { data }));
    let update: KObject;
    if (equal.length && revisions[revisions.length - 1] === equal[equal.length - 1]) {
      update = equal[equal.length - 1];
    } else if (equal.length) {
      update = await updateRevisionNumber(this.crClient, equal[equal.length - 1], next);
    } else {
      for (;;) {
        const hash = computeHash(data, cc);
        const rev = newRevision(set, STATEFUL_SETS, revisionName(set.metadata.name, hash), data, next,
          { ...(set.spec?.template?.metadata?.labels ?? {}), [REVISION_HASH_LABEL]: hash }, set.metadata.annotations);
        try {
          update = await createRevision(this.crClient, rev, set);
          break;
        } catch (e) {
          if (!(e instanceof RevisionCollisionError) || cc > 1000) throw e;
          cc++;
        }
      }
    }
    const current = revisions.find((r) => r.metadata.name === set.status?.currentRevision) ?? update;
    return { current, update, collisionCount: cc };
  }

  private applyRevision(set: KObject, rev: KObject): KObject {
    return { ...set, spec: { ...set.spec, template: templateOfRevision(rev) } };
  }

  /** upstream's truncateHistory: delete the oldest revisions no pod (nor current/update) uses, beyond the limit */
  private async truncateHistory(set: KObject, pods: KObject[], revisions: KObject[], current: KObject, update: KObject): Promise<void> {
    const live = new Set<string>([current.metadata.name, update.metadata.name, ...pods.map(podRevision)]);
    const seen = new Set<string>();
    const history = sortRevisions(revisions).filter((r) => {
      if (live.has(r.metadata.name) || seen.has(r.metadata.name)) return false;
      seen.add(r.metadata.name);
      return true;
    });
    const excess = history.length - (set.spec?.revisionHistoryLimit ?? 10);
    for (const r of history.slice(0, Math.max(0, excess))) {
      try {
        await this.crClient.delete(r.metadata.namespace, r.metadata.name);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
  }

  // ---------------------------------------------------------------- pods

  /** upstream's newVersionedStatefulSetPod: ordinals below the partition keep the current revision */
  private newPod(currentSet: KObject, updateSet: KObject, current: string, update: string, ordinal: number): KObject {
    const us = currentSet.spec?.updateStrategy ?? {};
    const partition = us.rollingUpdate?.partition ?? 0;
    const useCurrent = us.type !== 'OnDelete' && ordinal < startOrdinal(currentSet) + partition;
    const set = useCurrent ? currentSet : updateSet;
    const pod = podFromTemplate(set.spec?.template, set, STATEFUL_SETS);
    const name = podName(set, ordinal);
    pod.metadata.name = name;
    pod.metadata.labels[POD_NAME_LABEL] = name;
    pod.metadata.labels[POD_INDEX_LABEL] = String(ordinal);
    pod.metadata.labels[CONTROLLER_REVISION_HASH_LABEL] = useCurrent ? current : update;
    pod.spec.hostname = name;
    if (set.spec?.serviceName) pod.spec.subdomain = set.spec.serviceName;
    withStorage(set, pod);
    return pod;
  }

  /** creates the pod's missing claims (an existing claim being deleted is an error: the pod must wait) */
  private async createClaims(set: KObject, pod: KObject): Promise<void> {
    const errors: string[] = [];
    const whenDeleted = set.spec?.persistentVolumeClaimRetentionPolicy?.whenDeleted;
    for (const claim of claimsFor(set, pod.metadata.name).values()) {
      const existing = this.pvcInformer.lister.get(`${claim.metadata.namespace}/${claim.metadata.name}`);
      if (existing) {
        if (existing.metadata.deletionTimestamp) errors.push(`pvc ${claim.metadata.name} is being deleted`);
        continue;
      }
      if (whenDeleted === 'Delete') {
        claim.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: set.metadata.name, uid: set.metadata.uid, blockOwnerDeletion: true }];
      }
      try {
        await this.pvcClient.create(claim.metadata.namespace, claim);
        this.recorder.event(set, 'Normal', 'SuccessfulCreate', `create Claim ${claim.metadata.name} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} success`);
      } catch (e) {
        if (isAlreadyExists(e)) continue;
        errors.push(`failed to create PVC ${claim.metadata.name}: ${errMessage(e)}`);
        this.recorder.event(set, 'Warning', 'FailedCreate', `create Claim ${claim.metadata.name} for Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${errMessage(e)}`);
      }
    }
    if (errors.length) throw new Error(errors.join('; '));
  }

  private async createPod(set: KObject, pod: KObject): Promise<void> {
    try {
      await this.createClaims(set, pod);
      await this.podClient.create(set.metadata.namespace, pod);
    } catch (e) {
      if (isAlreadyExists(e)) throw e;
      this.recorder.event(set, 'Warning', 'FailedCreate', `create Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${errMessage(e)}`);
      throw e;
    }
    this.recorder.event(set, 'Normal', 'SuccessfulCreate', `create Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`);
  }

  private async deletePod(set: KObject, pod: KObject): Promise<void> {
    try {
      await this.podClient.delete(pod.metadata.namespace, pod.metadata.name, { preconditions: { uid: pod.metadata.uid } });
    } catch (e) {
      if (isNotFound(e)) return;
      this.recorder.event(set, 'Warning', 'FailedDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${errMessage(e)}`);
      throw e;
    }
    this.recorder.event(set, 'Normal', 'SuccessfulDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`);
  }

  /** fixes a pod's identity labels (the rest of its identity is immutable) and makes sure its claims exist */
  private async updatePod(set: KObject, pod: KObject): Promise<void> {
    const ord = ordinalOf(pod);
    try {
      await this.createClaims(set, pod);
      if (!identityMatches(set, pod)) {
        await this.podClient.patch(pod.metadata.namespace, pod.metadata.name, 'merge', { metadata: { labels: { [POD_NAME_LABEL]: pod.metadata.name, [POD_INDEX_LABEL]: String(ord) } } });
      }
    } catch (e) {
      this.recorder.event(set, 'Warning', 'FailedUpdate', `update Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${errMessage(e)}`);
      throw e;
    }
    this.recorder.event(set, 'Normal', 'SuccessfulUpdate', `update Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`);
  }

  /** whenScaled=Delete: the claims of a pod removed by a scale-down get the pod as owner, so they go with it */
  private async orphanClaimsWithPod(set: KObject, pod: KObject): Promise<void> {
    if (set.spec?.persistentVolumeClaimRetentionPolicy?.whenScaled !== 'Delete') return;
    for (const claim of claimsFor(set, pod.metadata.name).values()) {
      const existing = this.pvcInformer.lister.get(`${claim.metadata.namespace}/${claim.metadata.name}`);
      if (!existing || (existing.metadata.ownerReferences ?? []).some((r: KObject) => r.uid === pod.metadata.uid)) continue;
      const ref = { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name, uid: pod.metadata.uid };
      try {
        await this.pvcClient.patch(claim.metadata.namespace, claim.metadata.name, 'strategic', { metadata: { ownerReferences: [ref] } });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
  }

  // ---------------------------------------------------------------- sync

  /** upstream's updateStatefulSet: brings pods toward the spec; returns the status it observed */
  private async updateStatefulSet(set: KObject, current: KObject, update: KObject, collisionCount: number, pods: KObject[]): Promise<KObject> {
    const currentSet = this.applyRevision(set, current);
    const updateSet = this.applyRevision(set, update);
    const now = this.clock.now();
    const mrs = set.spec?.minReadySeconds;
    const status: KObject = {
      observedGeneration: set.metadata.generation,
      replicas: 0, readyReplicas: 0, availableReplicas: 0, currentReplicas: 0, updatedReplicas: 0,
      currentRevision: current.metadata.name, updateRevision: update.metadata.name, collisionCount,
    };
    const count = set.spec?.replicas ?? 1;
    const start = startOrdinal(set);
    const slots: Slot[] = new Array(count);
    const condemned: KObject[] = [];
    for (const p of pods) {
      status.replicas++;
      if (isRunningAndReady(p)) {
        status.readyReplicas++;
        if (isRunningAndAvailable(p, mrs, now)) status.availableReplicas++;
      }
      if (!isTerminating(p)) {
        if (podRevision(p) === current.metadata.name) status.currentReplicas++;
        if (podRevision(p) === update.metadata.name) status.updatedReplicas++;
      }
      const ord = ordinalOf(p);
      if (ord >= start && ord < start + count) slots[ord - start] = { pod: p, created: true };
      else if (ord >= 0) condemned.push(p);
    }
    for (let i = 0; i < count; i++) {
      slots[i] ??= { pod: this.newPod(currentSet, updateSet, current.metadata.name, update.metadata.name, i + start), created: false };
    }
    condemned.sort((a, b) => ordinalOf(b) - ordinalOf(a));
    const unhealthy = (s: Slot) => !s.created || !isHealthy(s.pod);
    const firstUnhealthy = slots.find(unhealthy)?.pod ?? condemned.find((p) => !isHealthy(p));
    if (set.metadata.deletionTimestamp) return status;
    const monotonic = set.spec?.podManagementPolicy !== 'Parallel';

    const fail = (cause: unknown): never => {
      throw new SyncError(status, cause);
    };
    const processReplica = async (i: number): Promise<boolean> => {
      const slot = slots[i];
      if (slot.created && (isFailed(slot.pod) || isSucceeded(slot.pod))) {
        const ns = set.metadata.namespace;
        if (isFailed(slot.pod)) this.recorder.event(set, 'Warning', 'RecreatingFailedPod', `StatefulSet ${ns}/${set.metadata.name} is recreating failed Pod ${slot.pod.metadata.name}`);
        else this.recorder.event(set, 'Normal', 'RecreatingTerminatedPod', `StatefulSet ${ns}/${set.metadata.name} is recreating terminated Pod ${slot.pod.metadata.name}`);
        await this.deletePod(set, slot.pod);
        slots[i] = { pod: this.newPod(currentSet, updateSet, current.metadata.name, update.metadata.name, i + start), created: false };
      }
      const s = slots[i];
      if (!s.created) {
        await this.createPod(set, s.pod);
        s.created = true;
        if (monotonic) return true;
        return false;
      }
      if (isPending(s.pod)) await this.createClaims(set, s.pod);
      if (isTerminating(s.pod) && monotonic) return true;
      if (!isRunningAndReady(s.pod) && monotonic) return true;
      if (!isRunningAndAvailable(s.pod, mrs, now) && monotonic) return true;
      if (identityMatches(set, s.pod) && storageMatchesOrNoClaims(set, s.pod, this.pvcInformer)) return false;
      await this.updatePod(updateSet, s.pod);
      return false;
    };
    if (await this.runForAll(slots.length, processReplica, monotonic, fail)) return status;

    const processCondemned = async (i: number): Promise<boolean> => {
      const p = condemned[i];
      if (isTerminating(p)) return monotonic;
      if (!isRunningAndReady(p) && monotonic && p !== firstUnhealthy) return true;
      if (!isRunningAndAvailable(p, mrs, now) && monotonic && p !== firstUnhealthy) return true;
      await this.orphanClaimsWithPod(set, p);
      await this.deletePod(set, p);
      return true;
    };
    if (await this.runForAll(condemned.length, processCondemned, monotonic, fail)) return status;

    const us = set.spec?.updateStrategy ?? {};
    if (us.type === 'OnDelete') return status;
    const updateMin = us.rollingUpdate?.partition ?? 0;
    for (let target = slots.length - 1; target >= updateMin; target--) {
      const p = slots[target].pod;
      if (podRevision(p) !== update.metadata.name && !isTerminating(p)) {
        try {
          await this.deletePod(set, p);
        } catch (e) {
          fail(e);
        }
        status.currentReplicas--;
        return status;
      }
      if (!isHealthy(p)) return status;
    }
    return status;
  }

  /**
   * upstream's runForAll: monotonic runs one at a time and stops at the first that says stop or
   * fails; otherwise runs all, and the first failure fails the sync after the rest ran.
   */
  private async runForAll(n: number, fn: (i: number) => Promise<boolean>, monotonic: boolean, fail: (e: unknown) => never): Promise<boolean> {
    if (monotonic) {
      for (let i = 0; i < n; i++) {
        let stop: boolean;
        try {
          stop = await fn(i);
        } catch (e) {
          return fail(e);
        }
        if (stop) return true;
      }
      return false;
    }
    const results = await Promise.allSettled(Array.from({ length: n }, (_x, i) => fn(i)));
    const bad = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (bad) fail(bad.reason);
    return false;
  }

  /** upstream's updateStatefulSetStatus with completeRollingUpdate; one retry on conflict */
  private async writeStatus(set: KObject, status: KObject): Promise<void> {
    const st = { ...status };
    if ((set.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate' && st.updatedReplicas === st.replicas && st.readyReplicas === st.replicas) {
      st.currentReplicas = st.updatedReplicas;
      st.currentRevision = st.updateRevision;
    }
    const old = set.status ?? {};
    const keys = ['observedGeneration', 'replicas', 'readyReplicas', 'availableReplicas', 'currentReplicas', 'updatedReplicas', 'currentRevision', 'updateRevision', 'collisionCount'];
    if (keys.every((k) => (old[k] ?? 0) === (st[k] ?? 0))) return;
    const next = { ...old, ...st };
    for (const k of ['readyReplicas', 'currentReplicas', 'updatedReplicas']) if (next[k] === 0) delete next[k];
    let target = set;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.setClient.updateStatus({ ...target, status: next });
        return;
      } catch (e) {
        if (!isConflict(e) || attempt >= 1) throw e;
        target = await this.setClient.get(set.metadata.namespace, set.metadata.name);
      }
    }
  }
}

/** the sync stopped on an error; status is what it had observed so far */
class SyncError extends Error {
  constructor(readonly status: KObject, cause: unknown) {
    super(errMessage(cause), { cause });
  }
}

function selectorOf(set: KObject): LabelSelector | undefined {
  try {
    return labelSelectorFromSpec(set.spec?.selector);
  } catch {
    return undefined;
  }
}

/** storage matches when every claim template has its volume and its claim exists */
function storageMatchesOrNoClaims(set: KObject, pod: KObject, pvcs: Informer): boolean {
  for (const claim of claimsFor(set, pod.metadata.name).values()) {
    if (!pvcs.lister.get(`${claim.metadata.namespace}/${claim.metadata.name}`)) return false;
  }
  return true;
}
