// Tests for the Scheduler over in-memory fakes of the client interfaces: spreading, FailedScheduling wording, preemption, assumed pods, bind failures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findResource } from '../api/resources.js';
import type { KObject } from '../api/strategy.js';
import { Scheduler, numFeasibleNodesToFind, type SchedulerOptions } from './scheduler.js';
import { FakeApiError, FakeCluster } from './testing/fake-cluster.js';
import { makeNode, makePod } from './testing/objects.js';
import { parseSchedulerConfig } from './framework/config.js';
import { Registry } from './framework/registry.js';
import { Status } from './framework/status.js';
import type { FilterPlugin } from './framework/interfaces.js';

const PODS = findResource('', 'v1', 'pods')!;
const NODES = findResource('', 'v1', 'nodes')!;

async function waitFor(what: string, cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function start(nodes: KObject[], pods: KObject[] = [], opts: Partial<SchedulerOptions> = {}) {
  const cluster = new FakeCluster();
  for (const n of nodes) cluster.create(NODES, n);
  for (const p of pods) cluster.create(PODS, p);
  const scheduler = new Scheduler({ clientset: cluster.clientset, informers: cluster.informers, recorder: cluster.recorder, log: () => undefined, ...opts });
  await cluster.settle();
  const ac = new AbortController();
  const running = scheduler.run(ac.signal);
  const pod = (name: string) => cluster.get(PODS, `default/${name}`)!;
  const events = (reason: string) => cluster.events.filter((e) => e.reason === reason);
  return {
    cluster,
    scheduler,
    pod,
    events,
    eventsFor: (name: string) => cluster.events.filter((e) => e.obj.metadata?.name === name).map((e) => `${e.type} ${e.reason} ${e.message}`),
    stop: async () => {
      ac.abort();
      await running;
    },
  };
}

const NO_VICTIMS = (n: number) => `preemption: 0/${n} nodes are available: ${n} No preemption victims found for incoming pod.`;

test('numFeasibleNodesToFind samples big clusters as upstream', () => {
  assert.equal(numFeasibleNodesToFind(0, 50), 50);
  assert.equal(numFeasibleNodesToFind(0, 100), 100);
  assert.equal(numFeasibleNodesToFind(0, 1000), 420);
  assert.equal(numFeasibleNodesToFind(0, 5000), 500);
  assert.equal(numFeasibleNodesToFind(0, 6000), 300);
  assert.equal(numFeasibleNodesToFind(30, 1000), 300);
  assert.equal(numFeasibleNodesToFind(5, 1000), 100);
  assert.equal(numFeasibleNodesToFind(100, 1000), 1000);
});

test('pods spread over 3 nodes by least allocation, each with a Scheduled event', async () => {
  const nodes = ['node-1', 'node-2', 'node-3'].map((n) => makeNode(n, { cpu: '4', memory: '8Gi' }));
  const pods = Array.from({ length: 6 }, (_, i) => makePod(`p${i + 1}`, { cpu: '1', memory: '1Gi' }));
  const t = await start(nodes, pods);
  try {
    await waitFor('6 bindings', () => t.events('Scheduled').length === 6);
    const perNode = new Map<string, number>();
    for (let i = 1; i <= 6; i++) {
      const n = t.pod(`p${i}`).spec.nodeName;
      perNode.set(n, (perNode.get(n) ?? 0) + 1);
      assert.deepEqual(t.eventsFor(`p${i}`), [`Normal Scheduled Successfully assigned default/p${i} to ${n}`]);
    }
    assert.deepEqual([...perNode.values()], [2, 2, 2]);
    await waitFor('confirmations', () => t.scheduler.cache.stats().assumed === 0);
    assert.deepEqual(t.scheduler.cache.stats(), { nodes: 3, pods: 6, assumed: 0 });
    assert.equal(t.cluster.calls.filter((c) => c.endsWith('/binding')).length, 6);
  } finally {
    await t.stop();
  }
});

test('a pod that fits nowhere gets upstream’s FailedScheduling message and PodScheduled=False, then schedules when a node arrives', async () => {
  const nodes = ['node-1', 'node-2', 'node-3'].map((n) => makeNode(n, { cpu: '4', memory: '8Gi' }));
  const t = await start(nodes, [makePod('big', { cpu: '10' })]);
  try {
    await waitFor('FailedScheduling', () => t.events('FailedScheduling').length === 1);
    const msg = `0/3 nodes are available: 3 Insufficient cpu. ${NO_VICTIMS(3)}`;
    assert.equal(msg, '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.');
    assert.deepEqual(t.eventsFor('big'), [`Warning FailedScheduling ${msg}`]);
    await waitFor('condition', () => (t.pod('big').status.conditions ?? []).length > 0);
    const cond = t.pod('big').status.conditions.find((c: KObject) => c.type === 'PodScheduled');
    assert.deepEqual({ status: cond.status, reason: cond.reason, message: cond.message }, { status: 'False', reason: 'Unschedulable', message: msg });
    assert.ok(t.cluster.calls.includes('patch pods default/big/status'));
    assert.equal(t.scheduler.queue.where('default/big'), 'unschedulable');
    t.cluster.create(NODES, makeNode('node-4', { cpu: '16', memory: '8Gi' }));
    await waitFor('binding to node-4', () => t.pod('big').spec.nodeName === 'node-4', 5000);
  } finally {
    await t.stop();
  }
});

test('reasons from several plugins are counted and sorted', async () => {
  const nodes = [
    makeNode('node-1', { cpu: '1' }),
    makeNode('node-2', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }),
    makeNode('node-3', { unschedulable: true }),
    makeNode('node-4', { cpu: '1', labels: { disk: 'hdd' } }),
  ];
  const t = await start(nodes, [makePod('p', { cpu: '2', spec: { nodeSelector: { disk: 'hdd' } } })]);
  try {
    await waitFor('FailedScheduling', () => t.events('FailedScheduling').length === 1);
    // node-4 matches the selector but lacks cpu; node-1 fails the selector first (filters stop at the first failure)
    assert.equal(t.events('FailedScheduling')[0].message,
      "0/4 nodes are available: 1 Insufficient cpu, 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {dedicated: gpu}, 1 node(s) were unschedulable. preemption: 0/4 nodes are available: 1 No preemption victims found for incoming pod, 3 Preemption is not helpful for scheduling.");
  } finally {
    await t.stop();
  }
});

