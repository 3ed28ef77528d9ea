// Unit tests of the StatefulSet controller against the in-memory fake cluster.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/strategy.js';
import { FakeCluster, FakeQueue, FakeRecorder, makePodReady, runUntilQuiet } from '../workloads-common/fake-cluster.js';
import { CONTROLLER_REVISIONS, PODS, PVCS, STATEFUL_SETS } from '../workloads-common/resources.js';
import { StatefulSetController } from './statefulset-controller.js';

function sts(name: string, replicas: number, spec: KObject = {}): KObject {
  return {
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'localhost/busybox:1.35' }] } },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      ...spec,
    },
  };
}

function setup() {
  const cluster = new FakeCluster();
  const recorder = new FakeRecorder();
  const ctrl = new StatefulSetController({ clientset: cluster, informers: cluster, recorder, clock: cluster.clock });
  const queue = new FakeQueue();
  ctrl.register(queue);
  const run = () => runUntilQuiet([[ctrl, queue]]);
  const names = () => cluster.list(PODS, 'default').map((p) => p.metadata.name).sort();
  const pod = (n: string) => cluster.get(PODS, 'default', n)!;
  const ready = (n: string) => makePodReady(cluster, PODS, pod(n));
  const status = (n = 'web') => cluster.get(STATEFUL_SETS, 'default', n)!.status;
  const edit = async (fn: (s: KObject) => void) => {
    const s = structuredClone(cluster.get(STATEFUL_SETS, 'default', 'web')!);
    fn(s);
    await cluster.resource(STATEFUL_SETS).update(s);
  };
  return { cluster, recorder, ctrl, run, names, pod, ready, status, edit };
}

test('OrderedReady: pods are created one by one, each after the previous is Running and Ready, claims first', async () => {
  const s = setup();
  const set = s.cluster.create(STATEFUL_SETS, sts('web', 3));
  await s.run();
  assert.deepEqual(s.names(), ['web-0']);
  const p0 = s.pod('web-0');
  assert.equal(p0.spec.hostname, 'web-0');
  assert.equal(p0.spec.subdomain, 'web');
  assert.equal(p0.metadata.labels['statefulset.kubernetes.io/pod-name'], 'web-0');
  assert.equal(p0.metadata.labels['apps.kubernetes.io/pod-index'], '0');
  assert.deepEqual(p0.spec.volumes, [{ name: 'data', persistentVolumeClaim: { claimName: 'data-web-0' } }]);
  assert.equal(p0.metadata.ownerReferences[0].uid, set.metadata.uid);
  const pvc = s.cluster.get(PVCS, 'default', 'data-web-0')!;
  assert.deepEqual(pvc.metadata.labels, { app: 'web' });
  assert.ok(s.recorder.has('Normal SuccessfulCreate: create Claim data-web-0 Pod web-0 in StatefulSet web success'));
  assert.ok(s.recorder.has('Normal SuccessfulCreate: create Pod web-0 in StatefulSet web successful'));
  const rev = s.cluster.list(CONTROLLER_REVISIONS, 'default')[0];
  assert.equal(p0.metadata.labels['controller-revision-hash'], rev.metadata.name);
  assert.equal(s.status().updateRevision, rev.metadata.name);
  assert.equal(s.status().currentRevision, rev.metadata.name);
  s.ready('web-0');
  await s.run();
  assert.deepEqual(s.names(), ['web-0', 'web-1']);
  s.ready('web-1');
  await s.run();
  assert.deepEqual(s.names(), ['web-0', 'web-1', 'web-2']);
  s.ready('web-2');
  await s.run();
  assert.deepEqual([s.status().replicas, s.status().readyReplicas, s.status().currentReplicas, s.status().updatedReplicas], [3, 3, 3, 3]);
  assert.deepEqual(s.cluster.list(PVCS, 'default').map((c) => c.metadata.name).sort(), ['data-web-0', 'data-web-1', 'data-web-2']);
});

