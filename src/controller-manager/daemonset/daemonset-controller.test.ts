// Unit tests of the DaemonSet controller against the in-memory fake cluster.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/strategy.js';
import { FakeCluster, FakeQueue, FakeRecorder, makePodReady, runUntilQuiet } from '../workloads-common/fake-cluster.js';
import { isPodActive, isPodReady } from '../workloads-common/pods.js';
import { CONTROLLER_REVISIONS, DAEMON_SETS, NODES, PODS } from '../workloads-common/resources.js';
import { DaemonSetController } from './daemonset-controller.js';
import { targetNodeName } from './daemonset-util.js';

function node(name: string, extra: KObject = {}): KObject {
  return { metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(extra.labels ?? {}) } }, spec: extra.spec ?? {} };
}

function ds(name: string, spec: KObject = {}): KObject {
  return {
    metadata: { name, namespace: 'kube-system' },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'localhost/busybox:1.35' }] } },
      ...spec,
    },
  };
}

function setup() {
  const cluster = new FakeCluster();
  const recorder = new FakeRecorder();
  const ctrl = new DaemonSetController({ clientset: cluster, informers: cluster, recorder, clock: cluster.clock });
  const queue = new FakeQueue();
  ctrl.register(queue);
  const run = (afterEach?: () => void) => runUntilQuiet([[ctrl, queue]], 2000, afterEach);
  const pods = () => cluster.list(PODS, 'kube-system');
  const byNode = () => Object.fromEntries(pods().map((p) => [targetNodeName(p), p]));
  /** the scheduler and kubelet: every pending pod is bound to its node and becomes ready */
  const readyAll = () => {
    for (const p of pods()) if (isPodActive(p) && !isPodReady(p)) makePodReady(cluster, PODS, p, targetNodeName(p));
  };
  const status = () => cluster.get(DAEMON_SETS, 'kube-system', 'agent')!.status;
  return { cluster, recorder, ctrl, queue, run, pods, byNode, readyAll, status };
}

test('one pod per eligible node, pinned by node affinity, with the daemon tolerations', async () => {
  const s = setup();
  s.cluster.create(NODES, node('n1'));
  s.cluster.create(NODES, node('n2', { labels: { role: 'db' } }));
  s.cluster.create(NODES, node('n3', { spec: { taints: [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }] } }));
  s.cluster.create(NODES, node('n4', { spec: { unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] } }));
  const d = s.cluster.create(DAEMON_SETS, ds('agent'));
  await s.run();
  assert.deepEqual(Object.keys(s.byNode()).sort(), ['n1', 'n2', 'n4']);
  const p = s.byNode().n1;
  assert.match(p.metadata.name, /^agent-/);
  assert.equal(p.spec.nodeName, undefined);
  assert.deepEqual(p.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution, { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }] });
  const tolerated = p.spec.tolerations.map((t: KObject) => `${t.key}:${t.effect}`).sort();
  assert.deepEqual(tolerated, [
    'node.kubernetes.io/disk-pressure:NoSchedule', 'node.kubernetes.io/memory-pressure:NoSchedule', 'node.kubernetes.io/not-ready:NoExecute',
    'node.kubernetes.io/pid-pressure:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unschedulable:NoSchedule',
  ]);
  assert.equal(p.metadata.labels['pod-template-generation'], '1');
  assert.equal(p.metadata.ownerReferences[0].uid, d.metadata.uid);
  const revs = s.cluster.list(CONTROLLER_REVISIONS, 'kube-system');
  assert.equal(revs.length, 1);
  assert.equal(revs[0].revision, 1);
  assert.equal(p.metadata.labels['controller-revision-hash'], revs[0].metadata.labels['controller-revision-hash']);
  assert.equal(revs[0].metadata.name, `agent-${revs[0].metadata.labels['controller-revision-hash']}`);
  assert.equal(revs[0].data.spec.template.$patch, 'replace');
  assert.equal(s.recorder.events.filter((e) => e.startsWith('Normal SuccessfulCreate: Created pod: agent-')).length, 3);
  s.readyAll();
  await s.run();
  const st = s.status();
  assert.deepEqual([st.desiredNumberScheduled, st.currentNumberScheduled, st.numberReady, st.numberAvailable, st.updatedNumberScheduled, st.numberMisscheduled], [3, 3, 3, 3, 3, 0]);
});