test('back-to-back pods see each other through assumed pods', async () => {
  const pods = ['a', 'b', 'c'].map((n) => makePod(n, { cpu: '1' }));
  const t = await start([makeNode('node-1', { cpu: '2' })], pods);
  try {
    await waitFor('outcomes', () => t.events('Scheduled').length === 2 && t.events('FailedScheduling').length === 1);
    assert.equal(t.events('FailedScheduling')[0].message, `0/1 nodes are available: 1 Insufficient cpu. ${NO_VICTIMS(1)}`);
  } finally {
    await t.stop();
  }
});

test('preemption evicts a lower-priority pod, nominates the node, then binds there', async () => {
  const low = makePod('low', { cpu: '2', priority: 0, nodeName: 'node-1' });
  const t = await start([makeNode('node-1', { cpu: '2' })], [low]);
  try {
    t.cluster.create(PODS, makePod('peer', { cpu: '1', priority: 0 }));
    await waitFor('peer fails without preempting its equal', () => t.events('FailedScheduling').length === 1);
    assert.equal(t.events('FailedScheduling')[0].message, `0/1 nodes are available: 1 Insufficient cpu. ${NO_VICTIMS(1)}`);
    t.cluster.create(PODS, makePod('high', { cpu: '1', priority: 1000 }));
    await waitFor('victim deleted', () => t.cluster.get(PODS, 'default/low') === undefined);
    assert.ok(t.cluster.calls.includes('delete pods default/low'));
    assert.deepEqual(t.eventsFor('low'), [`Normal Preempted Preempted by pod ${t.pod('high').metadata.uid} on node node-1`]);
    assert.equal(t.eventsFor('high')[0], 'Warning FailedScheduling 0/1 nodes are available: 1 Insufficient cpu.');
    await waitFor('nomination', () => t.pod('high').status.nominatedNodeName === 'node-1');
    await waitFor('high bound', () => t.pod('high').spec.nodeName === 'node-1', 5000);
    assert.equal(t.eventsFor('high').at(-1), 'Normal Scheduled Successfully assigned default/high to node-1');
  } finally {
    await t.stop();
  }
});