test('OrderedReady scale down: highest ordinal first, one at a time, waiting for termination', async () => {
  const s = setup();
  s.cluster.gracefulPodDeletion = true;
  s.cluster.create(STATEFUL_SETS, sts('web', 3));
  for (let i = 0; i < 3; i++) {
    await s.run();
    s.ready(`web-${i}`);
  }
  await s.run();
  await s.edit((x) => { x.spec.replicas = 1; });
  await s.run();
  assert.ok(s.pod('web-2').metadata.deletionTimestamp);
  assert.equal(s.pod('web-1').metadata.deletionTimestamp, undefined, 'web-1 waits for web-2');
  s.cluster.finishDeletion(PODS, 'default', 'web-2');
  await s.run();
  assert.ok(s.pod('web-1').metadata.deletionTimestamp);
  s.cluster.finishDeletion(PODS, 'default', 'web-1');
  await s.run();
  assert.deepEqual(s.names(), ['web-0']);
  // claims are retained by default
  assert.equal(s.cluster.list(PVCS, 'default').length, 3);
});

test('Parallel: all pods at once, and a scale down removes them together', async () => {
  const s = setup();
  s.cluster.create(STATEFUL_SETS, sts('web', 3, { podManagementPolicy: 'Parallel' }));
  await s.run();
  assert.deepEqual(s.names(), ['web-0', 'web-1', 'web-2']);
  await s.edit((x) => { x.spec.replicas = 0; });
  await s.run();
  assert.deepEqual(s.names(), []);
});

test('RollingUpdate with a partition: reverse ordinal order, ordinals below the partition keep the old revision', async () => {
  const s = setup();
  s.cluster.create(STATEFUL_SETS, sts('web', 3, { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } }));
  for (let i = 0; i < 3; i++) {
    await s.run();
    s.ready(`web-${i}`);
  }
  await s.run();
  const rev1 = s.status().currentRevision;
  await s.edit((x) => { x.spec.template.spec.containers[0].image = 'localhost/busybox:1.36'; });
  await s.run();
  const rev2 = s.status().updateRevision;
  assert.notEqual(rev1, rev2);
  // web-2 replaced first
  assert.equal(s.pod('web-2').metadata.labels['controller-revision-hash'], rev2);
  assert.equal(s.pod('web-1').metadata.labels['controller-revision-hash'], rev1);
  s.ready('web-2');
  await s.run();
  assert.equal(s.pod('web-1').metadata.labels['controller-revision-hash'], rev2);
  s.ready('web-1');
  await s.run();
  assert.equal(s.pod('web-0').metadata.labels['controller-revision-hash'], rev1);
  assert.equal(s.pod('web-0').spec.containers[0].image, 'localhost/busybox:1.35');
  let st = s.status();
  assert.deepEqual([st.currentRevision, st.updateRevision, st.currentReplicas, st.updatedReplicas], [rev1, rev2, 1, 2]);
  await s.edit((x) => { x.spec.updateStrategy.rollingUpdate.partition = 0; });
  await s.run();
  s.ready('web-0');
  await s.run();
  st = s.status();
  assert.deepEqual([st.currentRevision, st.updateRevision, st.currentReplicas, st.updatedReplicas], [rev2, rev2, 3, 3]);
  const revs = s.cluster.list(CONTROLLER_REVISIONS, 'default').map((r) => r.revision).sort();
  assert.deepEqual(revs, [1, 2]);
  // rolling back to the first template reuses its revision with a new number
  await s.edit((x) => { x.spec.template.spec.containers[0].image = 'localhost/busybox:1.35'; });
  await s.run();
  assert.equal(s.status().updateRevision, rev1);
  assert.equal(s.cluster.get(CONTROLLER_REVISIONS, 'default', rev1)!.revision, 3);
});

test('a failed pod is recreated with the same identity', async () => {
  const s = setup();
  s.cluster.create(STATEFUL_SETS, sts('web', 1));
  await s.run();
  const uid = s.pod('web-0').metadata.uid;
  s.cluster.mutate(PODS, 'default', 'web-0', (p) => { p.status = { phase: 'Failed' }; });
  await s.run();
  assert.notEqual(s.pod('web-0').metadata.uid, uid);
  assert.ok(s.recorder.has('Warning RecreatingFailedPod: StatefulSet default/web is recreating failed Pod web-0'));
});

test('whenDeleted=Delete: claims are owned by the StatefulSet', async () => {
  const s = setup();
  const set = s.cluster.create(STATEFUL_SETS, sts('web', 1, { persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' } }));
  await s.run();
  assert.equal(s.cluster.get(PVCS, 'default', 'data-web-0')!.metadata.ownerReferences[0].uid, set.metadata.uid);
});
