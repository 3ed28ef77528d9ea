// The CronJob controller (batch/v1, upstream's ControllerV2): creates Jobs on a cron schedule, tracks them, trims history.

import type { KObject } from '../../api/strategy.js';
import { realClock, type Clock } from '../../client/clock.js';
import { keyOf } from '../../client/object-key.js';
import { isAlreadyExists, isNotFound } from '../../client/rest-client.js';
import type { Informer, Reconciler, ReconcileResult, ResourceClient, WorkQueue } from '../../client/types.js';
import { controllerRefOf, ensureControllerIndex, isControlledBy, newControllerRef, ownedBy, resolveControllerRef, withKind } from '../workloads-common/controller-ref.js';
import type { Recorder, WorkloadControllerOptions } from '../workloads-common/deps.js';
import { errMessage, isNamespaceTerminating } from '../workloads-common/pods.js';
import { CRON_JOBS, JOBS } from '../workloads-common/resources.js';
import { localZone, parseSchedule, rfc3339In, validZone, type Schedule } from './cron-schedule.js';

export const SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';
/** upstream's nextScheduleDelta: wake a little after the scheduled time */
const NEXT_SCHEDULE_DELTA_MS = 100;

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Go's time.RFC1123Z, as upstream prints a missed schedule time (in UTC) */
function rfc1123z(ms: number): string {
  const d = new Date(ms);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]}, ${p(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

function finishedType(job: KObject): string | undefined {
  const c = (job.status?.conditions ?? []).find((x: KObject) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True');
  return c?.type;
}

function timeMs(s: unknown): number | undefined {
  if (typeof s !== 'string') return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * Reconciles one CronJob by key "namespace/name" (upstream's ControllerV2.sync): reconciles
 * status.active with its Jobs (events SawCompletedJob, MissingJob, UnexpectedJob), records
 * lastSuccessfulTime; unless suspended, creates the Job `<name>-<scheduled unix minutes>` for the
 * most recent unmet schedule time (none if older than startingDeadlineSeconds: MissSchedule),
 * honouring concurrencyPolicy Allow/Forbid/Replace; deletes finished Jobs beyond the history
 * limits; writes status (active, lastScheduleTime, lastSuccessfulTime) and asks to be called again
 * just after the next schedule time. Schedules are read in spec.timeZone, else the controller's
 * local zone (as upstream). The clock is injectable for tests.
 * Start: `const c = new CronJobController(opts); c.register(queue);` (recorder component
 * "cronjob-controller").
 */
export class CronJobController implements Reconciler {
  readonly name = 'cronjob-controller';
  private readonly cjClient: ResourceClient;
  private readonly jobClient: ResourceClient;
  private readonly cjInformer: Informer;
  private readonly jobInformer: Informer;
  private readonly recorder: Recorder;
  private readonly clock: Clock;
  private readonly zone: string;

  constructor(opts: WorkloadControllerOptions & { localZone?: string }) {
    this.cjClient = opts.clientset.resource(CRON_JOBS);
    this.jobClient = opts.clientset.resource(JOBS);
    this.cjInformer = opts.informers.informerFor(CRON_JOBS);
    this.jobInformer = opts.informers.informerFor(JOBS);
    ensureControllerIndex(this.jobInformer);
    this.recorder = opts.recorder;
    this.clock = opts.clock ?? realClock;
    this.zone = opts.localZone ?? localZone();
  }

  /** Adds the event handlers that feed `queue` (call once, before the informers start). */
  register(queue: WorkQueue<string>): void {
    this.cjInformer.addEventHandler({
      onAdd: (cj) => queue.add(keyOf(cj)),
      onUpdate: (old, cj) => {
        if (old.spec?.schedule !== cj.spec?.schedule || old.spec?.timeZone !== cj.spec?.timeZone) {
          // a new schedule: wake for its next time (and now, to re-evaluate)
          const after = this.nextWake(cj, this.clock.now());
          if (after !== undefined) queue.addAfter(keyOf(cj), after);
        }
        queue.add(keyOf(cj));
      },
    });
    const jobChanged = (job: KObject) => {
      const cj = resolveControllerRef(controllerRefOf(job), job.metadata.namespace, CRON_JOBS, this.cjInformer.lister);
      if (cj) queue.add(keyOf(cj));
    };
    this.jobInformer.addEventHandler({ onAdd: jobChanged, onUpdate: (_o, j) => jobChanged(j), onDelete: jobChanged });
  }

  /** the schedule in effect (TZ= in the schedule, else spec.timeZone, else the local zone) */
  private schedule(cj: KObject): Schedule {
    const spec: string = cj.spec?.schedule ?? '';
    if (spec.includes('TZ')) return parseSchedule(spec, this.zone);
    return parseSchedule(spec, cj.spec?.timeZone ?? this.zone);
  }

  private nextWake(cj: KObject, now: number): number | undefined {
    try {
      return this.nextScheduleDuration(cj, now, this.schedule(cj));
    } catch {
      return undefined;
    }
  }

  /**
   * upstream's mostRecentScheduleTime: the latest schedule time in (earliest, now], where earliest
   * is lastScheduleTime (else creation), raised to now - startingDeadlineSeconds when asked; with
   * the approximate number of times missed.
   */
  private mostRecent(cj: KObject, now: number, sched: Schedule, withDeadline: boolean): { earliest: number; recent?: number; missed: number } {
    let earliest = timeMs(cj.status?.lastScheduleTime) ?? timeMs(cj.metadata?.creationTimestamp) ?? now;
    const sds = cj.spec?.startingDeadlineSeconds;
    if (withDeadline && sds != null) earliest = Math.max(earliest, now - sds * 1000);
    const t1 = sched.next(earliest);
    if (t1 === undefined || now < t1) return { earliest, missed: 0 };
    const t2 = sched.next(t1);
    if (t2 === undefined || now < t2) return { earliest, recent: t1, missed: 1 };
    const between = Math.round((t2 - t1) / 1000);
    if (between < 1) throw new Error('time difference between two schedules is less than 1 second');
    const missed = Math.floor((now - t1) / 1000 / between) + 1;
    // walk forward from a little before now; widen the window until a schedule time falls in it
    for (let window = 2 * between * 1000; ; window *= 4) {
      const start = Math.max(t1 - 1000, now - window);
      let recent: number | undefined;
      for (let t = sched.next(start), n = 0; t !== undefined && t <= now && n < 100_000; t = sched.next(t), n++) recent = t;
      if (recent !== undefined) return { earliest, recent, missed };
      if (start <= t1 - 1000) return { earliest, recent: t1, missed };
    }
  }

  /** upstream's nextScheduleTimeDuration: ms until just after the next schedule time */
  private nextScheduleDuration(cj: KObject, now: number, sched: Schedule): number | undefined {
    const { earliest, recent } = this.mostRecent(cj, now, sched, false);
    const next = sched.next(recent ?? earliest);
    if (next === undefined) return undefined;
    return Math.max(0, next + NEXT_SCHEDULE_DELTA_MS - now);
  }

  async reconcile(key: string): Promise<void | ReconcileResult> {
    const cached = this.cjInformer.lister.get(key);
    if (!cached) return;
    const cj = structuredClone(withKind(cached, CRON_JOBS));
    cj.status ??= {};
    const jobs = ownedBy(this.jobInformer.lister, cj).filter((j) => isControlledBy(j, cj));
    const { requeueMs, updateStatus: changed } = await this.syncCronJob(cj, jobs);
    let updateStatus = changed;
    if (await this.cleanupFinishedJobs(cj, jobs)) updateStatus = true;
    if (updateStatus) await this.cjClient.updateStatus(cj);
    if (requeueMs !== undefined) return { requeueAfterMs: requeueMs };
  }

  private removeActive(cj: KObject, uid: string): void {
    cj.status.active = (cj.status.active ?? []).filter((r: KObject) => r.uid !== uid);
    if (cj.status.active.length === 0) delete cj.status.active;
  }

  private async syncCronJob(cj: KObject, jobs: KObject[]): Promise<{ requeueMs?: number; updateStatus: boolean }> {
    const now = this.clock.now();
    let updateStatus = false;
    const children = new Set<string>();
    for (const j of jobs) {
      children.add(j.metadata.uid);
      const inActive = (cj.status.active ?? []).some((r: KObject) => r.uid === j.metadata.uid);
      const finished = finishedType(j);
      if (!inActive && !finished) {
        const fresh = await this.cjClient.get(cj.metadata.namespace, cj.metadata.name);
        if ((fresh.status?.active ?? []).some((r: KObject) => r.uid === j.metadata.uid)) {
          cj.status = structuredClone(fresh.status);
          cj.metadata.resourceVersion = fresh.metadata.resourceVersion;
          continue;
        }
        this.recorder.event(cj, 'Warning', 'UnexpectedJob', `Saw a job that the controller did not create or forgot: ${j.metadata.name}`);
      } else if (inActive && finished) {
        this.removeActive(cj, j.metadata.uid);
        this.recorder.event(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata.name}, condition: ${finished}`);
        updateStatus = true;
      }
      if (finished === 'Complete') {
        const done = timeMs(j.status?.completionTime);
        const last = timeMs(cj.status.lastSuccessfulTime);
        if (j.status?.completionTime && (last === undefined || (done !== undefined && done > last))) {
          cj.status.lastSuccessfulTime = j.status.completionTime;
          updateStatus = true;
        }
      }
    }
    // active references whose Job is gone
    for (const ref of [...(cj.status.active ?? [])]) {
      if (children.has(ref.uid)) continue;
      try {
        await this.jobClient.get(ref.namespace ?? cj.metadata.namespace, ref.name);
      } catch (e) {
        if (!isNotFound(e)) throw e;
        this.recorder.event(cj, 'Normal', 'MissingJob', `Active job went missing: ${ref.name}`);
        this.removeActive(cj, ref.uid);
        updateStatus = true;
      }
    }
    if (cj.metadata.deletionTimestamp) return { updateStatus };
    const tz = cj.spec?.timeZone;
    if (tz != null && !validZone(tz)) {
      this.recorder.event(cj, 'Warning', 'UnknownTimeZone', `invalid timeZone: ${JSON.stringify(tz)}: unknown time zone ${tz}`);
      return { updateStatus };
    }
    if (cj.spec?.suspend === true) return { updateStatus };
    if (String(cj.spec?.schedule ?? '').includes('TZ')) {
      this.recorder.event(cj, 'Warning', 'UnsupportedSchedule', `CRON_TZ or TZ used in schedule ${JSON.stringify(cj.spec.schedule)} is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details`);
    }
    let sched: Schedule;
    try {
      sched = this.schedule(cj);
    } catch (e) {
      this.recorder.event(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: ${JSON.stringify(cj.spec?.schedule)} : ${errMessage(e)}`);
      return { updateStatus };
    }
    let scheduled: number | undefined;
    try {
      const { recent, missed } = this.mostRecent(cj, now, sched, true);
      if (recent !== undefined && recent <= now) {
        scheduled = recent;
        if (missed > 100) this.recorder.event(cj, 'Warning', 'TooManyMissedTimes', `too many missed start times: ${missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`);
      }
    } catch (e) {
      this.recorder.event(cj, 'Warning', 'InvalidSchedule', `invalid schedule: ${cj.spec?.schedule} : ${errMessage(e)}`);
      return { updateStatus };
    }
    const requeue = () => this.nextScheduleDuration(cj, now, sched);
    if (scheduled === undefined) return { requeueMs: requeue(), updateStatus };
    const sds = cj.spec?.startingDeadlineSeconds;
    if (sds != null && scheduled + sds * 1000 < now) {
      this.recorder.event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${rfc1123z(scheduled)}`);
      return { requeueMs: requeue(), updateStatus };
    }
    const jobName = `${cj.metadata.name}-${Math.floor(scheduled / 60_000)}`;
    if ((cj.status.active ?? []).some((r: KObject) => r.name === jobName) || timeMs(cj.status.lastScheduleTime) === scheduled) {
      return { requeueMs: requeue(), updateStatus };
    }
    const policy = cj.spec?.concurrencyPolicy ?? 'Allow';
    if (policy === 'Forbid' && (cj.status.active ?? []).length > 0) {
      this.recorder.event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
      return { requeueMs: requeue(), updateStatus };
    }
    if (policy === 'Replace') {
      for (const ref of [...(cj.status.active ?? [])]) {
        let job: KObject;
        try {
          job = await this.jobClient.get(ref.namespace ?? cj.metadata.namespace, ref.name);
        } catch (e) {
          this.recorder.event(cj, 'Warning', 'FailedGet', `Get job: ${errMessage(e)}`);
          throw e;
        }
        if (!(await this.deleteJob(cj, job))) throw new Error(`could not replace job ${job.metadata.namespace}/${job.metadata.name}`);
        updateStatus = true;
      }
    }
    let created: KObject;
    let alreadyExists = false;
    try {
      created = await this.jobClient.create(cj.metadata.namespace, this.jobFromTemplate(cj, jobName, scheduled));
    } catch (e) {
      if (isNamespaceTerminating(e)) throw e;
      if (!isAlreadyExists(e)) {
        this.recorder.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${errMessage(e)}`);
        throw e;
      }
      alreadyExists = true;
      created = await this.jobClient.get(cj.metadata.namespace, jobName);
      // someone else's Job of that name, or ours already listed: nothing to add
      if (!isControlledBy(created, cj)) return { updateStatus };
      if ((cj.status.active ?? []).some((r: KObject) => r.uid === created.metadata.uid)) return { updateStatus };
    }
    if (!alreadyExists) this.recorder.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${created.metadata.name}`);
    (cj.status.active ??= []).push({ kind: 'Job', namespace: created.metadata.namespace, name: created.metadata.name, uid: created.metadata.uid, apiVersion: 'batch/v1', resourceVersion: created.metadata.resourceVersion });
    cj.status.lastScheduleTime = rfc3339(scheduled);
    return { requeueMs: requeue(), updateStatus: true };
  }

  /** upstream's getJobFromTemplate2 */
  private jobFromTemplate(cj: KObject, name: string, scheduled: number): KObject {
    const jt: KObject = cj.spec?.jobTemplate ?? {};
    const annotations: Record<string, string> = { ...(jt.metadata?.annotations ?? {}) };
    annotations[SCHEDULED_TIMESTAMP_ANNOTATION] = rfc3339In(scheduled, cj.spec?.timeZone);
    const metadata: KObject = { name, namespace: cj.metadata.namespace, annotations, ownerReferences: [newControllerRef(cj, CRON_JOBS)] };
    if (jt.metadata?.labels) metadata.labels = { ...jt.metadata.labels };
    return { apiVersion: 'batch/v1', kind: 'Job', metadata, spec: structuredClone(jt.spec ?? {}) };
  }

  /** deletes a Job (background propagation) and its active reference; false when the delete failed */
  private async deleteJob(cj: KObject, job: KObject): Promise<boolean> {
    try {
      await this.jobClient.delete(job.metadata.namespace, job.metadata.name, { propagationPolicy: 'Background' });
    } catch (e) {
      if (!isNotFound(e)) {
        this.recorder.event(cj, 'Warning', 'FailedDelete', `Deleted job: ${errMessage(e)}`);
        return false;
      }
    }
    this.removeActive(cj, job.metadata.uid);
    this.recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata.name}`);
    return true;
  }

  /** upstream's cleanupFinishedJobs: keep the newest successfulJobsHistoryLimit / failedJobsHistoryLimit finished Jobs */
  private async cleanupFinishedJobs(cj: KObject, jobs: KObject[]): Promise<boolean> {
    const sl = cj.spec?.successfulJobsHistoryLimit;
    const fl = cj.spec?.failedJobsHistoryLimit;
    if (sl == null && fl == null) return false;
    let changed = false;
    const byStart = (a: KObject, b: KObject) => {
      const ta = timeMs(a.status?.startTime);
      const tb = timeMs(b.status?.startTime);
      if (ta === undefined && tb !== undefined) return 1;
      if (ta !== undefined && tb === undefined) return -1;
      if (ta === tb) return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
      return ta! - tb!;
    };
    for (const [type, limit] of [['Complete', sl], ['Failed', fl]] as const) {
      if (limit == null) continue;
      const finished = jobs.filter((j) => finishedType(j) === type).sort(byStart);
      for (let i = 0; i < finished.length - limit; i++) if (await this.deleteJob(cj, finished[i])) changed = true;
    }
    return changed;
  }
}