test('preemptionPolicy Never does not preempt', async () => {
  const t = await start([makeNode('node-1', { cpu: '2' })], [makePod('low', { cpu: '2', nodeName: 'node-1' }), makePod('polite', { cpu: '1', priority: 100, spec: { preemptionPolicy: 'Never' } })]);
  try {
    await waitFor('FailedScheduling', () => t.events('FailedScheduling').length === 1);
    assert.equal(t.events('FailedScheduling')[0].message, '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.');
    assert.ok(t.cluster.get(PODS, 'default/low'));
  } finally {
    await t.stop();
  }
});

test('a failed binding forgets the assumed pod and retries it', async () => {
  const t = await start([makeNode('node-1')]);
  try {
    t.cluster.failBindings = new FakeApiError(500, 'etcdserver: request timed out');
    t.cluster.create(PODS, makePod('p', { cpu: '1' }));
    await waitFor('FailedScheduling', () => t.events('FailedScheduling').length === 1);
    assert.equal(t.events('FailedScheduling')[0].message, 'Binding rejected: running Bind plugin "DefaultBinder": etcdserver: request timed out');
    assert.equal(t.scheduler.cache.stats().pods, 0);
    assert.equal(t.scheduler.queue.where('default/p'), 'backoff');
    t.cluster.failBindings = undefined;
    await waitFor('retry binds', () => t.pod('p').spec.nodeName === 'node-1', 5000);
  } finally {
    await t.stop();
  }
});

test('only pods for its profiles are scheduled; custom profiles and plugins work', async () => {
  class NotNode1 implements FilterPlugin {
    readonly name = 'NotNode1';
    filter(_s: unknown, _p: unknown, ni: { name: string }): Status {
      return ni.name === 'node-1' ? Status.unresolvable('node-1 is reserved') : Status.SUCCESS;
    }
  }
  const config = parseSchedulerConfig(`profiles:
- schedulerName: default-scheduler
- schedulerName: picky
  plugins:
    filter:
      enabled: [{name: NotNode1}]
`);
  const t = await start([makeNode('node-1'), makeNode('node-2')], [
    makePod('mine', { schedulerName: 'picky' }),
    makePod('theirs', { schedulerName: 'other-scheduler' }),
    makePod('gated', { spec: { schedulingGates: [{ name: 'wait' }] } }),
  ], { config, registry: new Registry({ NotNode1: () => new NotNode1() }) });
  try {
    await waitFor('mine bound', () => !!t.pod('mine').spec.nodeName);
    assert.equal(t.pod('mine').spec.nodeName, 'node-2');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(t.pod('theirs').spec.nodeName, undefined);
    assert.equal(t.pod('gated').spec.nodeName, undefined);
    assert.equal(t.scheduler.queue.where('default/theirs'), undefined);
    // removing the gate queues the pod
    t.cluster.update(PODS, { ...t.pod('gated'), spec: { ...t.pod('gated').spec, schedulingGates: [] } });
    await waitFor('gated bound', () => !!t.pod('gated').spec.nodeName);
  } finally {
    await t.stop();
  }
});

test('a cluster without nodes reports it', async () => {
  const t = await start([], [makePod('p')]);
  try {
    await waitFor('FailedScheduling', () => t.events('FailedScheduling').length === 1);
    assert.equal(t.events('FailedScheduling')[0].message, 'no nodes available to schedule pods');
    t.cluster.create(NODES, makeNode('node-1'));
    await waitFor('bound after NodeAdd', () => t.pod('p').spec.nodeName === 'node-1', 5000);
  } finally {
    await t.stop();
  }
});
