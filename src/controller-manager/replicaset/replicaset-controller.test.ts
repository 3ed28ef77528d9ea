// Unit tests of the ReplicaSet controller against the in-memory fake cluster.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/strategy.js';
import { ClientError } from '../../client/rest-client.js';
import { FakeCluster, FakeQueue, FakeRecorder, makePodReady, runUntilQuiet } from '../workloads-common/fake-cluster.js';
import { PODS, REPLICA_SETS } from '../workloads-common/resources.js';
import { ReplicaSetController } from './replicaset-controller.js';

function rs(name: string, replicas: number, extra: KObject = {}): KObject {
  return {
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name, tier: 'web' } }, spec: { containers: [{ name: 'c', image: 'localhost/busybox:1.35' }] } },
      ...extra,
    },
  };
}

function setup() {
  const cluster = new FakeCluster();
  const recorder = new FakeRecorder();
  const ctrl = new ReplicaSetController({ clientset: cluster, informers: cluster, recorder, clock: cluster.clock });
  const queue = new FakeQueue();
  ctrl.register(queue);
  const run = () => runUntilQuiet([[ctrl, queue]]);
  const pods = () => cluster.list(PODS, 'default');
  return { cluster, recorder, ctrl, queue, run, pods };
}

test('creates pods from the template with a controllerRef, and reports status', async () => {
  const { cluster, recorder, run, pods } = setup();
  const web = cluster.create(REPLICA_SETS, rs('web', 3));
  await run();
  assert.equal(pods().length, 3);
  for (const p of pods()) {
    assert.match(p.metadata.name, /^web-/);
    assert.deepEqual(p.metadata.labels, { app: 'web', tier: 'web' });
    assert.deepEqual(p.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: web.metadata.uid, controller: true, blockOwnerDeletion: true }]);
  }
  assert.equal(recorder.events.filter((e) => e.startsWith('Normal SuccessfulCreate: Created pod: web-')).length, 3);
  let st = cluster.get(REPLICA_SETS, 'default', 'web')!.status;
  assert.deepEqual([st.replicas, st.fullyLabeledReplicas, st.readyReplicas ?? 0, st.availableReplicas ?? 0, st.observedGeneration], [3, 3, 0, 0, 1]);
  for (const p of pods()) makePodReady(cluster, PODS, p);
  await run();
  st = cluster.get(REPLICA_SETS, 'default', 'web')!.status;
  assert.deepEqual([st.readyReplicas, st.availableReplicas], [3, 3]);
});

test('expectations: a lagging pod cache does not double-create', async () => {
  const { cluster, ctrl, pods } = setup();
  cluster.create(REPLICA_SETS, rs('web', 2));
  cluster.holdEvents = true;
  await ctrl.reconcile('default/web');
  await ctrl.reconcile('default/web');
  await ctrl.reconcile('default/web');
  assert.equal(pods().length, 2);
  cluster.holdEvents = false;
  cluster.deliverEvents();
  await ctrl.reconcile('default/web');
  assert.equal(pods().length, 2);
});

test('deletes surplus pods: unscheduled, then pending, then not ready, then the most recently ready', async () => {
  const { cluster, recorder, run, pods } = setup();
  cluster.create(REPLICA_SETS, rs('web', 5));
  await run();
  const [a, b, c, d, e] = pods();
  // a: unscheduled; b: scheduled, Pending; c: Running not ready; d: ready long ago; e: ready just now
  cluster.mutate(PODS, 'default', b.metadata.name, (p) => { p.spec.nodeName = 'n1'; });
  cluster.mutate(PODS, 'default', c.metadata.name, (p) => { p.spec.nodeName = 'n1'; p.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] }; });
  makePodReady(cluster, PODS, d);
  cluster.clock.step(3600_000);
  makePodReady(cluster, PODS, e);
  cluster.clock.step(1000);
  const scale = async (n: number) => {
    const cur = cluster.get(REPLICA_SETS, 'default', 'web')!;
    await cluster.resource(REPLICA_SETS).update({ ...cur, spec: { ...cur.spec, replicas: n } });
    await run();
    return pods().map((p) => p.metadata.name).sort();
  };
  assert.deepEqual(await scale(4), [b, c, d, e].map((p) => p.metadata.name).sort());
  assert.deepEqual(await scale(3), [c, d, e].map((p) => p.metadata.name).sort());
  assert.deepEqual(await scale(2), [d, e].map((p) => p.metadata.name).sort());
  assert.deepEqual(await scale(1), [d.metadata.name]);
  assert.ok(recorder.has(`Normal SuccessfulDelete: Deleted pod: ${a.metadata.name}`));
  assert.equal(cluster.get(REPLICA_SETS, 'default', 'web')!.status.replicas, 1);
});

