// Unit tests of the Job controller against the in-memory fake cluster.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/strategy.js';
import { FakeCluster, FakeQueue, FakeRecorder, runUntilQuiet } from '../workloads-common/fake-cluster.js';
import { isPodActive } from '../workloads-common/pods.js';
import { JOBS, PODS } from '../workloads-common/resources.js';
import { JOB_TRACKING_FINALIZER, JobController } from './job-controller.js';

function job(name: string, spec: KObject = {}): KObject {
  return {
    metadata: { name, namespace: 'default' },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'localhost/busybox:1.35' }] } }, ...spec },
  };
}

function setup() {
  const cluster = new FakeCluster();
  const recorder = new FakeRecorder();
  const ctrl = new JobController({ clientset: cluster, informers: cluster, recorder, clock: cluster.clock });
  const queue = new FakeQueue();
  ctrl.register(queue);
  const run = () => runUntilQuiet([[ctrl, queue]]);
  const pods = () => cluster.list(PODS, 'default');
  const active = () => pods().filter(isPodActive);
  const get = (n = 'pi') => cluster.get(JOBS, 'default', n)!;
  const cond = (type: string, n = 'pi') => (get(n).status?.conditions ?? []).find((c: KObject) => c.type === type);
  /** the kubelet: a pod ends */
  const finish = (p: KObject, phase: 'Succeeded' | 'Failed') => cluster.mutate(PODS, 'default', p.metadata.name, (x) => {
    x.spec.nodeName ||= 'n1';
    x.status = { phase, containerStatuses: [{ name: 'c', restartCount: 0, state: { terminated: { exitCode: phase === 'Failed' ? 1 : 0, finishedAt: cluster.now() } } }] };
  });
  return { cluster, recorder, ctrl, queue, run, pods, active, get, cond, finish };
}

test('NonIndexed: parallelism and completions, finalizer tracking, SuccessCriteriaMet then Complete', async () => {
  const s = setup();
  const j = s.cluster.create(JOBS, job('pi', { completions: 3, parallelism: 2 }));
  await s.run();
  assert.equal(s.active().length, 2);
  for (const p of s.pods()) {
    assert.match(p.metadata.name, /^pi-/);
    assert.deepEqual(p.metadata.finalizers, [JOB_TRACKING_FINALIZER]);
    assert.equal(p.metadata.labels['batch.kubernetes.io/job-name'], 'pi');
    assert.equal(p.metadata.labels['batch.kubernetes.io/controller-uid'], j.metadata.uid);
    assert.equal(p.metadata.ownerReferences[0].kind, 'Job');
  }
  assert.ok(s.get().status.startTime);
  assert.equal(s.get().status.active, 2);
  assert.equal(s.get().status.ready, 0);
  s.finish(s.active()[0], 'Succeeded');
  await s.run();
  assert.equal(s.get().status.succeeded, 1);
  assert.deepEqual(s.get().status.uncountedTerminatedPods, {});
  assert.ok(s.pods().filter((p) => p.status.phase === 'Succeeded').every((p) => !p.metadata.finalizers?.length), 'finalizer released');
  assert.equal(s.active().length, 2);
  for (const p of s.active()) s.finish(p, 'Succeeded');
  await s.run();
  const st = s.get().status;
  assert.equal(st.succeeded, 3);
  assert.equal(s.cond('SuccessCriteriaMet').reason, 'CompletionsReached');
  assert.equal(s.cond('Complete').status, 'True');
  assert.equal(s.cond('Complete').reason, 'CompletionsReached');
  assert.equal(s.cond('Complete').message, 'Reached expected number of succeeded pods');
  assert.ok(st.completionTime);
  assert.ok(s.recorder.has('Normal Completed: Job completed'));
  assert.equal(s.recorder.events.filter((e) => e.startsWith('Normal SuccessfulCreate: Created pod: pi-')).length, 3);
});

test('failed pods: exponential backoff before replacements, then BackoffLimitExceeded', async () => {
  const s = setup();
  s.cluster.create(JOBS, job('pi', { backoffLimit: 2 }));
  await s.run();
  s.finish(s.active()[0], 'Failed');
  await s.run();
  assert.equal(s.get().status.failed, 1);
  assert.equal(s.active().length, 0, 'waits 10 s');
  assert.ok((s.queue.delayed.get('default/pi') ?? 0) <= 10_000);
  s.cluster.clock.step(10_001);
  s.queue.fireDelayed();
  await s.run();
  assert.equal(s.active().length, 1);
  s.finish(s.active()[0], 'Failed');
  await s.run();
  s.cluster.clock.step(10_001);
  s.queue.fireDelayed();
  await s.run();
  assert.equal(s.active().length, 0, 'the second failure waits 20 s');
  s.cluster.clock.step(10_000);
  s.queue.fireDelayed();
  await s.run();
  assert.equal(s.active().length, 1);
  s.finish(s.active()[0], 'Failed');
  await s.run();
  const st = s.get().status;
  assert.equal(st.failed, 3);
  assert.equal(s.cond('FailureTarget').reason, 'BackoffLimitExceeded');
  assert.equal(s.cond('Failed').reason, 'BackoffLimitExceeded');
  assert.equal(s.cond('Failed').message, 'Job has reached the specified backoff limit');
  assert.equal(st.completionTime, undefined);
  assert.ok(s.recorder.has('Warning BackoffLimitExceeded: Job has reached the specified backoff limit'));
});

