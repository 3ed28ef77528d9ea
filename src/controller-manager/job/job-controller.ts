// The Job controller (batch/v1): runs pods to completion (NonIndexed/Indexed), with backoff, deadlines, suspend and finalizer tracking.

import { labelSelectorFromSpec, matchLabelSelector } from '../../api/labels.js';
import type { KObject } from '../../api/strategy.js';
import { realClock, type Clock } from '../../client/clock.js';
import { keyOf } from '../../client/object-key.js';
import { isNotFound } from '../../client/rest-client.js';
import type { Informer, Reconciler, ReconcileResult, ResourceClient, WorkQueue } from '../../client/types.js';
import { CONTROLLER_UID_INDEX, claimObjects, controllerRefOf, ensureControllerIndex, recheckOwner, resolveControllerRef, withKind } from '../workloads-common/controller-ref.js';
import type { Recorder, WorkloadControllerOptions } from '../workloads-common/deps.js';
import { Expectations } from '../workloads-common/expectations.js';
import { canonicalJson } from '../workloads-common/hash.js';
import { comparePodsForDeletion, errMessage, isNamespaceTerminating, isPodActive, isPodReady, isPodTerminal, podFromTemplate, podKey } from '../workloads-common/pods.js';
import { JOBS, PODS } from '../workloads-common/resources.js';
import { COMPLETION_INDEX_ANNOTATION, COMPLETION_INDEX_LABEL, IndexSet, addIndexEnv, completionIndex, indexedGenerateName } from './indexes.js';

/** the finalizer that keeps a Job's pods until the controller has counted them */
export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
/** upstream's DefaultJobPodFailureBackOff and MaxJobPodFailureBackOff */
export const POD_FAILURE_BACKOFF_MS = 10_000;
export const MAX_POD_FAILURE_BACKOFF_MS = 10 * 60_000;
/** upstream's MaxPodCreateDeletePerSync and MaxUncountedPods */
const MAX_CREATE_DELETE_PER_SYNC = 500;
const MAX_UNCOUNTED_PODS = 500;
const JOB_CONTROLLER_NAME = 'kubernetes.io/job-controller';
const ORPHAN_POD_PREFIX = 'pod:';

interface BackoffRecord {
  failures: number;
  lastFailure?: number;
}

function nowString(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function hasFinalizer(pod: KObject): boolean {
  return (pod.metadata?.finalizers ?? []).includes(JOB_TRACKING_FINALIZER);
}

function condition(job: KObject, type: string): KObject | undefined {
  return (job.status?.conditions ?? []).find((c: KObject) => c.type === type && c.status === 'True');
}

export function isJobFinished(job: KObject): boolean {
  return !!(condition(job, 'Complete') || condition(job, 'Failed'));
}

function newCondition(type: string, reason: string, message: string, now: string): KObject {
  return { type, status: 'True', lastProbeTime: now, lastTransitionTime: now, reason, message };
}

/** upstream's ensureJobConditionStatus: true when the list changed */
function ensureCondition(status: KObject, type: string, st: 'True' | 'False', reason: string, message: string, now: string): boolean {
  const list: KObject[] = (status.conditions ??= []);
  const c = list.find((x) => x.type === type);
  if (c) {
    if (c.status === st && c.reason === reason && c.message === message) return false;
    Object.assign(c, { status: st, lastTransitionTime: now, reason, message });
    return true;
  }
  if (st === 'False') return false;
  list.push(newCondition(type, reason, message, now));
  return true;
}

/** the latest container finish time, else the deletion time, else undefined */
function finishedAt(pod: KObject): number | undefined {
  let t: number | undefined;
  for (const s of [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])]) {
    const f = Date.parse(s?.state?.terminated?.finishedAt ?? '');
    if (!Number.isNaN(f) && (t === undefined || f > t)) t = f;
  }
  if (t === undefined && pod.metadata?.deletionTimestamp) t = Date.parse(pod.metadata.deletionTimestamp);
  return t;
}

