// Tests for the scheduling queue: priority order, backoff (1 s doubling to 10 s), moves on cluster events, the 60 s flush, updates, nominations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterEvent } from './framework/interfaces.js';
import { PodInfo } from './framework/pod-info.js';
import { SchedulingQueue, type QueuedPodInfo } from './scheduling-queue.js';
import { makePod } from './testing/objects.js';

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

async function popAll(q: SchedulingQueue): Promise<string[]> {
  const out: string[] = [];
  while (q.stats().active > 0) {
    const p = (await q.pop())!;
    out.push(p.podInfo.name);
    q.done(p.podInfo.key);
  }
  return out;
}

test('activeQ pops by priority, then by time in the queue', async () => {
  const c = clock();
  const q = new SchedulingQueue({ now: c.now });
  q.add(makePod('low-1', { priority: 0 }));
  c.advance(1);
  q.add(makePod('high', { priority: 100 }));
  c.advance(1);
  q.add(makePod('low-2', { priority: 0 }));
  q.add(makePod('mid', { priority: 10 }));
  q.add(makePod('none'));
  assert.deepEqual(await popAll(q), ['high', 'mid', 'low-1', 'low-2', 'none']);
});

test('pop waits for a pod and returns undefined once closed or aborted', async () => {
  const q = new SchedulingQueue();
  const p = q.pop();
  q.add(makePod('late'));
  assert.equal((await p)?.podInfo.name, 'late');
  const ac = new AbortController();
  const waiting = q.pop(ac.signal);
  ac.abort();
  assert.equal(await waiting, undefined);
  q.close();
  assert.equal(await q.pop(), undefined);
});

async function failOnce(q: SchedulingQueue, name: string, opts: { backoffOnly?: boolean; plugins?: string[] } = {}): Promise<QueuedPodInfo> {
  const p = (await q.pop())!;
  assert.equal(p.podInfo.name, name);
  p.unschedulablePlugins = new Set(opts.plugins ?? []);
  q.addUnschedulableIfNotPresent(p, q.schedulingCycle, opts.backoffOnly);
  return p;
}

test('backoff starts at 1 s and doubles up to 10 s', async () => {
  const c = clock();
  const q = new SchedulingQueue({ now: c.now });
  q.add(makePod('p'));
  const expected = [1000, 2000, 4000, 8000, 10000, 10000];
  for (const d of expected) {
    const qp = await failOnce(q, 'p', { backoffOnly: true });
    assert.equal(q.backoffDuration(qp), d);
    assert.equal(q.where('default/p'), 'backoff');
    c.advance(d - 1);
    q.flushBackoffQCompleted();
    assert.equal(q.where('default/p'), 'backoff', `still backing off before ${d} ms`);
    c.advance(1);
    q.flushBackoffQCompleted();
    assert.equal(q.where('default/p'), 'active');
  }
});

test('unschedulable pods move on events their rejecting plugins registered', async () => {
  const c = clock();
  const interest: Record<string, ClusterEvent[]> = { NodeResourcesFit: ['NodeAdd', 'AssignedPodDelete'], TaintToleration: ['NodeAdd', 'NodeUpdate'] };
  const q = new SchedulingQueue({ now: c.now, eventMayHelp: (_p, ev, plugins) => plugins.size === 0 || [...plugins].some((pl) => interest[pl]?.includes(ev)) });
  q.add(makePod('cpu'));
  await failOnce(q, 'cpu', { plugins: ['NodeResourcesFit'] });
  q.add(makePod('taint'));
  await failOnce(q, 'taint', { plugins: ['TaintToleration'] });
  assert.deepEqual(q.stats(), { active: 0, backoff: 0, unschedulable: 2, inFlight: 0 });
  q.moveAllToActiveOrBackoffQueue('AssignedPodAdd');
  assert.equal(q.stats().unschedulable, 2, 'no plugin cares about pod additions');
  q.moveAllToActiveOrBackoffQueue('AssignedPodDelete');
  // moved, but still inside its 1 s backoff
  assert.equal(q.where('default/cpu'), 'backoff');
  assert.equal(q.where('default/taint'), 'unschedulable');
  c.advance(1000);
  q.moveAllToActiveOrBackoffQueue('NodeUpdate');
  assert.equal(q.where('default/taint'), 'active');
  q.flushBackoffQCompleted();
  assert.equal(q.where('default/cpu'), 'active');
});

test('an event during a pod’s attempt sends it to backoff instead of waiting for another event', async () => {
  const q = new SchedulingQueue();
  q.add(makePod('p'));
  const p = (await q.pop())!;
  const cycle = q.schedulingCycle;
  q.moveAllToActiveOrBackoffQueue('NodeAdd');
  q.addUnschedulableIfNotPresent(p, cycle);
  assert.equal(q.where('default/p'), 'backoff');
});

test('pods unschedulable for 60 s are flushed back', async () => {
  const c = clock();
  const q = new SchedulingQueue({ now: c.now });
  q.add(makePod('p'));
  await failOnce(q, 'p', { plugins: ['X'] });
  c.advance(59_999);
  q.flushUnschedulableLeftover();
  assert.equal(q.where('default/p'), 'unschedulable');
  c.advance(1);
  q.flushUnschedulableLeftover();
  assert.equal(q.where('default/p'), 'active');
});

test('updates: a spec change retries an unschedulable pod, a status change does not; delete forgets', async () => {
  const c = clock();
  const q = new SchedulingQueue({ now: c.now });
  const pod = makePod('p', { cpu: '8' });
  q.add(pod);
  await failOnce(q, 'p', { plugins: ['NodeResourcesFit'] });
  c.advance(5000);
  const statusOnly = { ...pod, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False' }] } };
  q.update(pod, statusOnly);
  assert.equal(q.where('default/p'), 'unschedulable');
  const relabelled = { ...statusOnly, metadata: { ...pod.metadata, labels: { tier: 'x' } } };
  q.update(statusOnly, relabelled);
  assert.equal(q.where('default/p'), 'active');
  const popped = (await q.pop())!;
  assert.deepEqual(popped.podInfo.labels, { tier: 'x' });
  q.addUnschedulableIfNotPresent(popped, q.schedulingCycle);
  q.delete(relabelled);
  assert.equal(q.where('default/p'), undefined);
  // an update to a pod in flight leaves it to the scheduler; an unknown pending pod is added
  q.add(makePod('q'));
  await q.pop();
  q.update(undefined, makePod('q'));
  assert.equal(q.where('default/q'), 'inFlight');
  q.update(undefined, makePod('new'));
  assert.equal(q.where('default/new'), 'active');
});

test('nominator tracks nominated pods per node, from the API or set in memory', () => {
  const q = new SchedulingQueue();
  const a = makePod('a', { priority: 5 });
  a.status.nominatedNodeName = 'n1';
  q.add(a);
  q.addNominatedPod(PodInfo.of(makePod('b')), 'n1');
  assert.deepEqual(q.nominatedPodsForNode('n1').map((p) => p.name), ['a', 'b']);
  assert.ok(q.hasNominatedPods());
  // an update without the field keeps an in-memory nomination (the status patch may not be visible yet)
  q.update(makePod('b'), makePod('b'));
  assert.equal(q.nominatedNodeName('default/b'), 'n1');
  q.update(a, { ...a, status: { phase: 'Pending' } });
  assert.equal(q.nominatedNodeName('default/a'), undefined);
  q.delete('default/b');
  assert.equal(q.hasNominatedPods(), false);
});
