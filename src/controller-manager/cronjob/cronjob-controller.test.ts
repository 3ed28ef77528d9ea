// Unit tests of the CronJob controller with a fake clock and the in-memory fake cluster.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/strategy.js';
import { FakeCluster, FakeQueue, FakeRecorder, runUntilQuiet } from '../workloads-common/fake-cluster.js';
import { CRON_JOBS, JOBS } from '../workloads-common/resources.js';
import { CronJobController, SCHEDULED_TIMESTAMP_ANNOTATION } from './cronjob-controller.js';

const MIN = 60_000;

function cronJob(name: string, spec: KObject = {}): KObject {
  return {
    metadata: { name, namespace: 'default' },
    spec: {
      schedule: '*/5 * * * *',
      jobTemplate: { metadata: { labels: { team: 'a' } }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'localhost/busybox:1.35' }] } } } },
      ...spec,
    },
  };
}

function setup() {
  const cluster = new FakeCluster();
  const recorder = new FakeRecorder();
  const ctrl = new CronJobController({ clientset: cluster, informers: cluster, recorder, clock: cluster.clock, localZone: 'UTC' });
  const queue = new FakeQueue();
  ctrl.register(queue);
  const run = () => runUntilQuiet([[ctrl, queue]]);
  const jobs = () => cluster.list(JOBS, 'default').sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  const get = (n = 'every5') => cluster.get(CRON_JOBS, 'default', n)!;
  /** advances the fake clock and runs what became due */
  const tick = async (ms: number) => {
    cluster.clock.step(ms);
    queue.fireDelayed();
    await run();
  };
  const finishJob = (j: KObject, type: 'Complete' | 'Failed') => cluster.mutate(JOBS, 'default', j.metadata.name, (x) => {
    x.status = { ...(x.status ?? {}), startTime: x.status?.startTime ?? cluster.now(), conditions: [{ type, status: 'True' }], ...(type === 'Complete' ? { completionTime: cluster.now() } : {}) };
  });
  return { cluster, recorder, ctrl, queue, run, jobs, get, tick, finishJob };
}

test('creates a Job at each schedule time, named by the scheduled minute, and records it in status', async () => {
  const s = setup();
  const cj = s.cluster.create(CRON_JOBS, cronJob('every5'));
  await s.run();
  assert.equal(s.jobs().length, 0);
  // requeued for just after 00:05
  assert.equal(s.queue.delayed.get('default/every5'), 5 * MIN + 100);
  await s.tick(5 * MIN - 1000);
  assert.equal(s.jobs().length, 0, 'not yet');
  await s.tick(1100);
  const [job] = s.jobs();
  const scheduled = Date.parse('2024-01-01T00:05:00Z');
  assert.equal(job.metadata.name, `every5-${scheduled / MIN}`);
  assert.equal(job.metadata.annotations[SCHEDULED_TIMESTAMP_ANNOTATION], '2024-01-01T00:05:00Z');
  assert.deepEqual(job.metadata.labels.team, 'a');
  assert.equal(job.metadata.ownerReferences[0].uid, cj.metadata.uid);
  const st = s.get().status;
  assert.equal(st.lastScheduleTime, '2024-01-01T00:05:00Z');
  assert.deepEqual(st.active.map((r: KObject) => r.name), [job.metadata.name]);
  assert.ok(s.recorder.has(`Normal SuccessfulCreate: Created job ${job.metadata.name}`));
  // a finished Job leaves the active list; its completion is the last success
  s.cluster.clock.step(30_000);
  s.finishJob(job, 'Complete');
  await s.run();
  assert.equal(s.get().status.active, undefined);
  assert.equal(s.get().status.lastSuccessfulTime, s.cluster.now());
  assert.ok(s.recorder.has(`Normal SawCompletedJob: Saw completed job: ${job.metadata.name}, condition: Complete`));
});