/** Pod failure accounting (upstream's isPodFailed): Failed, or being deleted unless only Failed pods are replaced. */
function isPodFailed(pod: KObject, job: KObject): boolean {
  if (pod.status?.phase === 'Failed') return true;
  if (job.spec?.podReplacementPolicy === 'Failed' || job.spec?.podFailurePolicy) return false;
  return !!pod.metadata?.deletionTimestamp && pod.status?.phase !== 'Succeeded';
}

/**
 * Reconciles one Job by key "namespace/name" (upstream's syncJob), or removes the tracking
 * finalizer from an orphaned pod for keys "pod:namespace/name". A Job's pods carry the finalizer
 * batch.kubernetes.io/job-tracking; a finished pod is first recorded in
 * status.uncountedTerminatedPods, then its finalizer is removed, then it moves into
 * status.succeeded/failed, so no pod is counted twice or lost. Pods are created up to
 * min(parallelism, remaining completions), in slow-start batches, after an exponential backoff
 * since the last failure (10 s doubling to 10 min); Indexed Jobs give each pod a completion index
 * (annotation, label, env JOB_COMPLETION_INDEX, hostname <job>-<index>). backoffLimit,
 * activeDeadlineSeconds and completion end the Job as 1.32 does: the interim FailureTarget /
 * SuccessCriteriaMet condition first, Failed / Complete once no pod is terminating. suspend
 * deletes active pods. ttlSecondsAfterFinished, podFailurePolicy and backoffLimitPerIndex are not
 * implemented. Start: `const c = new JobController(opts); c.register(queue);` (recorder component
 * "job-controller").
 */
export class JobController implements Reconciler {
  readonly name = 'job-controller';
  private readonly jobClient: ResourceClient;
  private readonly podClient: ResourceClient;
  private readonly jobInformer: Informer;
  private readonly podInformer: Informer;
  private readonly recorder: Recorder;
  private readonly clock: Clock;
  readonly expectations: Expectations;
  /** uids of pods whose finalizer removal is in flight, per job key */
  private readonly finalizerRemovals = new Map<string, Set<string>>();
  private readonly backoff = new Map<string, BackoffRecord>();
  private queue?: WorkQueue<string>;

  constructor(opts: WorkloadControllerOptions) {
    this.jobClient = opts.clientset.resource(JOBS);
    this.podClient = opts.clientset.resource(PODS);
    this.jobInformer = opts.informers.informerFor(JOBS);
    this.podInformer = opts.informers.informerFor(PODS);
    ensureControllerIndex(this.podInformer);
    this.recorder = opts.recorder;
    this.clock = opts.clock ?? realClock;
    this.expectations = new Expectations(this.clock);
  }

  /** Adds the event handlers that feed `queue` (call once, before the informers start). */
  register(queue: WorkQueue<string>): void {
    this.queue = queue;
    this.jobInformer.addEventHandler({
      onAdd: (j) => queue.add(keyOf(j)),
      onUpdate: (_o, j) => queue.add(keyOf(j)),
      onDelete: (j) => {
        this.expectations.delete(keyOf(j));
        this.finalizerRemovals.delete(keyOf(j));
        this.backoff.delete(keyOf(j));
        queue.add(keyOf(j));
        // its pods may still hold the tracking finalizer
        for (const p of this.podInformer.lister.listNamespace(j.metadata.namespace)) {
          if (hasFinalizer(p) && controllerRefOf(p)?.uid === j.metadata.uid) queue.add(ORPHAN_POD_PREFIX + podKey(p));
        }
      },
    });
    this.podInformer.addEventHandler({
      onAdd: (p) => {
        if (p.metadata.deletionTimestamp) return this.podGone(p, false);
        const job = this.ownerOf(p);
        if (job) {
          this.expectations.creationObserved(keyOf(job));
          queue.add(keyOf(job));
        } else this.orphanCheck(p);
      },
      onUpdate: (old, p) => {
        if (old.metadata.resourceVersion === p.metadata.resourceVersion) return;
        if (p.metadata.deletionTimestamp && !old.metadata.deletionTimestamp) this.podGone(p, false);
        const job = this.ownerOf(p);
        if (job && !hasFinalizer(p)) this.finalizerRemovals.get(keyOf(job))?.delete(p.metadata.uid);
        if (job && hasFinalizer(p) && isJobFinished(job)) queue.add(ORPHAN_POD_PREFIX + podKey(p));
        const oldJob = this.ownerOf(old);
        if (oldJob && oldJob !== job) queue.add(keyOf(oldJob));
        if (job) queue.add(keyOf(job));
        else this.orphanCheck(p);
      },
      onDelete: (p) => this.podGone(p, true),
    });
  }