test('nodeSelector and node changes: pods follow eligibility', async () => {
  const s = setup();
  s.cluster.create(NODES, node('n1', { labels: { disk: 'ssd' } }));
  s.cluster.create(NODES, node('n2'));
  s.cluster.create(DAEMON_SETS, ds('agent', { template: { metadata: { labels: { app: 'agent' } }, spec: { nodeSelector: { disk: 'ssd' }, containers: [{ name: 'c', image: 'x' }] } } }));
  await s.run();
  assert.deepEqual(Object.keys(s.byNode()), ['n1']);
  s.cluster.mutate(NODES, '', 'n2', (n) => { n.metadata.labels.disk = 'ssd'; });
  s.cluster.create(NODES, node('n3', { labels: { disk: 'ssd' } }));
  await s.run();
  assert.deepEqual(Object.keys(s.byNode()).sort(), ['n1', 'n2', 'n3']);
  s.cluster.mutate(NODES, '', 'n1', (n) => { n.metadata.labels.disk = 'hdd'; });
  await s.run();
  assert.deepEqual(Object.keys(s.byNode()).sort(), ['n2', 'n3']);
  // a NoSchedule taint keeps a running daemon pod; a NoExecute one evicts it
  s.readyAll();
  s.cluster.mutate(NODES, '', 'n2', (n) => { n.spec.taints = [{ key: 'k', effect: 'NoSchedule' }]; });
  await s.run();
  assert.ok(s.byNode().n2);
  s.cluster.mutate(NODES, '', 'n2', (n) => { n.spec.taints = [{ key: 'k', effect: 'NoExecute' }]; });
  await s.run();
  assert.equal(s.byNode().n2, undefined);
  // a node that goes away: its pending pod is removed
  s.cluster.create(NODES, node('n5', { labels: { disk: 'ssd' } }));
  await s.run();
  assert.ok(s.byNode().n5);
  s.cluster.delete(NODES, '', 'n5');
  await s.run();
  assert.equal(s.byNode().n5, undefined);
});

test('rolling update replaces pods at most maxUnavailable at a time and records history', async () => {
  const s = setup();
  for (const n of ['n1', 'n2', 'n3', 'n4']) s.cluster.create(NODES, node(n));
  s.cluster.create(DAEMON_SETS, ds('agent', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } } }));
  await s.run();
  s.readyAll();
  await s.run();
  const d = structuredClone(s.cluster.get(DAEMON_SETS, 'kube-system', 'agent')!);
  d.spec.template.spec.containers[0].image = 'localhost/busybox:1.36';
  await s.cluster.resource(DAEMON_SETS).update(d);
  const check = () => {
    const availableNodes = new Set(s.pods().filter((p) => isPodActive(p) && isPodReady(p)).map((p) => targetNodeName(p)));
    assert.ok(availableNodes.size >= 3, `only ${availableNodes.size} nodes with a ready pod`);
  };
  for (let i = 0; i < 20; i++) {
    await s.run(check);
    // the kubelet readies one pod at a time
    const pending = s.pods().find((p) => isPodActive(p) && !isPodReady(p));
    if (!pending) break;
    makePodReady(s.cluster, PODS, pending, targetNodeName(pending));
  }
  assert.equal(s.pods().length, 4);
  assert.ok(s.pods().every((p) => p.spec.containers[0].image === 'localhost/busybox:1.36'));
  assert.ok(s.pods().every((p) => p.metadata.labels['pod-template-generation'] === '2'));
  const revs = s.cluster.list(CONTROLLER_REVISIONS, 'kube-system').map((r) => r.revision).sort();
  assert.deepEqual(revs, [1, 2]);
  assert.equal(s.status().updatedNumberScheduled, 4);
  assert.equal(s.status().numberAvailable, 4);
});

test('surge rolling update starts the new pod before removing the old one', async () => {
  const s = setup();
  for (const n of ['n1', 'n2']) s.cluster.create(NODES, node(n));
  s.cluster.create(DAEMON_SETS, ds('agent', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } } }));
  await s.run();
  s.readyAll();
  await s.run();
  const d = structuredClone(s.cluster.get(DAEMON_SETS, 'kube-system', 'agent')!);
  d.spec.template.spec.containers[0].image = 'localhost/busybox:1.36';
  await s.cluster.resource(DAEMON_SETS).update(d);
  const check = () => {
    const ready = new Set(s.pods().filter((p) => isPodActive(p) && isPodReady(p)).map((p) => targetNodeName(p)));
    assert.equal(ready.size, 2, 'every node keeps a ready pod');
    assert.ok(s.pods().filter(isPodActive).length <= 3);
  };
  for (let i = 0; i < 20; i++) {
    await s.run(check);
    const pending = s.pods().find((p) => isPodActive(p) && !isPodReady(p));
    if (!pending) break;
    makePodReady(s.cluster, PODS, pending, targetNodeName(pending));
  }
  assert.equal(s.pods().length, 2);
  assert.ok(s.pods().every((p) => p.spec.containers[0].image === 'localhost/busybox:1.36'));
});

test('a failed daemon pod is deleted (with an event) and replaced', async () => {
  const s = setup();
  s.cluster.create(NODES, node('n1'));
  s.cluster.create(DAEMON_SETS, ds('agent'));
  await s.run();
  const p = s.pods()[0];
  s.cluster.mutate(PODS, 'kube-system', p.metadata.name, (x) => { x.spec.nodeName = 'n1'; x.status = { phase: 'Failed' }; });
  await s.run();
  assert.ok(s.recorder.has(`Warning FailedDaemonPod: Found failed daemon pod kube-system/${p.metadata.name} on node n1, will try to kill it`));
  assert.equal(s.pods().length, 1);
  assert.notEqual(s.pods()[0].metadata.name, p.metadata.name);
});