test('adopts matching orphans and releases owned pods that stop matching', async () => {
  const { cluster, run, pods } = setup();
  const orphan = cluster.create(PODS, { metadata: { name: 'orphan', namespace: 'default', labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x' }] } });
  cluster.create(PODS, { metadata: { name: 'other', namespace: 'default', labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'x' }] } });
  const web = cluster.create(REPLICA_SETS, rs('web', 2));
  await run();
  const adopted = cluster.get(PODS, 'default', 'orphan')!;
  assert.equal(adopted.metadata.ownerReferences?.[0]?.uid, web.metadata.uid);
  assert.equal(cluster.get(PODS, 'default', 'other')!.metadata.ownerReferences, undefined);
  assert.equal(pods().filter((p) => p.metadata.ownerReferences?.[0]?.uid === web.metadata.uid).length, 2);
  // relabel the adopted pod: it is released and replaced
  cluster.mutate(PODS, 'default', orphan.metadata.name, (p) => { p.metadata.labels = { app: 'debug' }; });
  await run();
  assert.equal(cluster.get(PODS, 'default', 'orphan')!.metadata.ownerReferences?.length ?? 0, 0);
  assert.equal(pods().filter((p) => p.metadata.ownerReferences?.[0]?.uid === web.metadata.uid).length, 2);
});

test('failed creates: slow start stops at the first failing batch and sets ReplicaFailure', async () => {
  const { cluster, recorder, ctrl, pods } = setup();
  cluster.create(REPLICA_SETS, rs('web', 10));
  let allowed = 3;
  cluster.failWith = (a) => (a.verb === 'create' && a.resource === 'pods' && allowed-- <= 0
    ? new ClientError(403, { reason: 'Forbidden' }, 'pods "web-x" is forbidden: exceeded quota')
    : undefined);
  await assert.rejects(ctrl.reconcile('default/web'), /exceeded quota/);
  // batches 1, 2 succeed, then a batch of 4 with one success (3 allowed in all) stops the run
  assert.equal(cluster.actionsOf('create', 'pods').length, 7);
  assert.equal(pods().length, 3);
  const st = cluster.get(REPLICA_SETS, 'default', 'web')!.status;
  // status counts the pods seen before this sync's creates, as upstream
  assert.equal(st.replicas, 0);
  assert.equal(st.conditions[0].type, 'ReplicaFailure');
  assert.equal(st.conditions[0].reason, 'FailedCreate');
  assert.ok(recorder.has('Warning FailedCreate: Error creating: pods "web-x" is forbidden: exceeded quota'));
  cluster.failWith = undefined;
  await ctrl.reconcile('default/web');
  assert.equal(pods().length, 10);
  assert.equal(cluster.get(REPLICA_SETS, 'default', 'web')!.status.conditions, undefined);
});

test('minReadySeconds: available only after the pods stay ready that long', async () => {
  const { cluster, ctrl, queue, run, pods } = setup();
  cluster.create(REPLICA_SETS, rs('web', 2, { minReadySeconds: 10 }));
  await run();
  for (const p of pods()) makePodReady(cluster, PODS, p);
  await run();
  assert.equal(cluster.get(REPLICA_SETS, 'default', 'web')!.status.availableReplicas ?? 0, 0);
  assert.ok(queue.delayed.has('default/web'));
  cluster.clock.step(11_000);
  await ctrl.reconcile('default/web');
  assert.equal(cluster.get(REPLICA_SETS, 'default', 'web')!.status.availableReplicas, 2);
});

test('terminal pods do not count and are replaced', async () => {
  const { cluster, run, pods } = setup();
  cluster.create(REPLICA_SETS, rs('web', 2));
  await run();
  cluster.mutate(PODS, 'default', pods()[0].metadata.name, (p) => { p.status = { phase: 'Failed' }; });
  await run();
  assert.equal(pods().filter((p) => p.status?.phase !== 'Failed').length, 2);
});
