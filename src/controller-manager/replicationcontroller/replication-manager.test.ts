// Unit tests of the ReplicationController controller (the replica core with map selectors).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeCluster, FakeQueue, FakeRecorder, runUntilQuiet } from '../workloads-common/fake-cluster.js';
import { PODS, REPLICATION_CONTROLLERS } from '../workloads-common/resources.js';
import { ReplicationManager } from './replication-manager.js';

test('a ReplicationController keeps its replicas, adopting orphans that match its selector', async () => {
  const cluster = new FakeCluster();
  const recorder = new FakeRecorder();
  const ctrl = new ReplicationManager({ clientset: cluster, informers: cluster, recorder, clock: cluster.clock });
  const queue = new FakeQueue();
  ctrl.register(queue);
  cluster.create(PODS, { metadata: { name: 'stray', namespace: 'default', labels: { app: 'web', v: '1' } }, spec: { containers: [{ name: 'c', image: 'x' }] } });
  // the API defaults the selector (and the RC's labels) from the template
  const rc = cluster.create(REPLICATION_CONTROLLERS, {
    metadata: { name: 'web', namespace: 'default' },
    spec: { replicas: 3, template: { metadata: { labels: { app: 'web', v: '1' } }, spec: { containers: [{ name: 'c', image: 'localhost/busybox:1.35' }] } } },
  });
  assert.deepEqual(rc.spec.selector, { app: 'web', v: '1' });
  await runUntilQuiet([[ctrl, queue]]);
  const pods = cluster.list(PODS, 'default');
  assert.equal(pods.length, 3);
  assert.ok(pods.every((p) => p.metadata.ownerReferences?.[0]?.kind === 'ReplicationController' && p.metadata.ownerReferences[0].apiVersion === 'v1'));
  assert.equal(recorder.events.filter((e) => e.startsWith('Normal SuccessfulCreate: Created pod: web-')).length, 2);
  const st = cluster.get(REPLICATION_CONTROLLERS, 'default', 'web')!.status;
  assert.equal(st.observedGeneration, 1);
  const cur = structuredClone(cluster.get(REPLICATION_CONTROLLERS, 'default', 'web')!);
  cur.spec.replicas = 0;
  await cluster.resource(REPLICATION_CONTROLLERS).update(cur);
  await runUntilQuiet([[ctrl, queue]]);
  assert.equal(cluster.list(PODS, 'default').length, 0);
  assert.equal(cluster.get(REPLICATION_CONTROLLERS, 'default', 'web')!.status.replicas, 0);
});