test('Indexed: one pod per index with the index annotation, label, env and hostname; completedIndexes', async () => {
  const s = setup();
  s.cluster.create(JOBS, job('idx', { completions: 3, parallelism: 2, completionMode: 'Indexed' }));
  await s.run();
  const pods = s.active().sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  assert.equal(pods.length, 2);
  pods.forEach((p, i) => {
    assert.equal(p.metadata.annotations['batch.kubernetes.io/job-completion-index'], String(i));
    assert.equal(p.metadata.labels['batch.kubernetes.io/job-completion-index'], String(i));
    assert.equal(p.spec.hostname, `idx-${i}`);
    assert.ok(p.metadata.name.startsWith(`idx-${i}-`));
    assert.equal(p.spec.containers[0].env[0].name, 'JOB_COMPLETION_INDEX');
  });
  s.finish(pods[1], 'Succeeded');
  await s.run();
  assert.equal(s.get('idx').status.completedIndexes, '1');
  assert.equal(s.get('idx').status.succeeded, 1);
  assert.deepEqual(s.active().map((p) => p.metadata.annotations['batch.kubernetes.io/job-completion-index']).sort(), ['0', '2']);
  for (const p of s.active()) s.finish(p, 'Succeeded');
  await s.run();
  assert.equal(s.get('idx').status.completedIndexes, '0-2');
  assert.equal(s.cond('Complete', 'idx').status, 'True');
});

test('activeDeadlineSeconds: active pods are removed and the Job fails with DeadlineExceeded', async () => {
  const s = setup();
  s.cluster.create(JOBS, job('pi', { activeDeadlineSeconds: 30, parallelism: 2, completions: 4 }));
  await s.run();
  assert.equal(s.active().length, 2);
  assert.ok(s.queue.delayed.has('default/pi'));
  s.cluster.clock.step(31_000);
  s.queue.fireDelayed();
  await s.run();
  assert.equal(s.active().length, 0);
  assert.equal(s.pods().length, 0, 'finalizers released, pods gone');
  assert.equal(s.cond('Failed').reason, 'DeadlineExceeded');
  assert.equal(s.cond('Failed').message, 'Job was active longer than specified deadline');
  assert.equal(s.get().status.failed, 2);
});

test('suspend deletes active pods without counting failures; resume restarts and resets startTime', async () => {
  const s = setup();
  s.cluster.create(JOBS, job('pi', { suspend: true, completions: 2, parallelism: 2 }));
  await s.run();
  assert.equal(s.pods().length, 0);
  assert.equal(s.cond('Suspended').reason, 'JobSuspended');
  assert.equal(s.get().status.startTime, undefined);
  const resume = async (suspend: boolean) => {
    const j = structuredClone(s.get());
    j.spec.suspend = suspend;
    await s.cluster.resource(JOBS).update(j);
    await s.run();
  };
  await resume(false);
  assert.equal(s.active().length, 2);
  assert.equal(s.cond('Suspended').status, 'False');
  assert.equal(s.cond('Suspended').reason, 'JobResumed');
  assert.ok(s.recorder.has('Normal Resumed: Job resumed'));
  await resume(true);
  assert.equal(s.pods().length, 0);
  assert.equal(s.get().status.failed ?? 0, 0);
});

test('pods of a deleted Job lose the tracking finalizer', async () => {
  const s = setup();
  s.cluster.create(JOBS, job('pi', { parallelism: 2, completions: 2 }));
  await s.run();
  s.cluster.delete(JOBS, 'default', 'pi');
  await s.run();
  assert.ok(s.pods().every((p) => !p.metadata.finalizers?.length));
});

test('a burst of reconciles with a lagging cache does not over-create', async () => {
  const s = setup();
  s.cluster.create(JOBS, job('pi', { parallelism: 3, completions: 3 }));
  s.cluster.holdEvents = true;
  await s.ctrl.reconcile('default/pi');
  // the stale cached Job makes this status write conflict (retried by the queue); it must not create again
  await s.ctrl.reconcile('default/pi').catch(() => undefined);
  assert.equal(s.pods().length, 3);
  s.cluster.holdEvents = false;
  s.cluster.deliverEvents();
  await s.run();
  assert.equal(s.pods().length, 3);
});