  private ownerOf(pod: KObject): KObject | undefined {
    return resolveControllerRef(controllerRefOf(pod), pod.metadata.namespace, JOBS, this.jobInformer.lister);
  }

  private podGone(pod: KObject, deleted: boolean): void {
    const job = this.ownerOf(pod);
    if (!job) return;
    const key = keyOf(job);
    this.expectations.deletionObserved(key, podKey(pod));
    if (deleted) this.finalizerRemovals.get(key)?.delete(pod.metadata.uid);
    this.queue?.add(key);
  }

  /** a pod with the tracking finalizer whose Job is gone (or never was) gets it removed */
  private orphanCheck(pod: KObject): void {
    if (!hasFinalizer(pod)) return;
    const ref = controllerRefOf(pod);
    if (ref && ref.kind !== 'Job') return;
    this.queue?.add(ORPHAN_POD_PREFIX + podKey(pod));
  }

  async reconcile(key: string): Promise<void | ReconcileResult> {
    if (key.startsWith(ORPHAN_POD_PREFIX)) return this.handleOrphanPod(key.slice(ORPHAN_POD_PREFIX.length));
    const cached = this.jobInformer.lister.get(key);
    if (!cached) {
      this.expectations.delete(key);
      this.finalizerRemovals.delete(key);
      this.backoff.delete(key);
      return;
    }
    const managedBy = cached.spec?.managedBy;
    if (managedBy && managedBy !== JOB_CONTROLLER_NAME) return;
    if (isJobFinished(cached)) {
      // a finished Job holds no pods back: release any tracking finalizer left behind
      const left = this.podInformer.lister.byIndex(CONTROLLER_UID_INDEX, cached.metadata.uid).filter(hasFinalizer);
      await Promise.all(left.map((p) => this.removeFinalizer(p)));
      return;
    }
    return this.syncJob(key, structuredClone(withKind(cached, JOBS)));
  }

