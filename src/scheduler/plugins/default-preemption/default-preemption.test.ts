// Tests for DefaultPreemption: minimal victim sets (reprieve by importance), node choice criteria, candidates and messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CycleState } from '../../framework/cycle-state.js';
import { resolveProfiles } from '../../framework/config.js';
import { Framework } from '../../framework/framework.js';
import { PodInfo } from '../../framework/pod-info.js';
import { Status } from '../../framework/status.js';
import { SchedulerCache } from '../../cache.js';
import { SchedulingQueue } from '../../scheduling-queue.js';
import { makeNode, makePod } from '../../testing/objects.js';
import { inTreeRegistry } from '../registry.js';
import { DefaultPreemption, pickOneNodeForPreemption, type Candidate } from './default-preemption.js';

function setup(pods: Record<string, { cpu: string; priority: number }[]>) {
  const cache = new SchedulerCache();
  for (const [node, list] of Object.entries(pods)) {
    cache.addNode(makeNode(node, { cpu: '4' }));
    list.forEach((p, i) => cache.addPod(makePod(`${node}-${i}-prio${p.priority}`, { cpu: p.cpu, priority: p.priority, nodeName: node })));
  }
  const fwk = new Framework(resolveProfiles()[0], inTreeRegistry(), { clientset: undefined, recorder: { event: () => undefined }, nodeInfos: cache, nominator: new SchedulingQueue(), currentPod: () => undefined });
  return { cache, fwk, pl: fwk.plugin('DefaultPreemption') as DefaultPreemption };
}

test('selectVictimsOnNode keeps every pod it can, most important first', () => {
  const { cache, fwk, pl } = setup({ n1: [{ cpu: '1', priority: 1 }, { cpu: '2', priority: 2 }, { cpu: '1', priority: 3 }] });
  const pod = PodInfo.of(makePod('p', { cpu: '2', priority: 10 }));
  const state = new CycleState();
  fwk.runPreFilterPlugins(state, pod, cache.list());
  const r = pl.selectVictimsOnNode(state, pod, cache.get('n1')!.clone());
  assert.ok(r.status.isSuccess());
  assert.deepEqual(r.victims.map((v) => v.name), ['n1-1-prio2']);
  assert.equal(cache.get('n1')!.pods.length, 3, 'the dry run works on a copy');
  // nothing of lower priority: no victims
  const top = PodInfo.of(makePod('q', { cpu: '2', priority: 1 }));
  assert.equal(pl.selectVictimsOnNode(state, top, cache.get('n1')!.clone()).status.message(), 'No preemption victims found for incoming pod');
  // even an empty node is too small
  const huge = PodInfo.of(makePod('h', { cpu: '8', priority: 10 }));
  assert.deepEqual([...pl.selectVictimsOnNode(state, huge, cache.get('n1')!.clone()).status.reasons], ['Insufficient cpu']);
});

test('pickOneNodeForPreemption: lowest top priority, then sum, then count, then latest start', () => {
  const v = (name: string, priority: number, start = 0): PodInfo => PodInfo.of({ metadata: { name, namespace: 'd', creationTimestamp: new Date(start).toISOString() }, spec: { priority } });
  const c = (nodeName: string, ...victims: PodInfo[]): Candidate => ({ nodeName, victims });
  assert.equal(pickOneNodeForPreemption([c('a', v('x', 5)), c('b', v('y', 3), v('z', 3))])?.nodeName, 'b');
  assert.equal(pickOneNodeForPreemption([c('a', v('x', 5), v('w', 4)), c('b', v('y', 5), v('z', 1))])?.nodeName, 'b');
  assert.equal(pickOneNodeForPreemption([c('a', v('x', 5), v('w', 0), v('u', 0)), c('b', v('y', 5), v('z', 0))])?.nodeName, 'b');
  assert.equal(pickOneNodeForPreemption([c('a', v('x', 5, 1000)), c('b', v('y', 5, 5000))])?.nodeName, 'b');
  assert.equal(pickOneNodeForPreemption([]), undefined);
});

test('findCandidates only tries nodes where preemption might help', () => {
  const { cache, fwk, pl } = setup({ n1: [{ cpu: '4', priority: 0 }], n2: [{ cpu: '4', priority: 100 }], n3: [] });
  const pod = PodInfo.of(makePod('p', { cpu: '1', priority: 10 }));
  const state = new CycleState();
  fwk.runPreFilterPlugins(state, pod, cache.list());
  const filtered = new Map([
    ['n1', Status.unschedulable('Insufficient cpu')],
    ['n2', Status.unschedulable('Insufficient cpu')],
    ['n3', Status.unresolvable('node(s) had untolerated taint {a: b}')],
  ]);
  const { candidates, diagnosis } = pl.findCandidates(state, pod, cache.list(), filtered);
  assert.deepEqual(candidates.map((c) => [c.nodeName, c.victims.map((v) => v.name)]), [['n1', ['n1-0-prio0']]]);
  assert.deepEqual(Object.fromEntries([...diagnosis.nodeToStatus].map(([n, s]) => [n, s.message()])), { n2: 'No preemption victims found for incoming pod', n3: 'Preemption is not helpful for scheduling' });
});
