// Tests for DefaultBinder: POST pods/binding with the target node; API errors become Error statuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findResource } from '../../../api/resources.js';
import { CycleState } from '../../framework/cycle-state.js';
import { PodInfo } from '../../framework/pod-info.js';
import { Code } from '../../framework/status.js';
import { FakeCluster } from '../../testing/fake-cluster.js';
import { fakeHandle, makePod } from '../../testing/objects.js';
import { DefaultBinder } from './default-binder.js';

const PODS = findResource('', 'v1', 'pods')!;

test('DefaultBinder binds through pods/binding', async () => {
  const cluster = new FakeCluster();
  const created = cluster.create(PODS, makePod('p'));
  const binder = new DefaultBinder({ ...fakeHandle([]), clientset: cluster.clientset });
  const s = await binder.bind(new CycleState(), PodInfo.of(created), 'node-1');
  assert.ok(s.isSuccess());
  assert.deepEqual(cluster.calls, ['create pods default/p/binding']);
  assert.equal(cluster.get(PODS, 'default/p')!.spec.nodeName, 'node-1');
  const again = await binder.bind(new CycleState(), PodInfo.of(created), 'node-2');
  assert.equal(again.code, Code.Error);
  assert.match(again.message(), /already assigned to node "node-1"/);
  const gone = await binder.bind(new CycleState(), PodInfo.of(makePod('missing')), 'node-1');
  assert.equal(gone.code, Code.Error);
  assert.equal((await new DefaultBinder(fakeHandle([])).bind(new CycleState(), PodInfo.of(created), 'n')).code, Code.Error);
});