  /** upstream's handleOrphanPod: drop the finalizer unless a live, unfinished Job controls the pod */
  private async handleOrphanPod(pk: string): Promise<void> {
    const pod = this.podInformer.lister.get(pk);
    if (!pod || !hasFinalizer(pod)) return;
    const ref = controllerRefOf(pod);
    if (ref) {
      if (ref.kind !== 'Job' || ref.apiVersion !== 'batch/v1') return;
      const job = this.ownerOf(pod);
      if (job && job.spec?.managedBy && job.spec.managedBy !== JOB_CONTROLLER_NAME) return;
      if (job && !isJobFinished(job)) return;
      if (!job) {
        // the cache may lag: confirm the Job is gone before letting its pod go
        try {
          const live = await this.jobClient.get(pod.metadata.namespace, ref.name);
          if (live.metadata?.uid === ref.uid && !isJobFinished(live)) return;
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
      }
    }
    await this.removeFinalizer(pod);
  }

  private async removeFinalizer(pod: KObject): Promise<void> {
    try {
      await this.podClient.patch(pod.metadata.namespace, pod.metadata.name, 'strategic', { metadata: { [`$deleteFromPrimitiveList/finalizers`]: [JOB_TRACKING_FINALIZER] } });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  private async syncJob(key: string, job: KObject): Promise<void | ReconcileResult> {
    const spec: KObject = job.spec ?? {};
    const nowMs = this.clock.now();
    const now = nowString(nowMs);
    let requeueMs: number | undefined;
    const requeue = (ms: number) => {
      requeueMs = Math.max(1, Math.min(requeueMs ?? Infinity, ms));
    };
    let selector;
    try {
      selector = labelSelectorFromSpec(spec.selector);
    } catch {
      return;
    }
    const pods = await claimObjects(this.podInformer.lister.listNamespace(job.metadata.namespace), {
      owner: job,
      ownerInfo: JOBS,
      client: this.podClient,
      match: (p) => matchLabelSelector(selector, p.metadata?.labels),
      canAdopt: recheckOwner(this.jobClient, job),
    });
    const indexed = spec.completionMode === 'Indexed';
    const completions: number | undefined = spec.completions ?? undefined;
    const status: KObject = job.status = structuredClone(job.status ?? {});
    const before = canonicalJson(status);
    const uncounted = { succeeded: new Set<string>(status.uncountedTerminatedPods?.succeeded ?? []), failed: new Set<string>(status.uncountedTerminatedPods?.failed ?? []) };
    const inFlight = this.finalizerRemovals.get(key) ?? new Set<string>();
    this.finalizerRemovals.set(key, inFlight);
    const suspended = spec.suspend === true;
    const active = pods.filter(isPodActive);

    // pods finished since the last sync: still tracked, not yet uncounted
    const newSucceeded: KObject[] = [];
    const newFailed: KObject[] = [];
    for (const p of pods) {
      if (!hasFinalizer(p) || inFlight.has(p.metadata.uid)) continue;
      if (uncounted.succeeded.has(p.metadata.uid) || uncounted.failed.has(p.metadata.uid)) continue;
      if (p.status?.phase === 'Succeeded') newSucceeded.push(p);
      else if (isPodFailed(p, job)) newFailed.push(p);
    }
    const succeededIndexes = indexed ? IndexSet.parse(status.completedIndexes, completions ?? 0) : undefined;
    if (indexed) {
      for (const p of newSucceeded) {
        const ix = completionIndex(p);
        if (ix >= 0 && ix < (completions ?? 0)) succeededIndexes!.add(ix);
      }
    }
    const succeeded = indexed ? succeededIndexes!.total : (status.succeeded ?? 0) + uncounted.succeeded.size + newSucceeded.length;
    const failed = (status.failed ?? 0) + uncounted.failed.size + newFailed.length;
    let terminating = pods.filter((p) => p.metadata.deletionTimestamp && !isPodTerminal(p)).length;
    let ready = active.filter(isPodReady).length;

    if (!status.startTime && !suspended) status.startTime = now;
    const backoff = this.newBackoffRecord(key, newSucceeded, newFailed, nowMs);

    // the end: already decided (interim condition present), or decided now
    let finished: KObject | undefined;
    let interim: KObject | undefined;
    const target = condition(job, 'FailureTarget');
    const criteriaMet = condition(job, 'SuccessCriteriaMet');
    if (target) finished = newCondition('Failed', target.reason, target.message, now);
    else if (criteriaMet) finished = newCondition('Complete', criteriaMet.reason, criteriaMet.message, now);
    if (!finished) {
      const backoffLimit: number = spec.backoffLimit ?? 6;
      if (failed > backoffLimit || this.pastBackoffLimitOnFailure(job, pods)) {
        interim = newCondition('FailureTarget', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', now);
      } else if (this.pastActiveDeadline(job, nowMs)) {
        interim = newCondition('FailureTarget', 'DeadlineExceeded', 'Job was active longer than specified deadline', now);
      } else if (spec.activeDeadlineSeconds != null && !suspended && status.startTime) {
        requeue(Date.parse(status.startTime) + spec.activeDeadlineSeconds * 1000 - nowMs);
      }
      if (interim) finished = newCondition('Failed', interim.reason, interim.message, now);
    }

    let manageErr: unknown;
    if (finished) {
      // end of the Job: active pods go (their finalizers stay until they are counted)
      const { removed, removedReady, error } = await this.deletePods(key, job, active, false);
      status.active = active.length - removed;
      terminating += removed;
      ready -= removedReady;
      manageErr = error;
    } else {
      let manageCalled = false;
      let activeCount = active.length;
      if (this.expectations.satisfied(key) && !job.metadata.deletionTimestamp) {
        const r = await this.manageJob(key, job, active, succeeded, succeededIndexes, backoff, nowMs);
        manageErr = r.error;
        activeCount = r.active;
        terminating += r.removed;
        ready -= r.removedReady;
        if (r.requeueMs !== undefined) requeue(r.requeueMs);
        manageCalled = true;
      }
      status.active = activeCount;
      const complete = completions == null ? succeeded > 0 && activeCount === 0 : succeeded >= completions && activeCount === 0;
      if (complete) {
        interim = newCondition('SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods', now);
        finished = newCondition('Complete', interim.reason, interim.message, now);
      } else if (manageCalled) {
        if (suspended) {
          if (ensureCondition(status, 'Suspended', 'True', 'JobSuspended', 'Job suspended', now)) this.recorder.event(job, 'Normal', 'Suspended', 'Job suspended');
        } else if (ensureCondition(status, 'Suspended', 'False', 'JobResumed', 'Job resumed', now)) {
          this.recorder.event(job, 'Normal', 'Resumed', 'Job resumed');
          // a resumed Job's deadline counts from now
          status.startTime = now;
        }
      }
    }
    status.ready = Math.max(0, ready);
    status.terminating = Math.max(0, terminating);
    if (status.active === 0) delete status.active;

    // record the finished pods as uncounted (with the interim condition) before their finalizers go
    const toRelease: KObject[] = [];
    const stillTracked = new Set<string>();
    for (const p of pods) if (hasFinalizer(p) || inFlight.has(p.metadata.uid)) stillTracked.add(p.metadata.uid);
    let reachedMax = false;
    for (const p of pods) {
      if (!hasFinalizer(p) || inFlight.has(p.metadata.uid)) continue;
      const consideredFailed = isPodFailed(p, job);
      if (!(isPodTerminal(p) || consideredFailed || (finished && finished.type === 'Failed'))) continue;
      toRelease.push(p);
      if (p.status?.phase === 'Succeeded' && !uncounted.failed.has(p.metadata.uid)) {
        if (!indexed) uncounted.succeeded.add(p.metadata.uid);
      } else if (consideredFailed || finished?.type === 'Failed') {
        const ix = completionIndex(p);
        if (!indexed || (ix >= 0 && ix < (completions ?? 0))) uncounted.failed.add(p.metadata.uid);
      }
      if (uncounted.succeeded.size + uncounted.failed.size >= MAX_UNCOUNTED_PODS) {
        reachedMax = true;
        break;
      }
    }
    this.setUncounted(status, uncounted);
    if (indexed) {
      status.completedIndexes = succeededIndexes!.toString();
      status.succeeded = succeededIndexes!.total;
      if (!status.completedIndexes) delete status.completedIndexes;
      if (!status.succeeded) delete status.succeeded;
    }
    if (interim && !condition(job, interim.type)) (status.conditions ??= []).push(interim);
    if (canonicalJson(status) !== before) job = await this.writeStatus(job);
    this.backoff.set(key, backoff);

    // release the finalizers, then move what was released into the counters
    const results = await Promise.allSettled(toRelease.map(async (p) => {
      inFlight.add(p.metadata.uid);
      try {
        await this.removeFinalizer(p);
      } catch (e) {
        inFlight.delete(p.metadata.uid);
        throw e;
      }
    }));
    let rmErr: unknown;
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') stillTracked.delete(toRelease[i].metadata.uid);
      else rmErr ??= r.reason;
    });
    const st: KObject = job.status;
    const afterFlush = canonicalJson(st);
    this.moveUncounted(st, stillTracked);
    // the terminal condition once nothing is uncounted and nothing terminating
    let enacted = false;
    const uncountedLeft = (st.uncountedTerminatedPods?.succeeded?.length ?? 0) + (st.uncountedTerminatedPods?.failed?.length ?? 0);
    if (finished && !reachedMax && uncountedLeft === 0 && (st.terminating ?? 0) === 0) {
      ensureCondition(st, finished.type, 'True', finished.reason, finished.message, finished.lastTransitionTime);
      if (finished.type === 'Complete') st.completionTime = finished.lastTransitionTime;
      enacted = true;
    }
    if (canonicalJson(st) !== afterFlush) job = await this.writeStatus(job);
    if (enacted) {
      if (finished!.type === 'Complete') {
        if (completions != null && (job.status.succeeded ?? 0) > completions) this.recorder.event(job, 'Warning', 'TooManySucceededPods', 'Too many succeeded pods running after completion count reached');
        this.recorder.event(job, 'Normal', 'Completed', 'Job completed');
      } else this.recorder.event(job, 'Warning', finished!.reason, finished!.message);
    }
    if (manageErr) throw manageErr;
    if (rmErr) throw rmErr;
    if (requeueMs !== undefined) return { requeueAfterMs: requeueMs };
  }

  private setUncounted(status: KObject, u: { succeeded: Set<string>; failed: Set<string> }): void {
    const out: KObject = {};
    if (u.succeeded.size) out.succeeded = [...u.succeeded];
    if (u.failed.size) out.failed = [...u.failed];
    status.uncountedTerminatedPods = out;
  }

  /** upstream's cleanUncountedPodsWithoutFinalizers: uids whose pods no longer hold the finalizer become counts */
  private moveUncounted(status: KObject, tracked: Set<string>): void {
    const u = status.uncountedTerminatedPods ?? {};
    const keepS = (u.succeeded ?? []).filter((x: string) => tracked.has(x));
    const keepF = (u.failed ?? []).filter((x: string) => tracked.has(x));
    const movedS = (u.succeeded ?? []).length - keepS.length;
    const movedF = (u.failed ?? []).length - keepF.length;
    if (movedS) status.succeeded = (status.succeeded ?? 0) + movedS;
    if (movedF) status.failed = (status.failed ?? 0) + movedF;
    const out: KObject = {};
    if (keepS.length) out.succeeded = keepS;
    if (keepF.length) out.failed = keepF;
    status.uncountedTerminatedPods = out;
  }

  private async writeStatus(job: KObject): Promise<KObject> {
    const res = await this.jobClient.updateStatus(job);
    const out = withKind(res, JOBS);
    out.status ??= {};
    return out;
  }

  /** upstream's newBackoffRecord: failures since the last success and the time of the last one */
  private newBackoffRecord(key: string, succeeded: KObject[], failedPods: KObject[], nowMs: number): BackoffRecord {
    const old = this.backoff.get(key) ?? { failures: 0 };
    const time = (p: KObject) => finishedAt(p) ?? nowMs;
    const s = [...succeeded].sort((a, b) => time(a) - time(b));
    const f = [...failedPods].sort((a, b) => time(a) - time(b));
    if (s.length === 0) {
      if (f.length === 0) return { ...old };
      return { failures: old.failures + f.length, lastFailure: time(f[f.length - 1]) };
    }
    const rec: BackoffRecord = { failures: 0 };
    const lastSuccess = time(s[s.length - 1]);
    for (let i = f.length - 1; i >= 0; i--) {
      const t = time(f[i]);
      if (t <= lastSuccess) break;
      rec.lastFailure ??= t;
      rec.failures++;
    }
    return rec;
  }

  /** ms to wait before creating pods again: 10 s · 2^(failures-1), capped at 10 min, since the last failure */
  private remainingBackoff(rec: BackoffRecord, nowMs: number): number {
    if (rec.failures === 0 || rec.lastFailure === undefined) return 0;
    let d = POD_FAILURE_BACKOFF_MS;
    for (let i = 1; i < rec.failures; i++) {
      d *= 2;
      if (d >= MAX_POD_FAILURE_BACKOFF_MS) {
        d = MAX_POD_FAILURE_BACKOFF_MS;
        break;
      }
    }
    const elapsed = nowMs - rec.lastFailure;
    return d < elapsed ? 0 : d - elapsed;
  }

  private pastBackoffLimitOnFailure(job: KObject, pods: KObject[]): boolean {
    if (job.spec?.template?.spec?.restartPolicy !== 'OnFailure') return false;
    let restarts = 0;
    for (const p of pods) {
      if (p.status?.phase !== 'Running' && p.status?.phase !== 'Pending') continue;
      for (const s of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) restarts += Number(s?.restartCount ?? 0);
    }
    const limit = job.spec?.backoffLimit ?? 6;
    return limit === 0 ? restarts > 0 : restarts >= limit;
  }

  private pastActiveDeadline(job: KObject, nowMs: number): boolean {
    const ads = job.spec?.activeDeadlineSeconds;
    if (ads == null || !job.status?.startTime || job.spec?.suspend === true) return false;
    return nowMs - Date.parse(job.status.startTime) >= ads * 1000;
  }

  /** upstream's manageJob: suspend, scale down, or create pods (after backoff) */
  private async manageJob(key: string, job: KObject, active: KObject[], succeeded: number, succeededIndexes: IndexSet | undefined, backoff: BackoffRecord, nowMs: number)
    : Promise<{ active: number; removed: number; removedReady: number; error?: unknown; requeueMs?: number }> {
    const spec: KObject = job.spec ?? {};
    let count = active.length;
    const parallelism: number = spec.parallelism ?? 1;
    if (spec.suspend === true) {
      const { removed, removedReady, error } = await this.deletePods(key, job, this.podsForRemoval(job, active, active.length, succeededIndexes), true);
      return { active: count - removed, removed, removedReady, error };
    }
    let want: number;
    if (spec.completions == null) want = succeeded > 0 ? count : parallelism;
    else want = Math.max(0, Math.min(parallelism, spec.completions - succeeded));
    const toRemove = this.podsForRemoval(job, active, Math.max(0, count - want), succeededIndexes).slice(0, MAX_CREATE_DELETE_PER_SYNC);
    if (toRemove.length) {
      const { removed, removedReady, error } = await this.deletePods(key, job, toRemove, true);
      return { active: count - removed, removed, removedReady, error };
    }
    let terminating = 0;
    if (spec.podReplacementPolicy === 'Failed' || spec.podFailurePolicy) {
      terminating = this.podInformer.lister.listNamespace(job.metadata.namespace)
        .filter((p) => controllerRefOf(p)?.uid === job.metadata.uid && p.metadata.deletionTimestamp && !isPodTerminal(p)).length;
    }
    let diff = want - terminating - count;
    if (diff <= 0) return { active: count, removed: 0, removedReady: 0 };
    const wait = this.remainingBackoff(backoff, nowMs);
    if (wait > 0) return { active: count, removed: 0, removedReady: 0, requeueMs: wait };
    diff = Math.min(diff, MAX_CREATE_DELETE_PER_SYNC);
    let indexes: number[] = [];
    if (spec.completionMode === 'Indexed') {
      indexes = this.pendingIndexes(active, succeededIndexes!, diff, spec.completions ?? 0);
      diff = indexes.length;
    }
    this.expectations.expectCreations(key, diff);
    const template = structuredClone(spec.template ?? {});
    template.metadata ??= {};
    template.spec ??= {};
    if (spec.completionMode === 'Indexed') addIndexEnv(template.spec);
    const fins: string[] = template.metadata.finalizers ?? [];
    if (!fins.includes(JOB_TRACKING_FINALIZER)) template.metadata.finalizers = [...fins, JOB_TRACKING_FINALIZER];
    let error: unknown;
    let next = 0;
    count += diff;
    for (let batch = Math.min(diff, 1); diff > 0; batch = Math.min(2 * batch, diff)) {
      const results = await Promise.allSettled(Array.from({ length: batch }, () => {
        const ix = indexes.length ? indexes[next++] : -1;
        return this.createPod(job, template, ix);
      }));
      const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      for (const f of failures) {
        this.expectations.creationObserved(key);
        count--;
        error ??= f.reason;
      }
      diff -= batch;
      if (failures.length && diff > 0) {
        for (let i = 0; i < diff; i++) this.expectations.creationObserved(key);
        count -= diff;
        break;
      }
    }
    return { active: count, removed: 0, removedReady: 0, error };
  }

  private async createPod(job: KObject, template: KObject, index: number): Promise<void> {
    let t = template;
    let generateName = `${job.metadata.name}-`;
    if (index >= 0) {
      t = structuredClone(template);
      t.metadata.annotations = { ...(t.metadata.annotations ?? {}), [COMPLETION_INDEX_ANNOTATION]: String(index) };
      t.metadata.labels = { ...(t.metadata.labels ?? {}), [COMPLETION_INDEX_LABEL]: String(index) };
      t.spec.hostname = `${job.metadata.name}-${index}`;
      generateName = indexedGenerateName(job.metadata.name, index);
    }
    const pod = podFromTemplate(t, job, JOBS, generateName);
    try {
      const created = await this.podClient.create(job.metadata.namespace, pod);
      this.recorder.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata?.name}`);
    } catch (e) {
      if (isNamespaceTerminating(e)) return;
      this.recorder.event(job, 'Warning', 'FailedCreate', `Error creating: ${errMessage(e)}`);
      throw e;
    }
  }

  /**
   * Deletes pods under expectations. For a scale-down or suspend (releaseFirst) the tracking
   * finalizer is removed first, so those pods are not counted as failures; at the end of a Job the
   * finalizer stays and the pods are counted as they terminate.
   */
  private async deletePods(key: string, job: KObject, pods: KObject[], releaseFirst: boolean): Promise<{ removed: number; removedReady: number; error?: unknown }> {
    if (pods.length === 0) return { removed: 0, removedReady: 0 };
    this.expectations.expectDeletions(key, pods.map(podKey));
    let removed = 0;
    let removedReady = 0;
    let error: unknown;
    await Promise.all(pods.map(async (p) => {
      try {
        if (releaseFirst && hasFinalizer(p)) await this.removeFinalizer(p);
        await this.podClient.delete(p.metadata.namespace, p.metadata.name);
        this.recorder.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
        removed++;
        if (isPodReady(p)) removedReady++;
      } catch (e) {
        this.expectations.deletionObserved(key, podKey(p));
        if (isNotFound(e)) return;
        this.recorder.event(job, 'Warning', 'FailedDelete', `Error deleting: ${errMessage(e)}`);
        error ??= e;
      }
    }));
    return { removed, removedReady, error };
  }

  /**
   * Active pods to delete: for Indexed Jobs first those with a bad, out-of-range, completed or
   * duplicated index; then, to reach n, by the usual deletion ranking.
   */
  private podsForRemoval(job: KObject, active: KObject[], n: number, succeededIndexes: IndexSet | undefined): KObject[] {
    const now = this.clock.now();
    const rank = (a: KObject, b: KObject) => comparePodsForDeletion(a, b, 0, 0, now);
    let pool = [...active];
    const out: KObject[] = [];
    if (job.spec?.completionMode === 'Indexed') {
      const completions = job.spec?.completions ?? 0;
      const byIndex = new Map<number, KObject[]>();
      for (const p of pool) {
        const ix = completionIndex(p);
        if (ix < 0 || ix >= completions || succeededIndexes?.has(ix)) out.push(p);
        else byIndex.set(ix, [...(byIndex.get(ix) ?? []), p]);
      }
      for (const ps of byIndex.values()) if (ps.length > 1) out.push(...ps.sort(rank).slice(0, ps.length - 1));
      pool = pool.filter((p) => !out.includes(p));
    }
    if (out.length < n) out.push(...pool.sort(rank).slice(0, n - out.length));
    return out;
  }

  /** the lowest indexes neither completed nor running (upstream's firstPendingIndexes) */
  private pendingIndexes(active: KObject[], succeeded: IndexSet, n: number, completions: number): number[] {
    const running = new Set(active.map(completionIndex));
    const out: number[] = [];
    for (let i = 0; i < completions && out.length < n; i++) if (!succeeded.has(i) && !running.has(i)) out.push(i);
    return out;
  }
}
