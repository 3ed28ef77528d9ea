// Tests for the scheduler cache: nodes and pods from informer events, assumed pods (assume, forget, confirm), node removal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SchedulerCache } from './cache.js';
import { PodInfo } from './framework/pod-info.js';
import { makeNode, makePod } from './testing/objects.js';
import type { KObject } from '../api/strategy.js';

test('assumed pods count at once and are confirmed or forgotten', () => {
  const c = new SchedulerCache();
  c.addNode(makeNode('n1'));
  c.addNode(makeNode('n2'));
  const pod = makePod('p', { cpu: '1', memory: '1Gi' });
  const assumed = PodInfo.of({ ...pod, spec: { ...pod.spec, nodeName: 'n1' } });
  assert.ok(c.assumePod(assumed, 'n1'));
  assert.equal(c.assumePod(assumed, 'n1'), false, 'a pod is assumed once');
  assert.equal(c.get('n1')!.requested.milliCPU, 1000);
  assert.ok(c.isAssumed('default/p'));
  c.finishBinding('default/p');
  // the informer shows it bound (elsewhere, say): it moves and stops being assumed
  c.addPod({ ...pod, spec: { ...pod.spec, nodeName: 'n2' } });
  assert.equal(c.isAssumed('default/p'), false);
  assert.equal(c.get('n1')!.requested.milliCPU, 0);
  assert.equal(c.get('n2')!.requested.milliCPU, 1000);
  c.forgetPod('default/p');
  assert.equal(c.get('n2')!.pods.length, 1, 'confirmed pods are not forgotten');

  const q = makePod('q', { cpu: '2' });
  c.assumePod(PodInfo.of({ ...q, spec: { ...q.spec, nodeName: 'n1' } }), 'n1');
  c.forgetPod('default/q');
  assert.equal(c.get('n1')!.pods.length, 0);
  assert.deepEqual(c.stats(), { nodes: 2, pods: 1, assumed: 0 });
});

test('pod updates and deletes; nodes leave the list at once but keep their pods until they go', () => {
  const c = new SchedulerCache();
  c.addNode(makeNode('n1'));
  const pod = makePod('p', { cpu: '1', nodeName: 'n1', labels: { a: 'b' } });
  c.addPod(pod);
  c.updatePod(pod, { ...pod, spec: { ...pod.spec, containers: [{ name: 'c', image: 'i', resources: { requests: { cpu: '3' } } }] } });
  assert.equal(c.get('n1')!.requested.milliCPU, 3000);
  c.removeNode(makeNode('n1'));
  assert.equal(c.list().length, 0);
  assert.equal(c.get('n1'), undefined);
  c.addNode(makeNode('n1'));
  assert.equal(c.get('n1')!.pods.length, 1, 'the re-added node still has its pod');
  c.removePod(pod);
  assert.equal(c.get('n1')!.pods.length, 0);
});

test('heartbeat-only node updates keep the parsed node; label changes are read', () => {
  const c = new SchedulerCache();
  const n = makeNode('n1', { labels: { zone: 'a' } });
  c.addNode(n);
  const ni = c.get('n1')!;
  const gen = ni.generation;
  const beat: KObject = { ...n, status: { ...n.status, conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: 'now' }] } };
  c.updateNode(n, beat);
  assert.equal(ni.generation, gen);
  assert.equal(ni.node, beat);
  c.updateNode(beat, { ...beat, metadata: { ...beat.metadata, labels: { zone: 'b' } } });
  assert.equal(ni.labels.zone, 'b');
});