test('concurrencyPolicy: Allow runs Jobs side by side, Forbid skips, Replace deletes the running one', async () => {
  for (const policy of ['Allow', 'Forbid', 'Replace']) {
    const s = setup();
    s.cluster.create(CRON_JOBS, cronJob('every5', { concurrencyPolicy: policy }));
    await s.run();
    await s.tick(5 * MIN + 100);
    const first = s.jobs()[0].metadata.name;
    await s.tick(5 * MIN);
    const names = s.jobs().map((j) => j.metadata.name);
    const active = (s.get().status.active ?? []).map((r: KObject) => r.name);
    if (policy === 'Allow') {
      assert.equal(names.length, 2);
      assert.equal(active.length, 2);
    } else if (policy === 'Forbid') {
      assert.deepEqual(names, [first]);
      assert.ok(s.recorder.has('Normal JobAlreadyActive: Not starting job because prior execution is running and concurrency policy is Forbid'));
    } else {
      assert.equal(names.length, 1);
      assert.notEqual(names[0], first);
      assert.deepEqual(active, names);
      assert.ok(s.recorder.has(`Normal SuccessfulDelete: Deleted job ${first}`));
    }
  }
});

test('suspend stops scheduling; startingDeadlineSeconds skips times missed too long ago', async () => {
  const s = setup();
  s.cluster.create(CRON_JOBS, cronJob('every5', { suspend: true }));
  await s.run();
  await s.tick(6 * MIN);
  assert.equal(s.jobs().length, 0);
  // resumed 3 minutes after 00:05 with a 60 s deadline: 00:05 is too late, 00:10 runs
  const cj = structuredClone(s.get());
  cj.spec.suspend = false;
  cj.spec.startingDeadlineSeconds = 60;
  s.cluster.clock.step(2 * MIN);
  await s.cluster.resource(CRON_JOBS).update(cj);
  await s.run();
  assert.equal(s.jobs().length, 0);
  await s.tick(2 * MIN + 100);
  assert.equal(s.jobs().length, 1);
  assert.equal(s.get().status.lastScheduleTime, '2024-01-01T00:10:00Z');
});

test('after downtime only the most recent missed time runs', async () => {
  const s = setup();
  s.cluster.create(CRON_JOBS, cronJob('every5', { concurrencyPolicy: 'Allow' }));
  s.cluster.clock.step(60 * MIN + 30_000);
  await s.run();
  assert.equal(s.jobs().length, 1);
  assert.equal(s.get().status.lastScheduleTime, '2024-01-01T01:00:00Z');
});

test('history limits: only the newest finished Jobs are kept', async () => {
  const s = setup();
  s.cluster.create(CRON_JOBS, cronJob('every5', { successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 1, concurrencyPolicy: 'Allow' }));
  await s.run();
  for (let i = 0; i < 4; i++) {
    await s.tick(5 * MIN + (i === 0 ? 100 : 0));
    const newest = s.jobs().find((j) => !j.status?.conditions);
    s.finishJob(newest!, i === 1 ? 'Failed' : 'Complete');
    await s.run();
  }
  const left = s.jobs().map((j) => j.status.conditions[0].type).sort();
  assert.deepEqual(left, ['Complete', 'Failed']);
});

test('timeZone: the schedule is read in that zone and the annotation carries its offset', async () => {
  const s = setup();
  s.cluster.clock.step(-60 * MIN);
  s.cluster.create(CRON_JOBS, cronJob('tokyo', { schedule: '0 9 * * *', timeZone: 'Asia/Tokyo' }));
  await s.run();
  await s.tick(60 * MIN + 100);
  const [job] = s.jobs();
  assert.equal(job.metadata.annotations[SCHEDULED_TIMESTAMP_ANNOTATION], '2024-01-01T09:00:00+09:00');
  assert.equal(s.get('tokyo').status.lastScheduleTime, '2024-01-01T00:00:00Z');
});

test('an unparsable schedule is reported, not retried', async () => {
  const s = setup();
  s.cluster.create(CRON_JOBS, cronJob('bad'));
  s.cluster.mutate(CRON_JOBS, 'default', 'bad', (c) => { c.spec.schedule = '* * *'; });
  await s.run();
  assert.ok(s.recorder.events.some((e) => e.startsWith('Warning UnparseableSchedule: unparseable schedule: "* * *" : expected exactly 5 fields')));
});
