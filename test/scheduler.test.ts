// The scheduler inside `k8ts server`, through the real API: spreading, FailedScheduling, node selection, preemption.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, kubectl, kubectlOk } from './helpers/server.js';
import type { TestServer } from './helpers/server.js';
import { waitFor } from './api-conformance.js';

function node(name: string, cpu: string, labels: Record<string, string> = {}) {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
    status: { capacity: { cpu, memory: '8Gi', pods: '110' }, allocatable: { cpu, memory: '8Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] },
  });
}

function pod(name: string, cpu: string, extra: Record<string, unknown> = {}) {
  return JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'localhost/busybox:1.35', resources: { requests: { cpu } } }], ...extra } });
}

function nodeOf(s: TestServer, name: string): string {
  return kubectlOk(s, ['get', 'pod', name, '-o', 'jsonpath={.spec.nodeName}']);
}

describe('scheduler', { timeout: 120_000 }, () => {
  let s: TestServer;
  before(async () => {
    s = await startServer();
    for (const n of ['node-a', 'node-b', 'node-c']) kubectlOk(s, ['create', '-f', '-'], node(n, '2', n === 'node-c' ? { disk: 'ssd' } : {}));
  });
  after(async () => {
    await s?.stop();
  });

  test('pods spread over the least allocated nodes', async () => {
    for (const p of ['s1', 's2', 's3']) kubectlOk(s, ['create', '-f', '-'], pod(p, '500m'));
    await waitFor(() => ['s1', 's2', 's3'].every((p) => nodeOf(s, p) !== ''), 20_000);
    const nodes = new Set(['s1', 's2', 's3'].map((p) => nodeOf(s, p)));
    assert.equal(nodes.size, 3, 'one pod per node');
    const events = kubectlOk(s, ['get', 'events', '--field-selector', 'involvedObject.name=s1,reason=Scheduled', '-o', 'jsonpath={.items[*].message}']);
    assert.match(events, /^Successfully assigned default\/s1 to node-[abc]$/);
  });

  test('nodeSelector picks the node with the label', async () => {
    kubectlOk(s, ['create', '-f', '-'], pod('ssd', '100m', { nodeSelector: { disk: 'ssd' } }));
    await waitFor(() => nodeOf(s, 'ssd') !== '', 20_000);
    assert.equal(nodeOf(s, 'ssd'), 'node-c');
  });

  test('a pod that fits nowhere stays Pending with a FailedScheduling event', async () => {
    kubectlOk(s, ['create', '-f', '-'], pod('huge', '3'));
    await waitFor(() => /FailedScheduling/.test(kubectlOk(s, ['get', 'events', '--field-selector', 'involvedObject.name=huge'])), 20_000);
    const msg = kubectlOk(s, ['get', 'events', '--field-selector', 'involvedObject.name=huge,reason=FailedScheduling', '-o', 'jsonpath={.items[0].message}']);
    assert.equal(msg, '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.');
    assert.equal(nodeOf(s, 'huge'), '');
    const cond = JSON.parse(kubectlOk(s, ['get', 'pod', 'huge', '-o', 'json'])).status.conditions.find((c: any) => c.type === 'PodScheduled');
    assert.equal(cond.status, 'False');
    assert.equal(cond.reason, 'Unschedulable');
  });

  test('a pending pod is retried when the cluster changes in a way that helps', async () => {
    kubectlOk(s, ['create', '-f', '-'], node('node-big', '4'));
    await waitFor(() => nodeOf(s, 'huge') === 'node-big', 30_000);
  });

  test('a higher-priority pod preempts a lower-priority one', async () => {
    kubectlOk(s, ['create', '-f', '-'], JSON.stringify({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 }));
    const unknown = kubectl(s, ['create', '-f', '-'], pod('nope', '100m', { priorityClassName: 'missing' }));
    assert.match(unknown.stderr, /no PriorityClass with name missing was found/);
    // fill node-c (2 cpu, 100m used by "ssd") with a low-priority pod
    kubectlOk(s, ['create', '-f', '-'], pod('low', '1400m', { nodeSelector: { disk: 'ssd' } }));
    await waitFor(() => nodeOf(s, 'low') === 'node-c', 20_000);
    kubectlOk(s, ['create', '-f', '-'], pod('vip', '1400m', { nodeSelector: { disk: 'ssd' }, priorityClassName: 'high' }));
    assert.equal(kubectlOk(s, ['get', 'pod', 'vip', '-o', 'jsonpath={.spec.priority}']), '1000');
    await waitFor(() => kubectlOk(s, ['get', 'pod', 'vip', '-o', 'jsonpath={.status.nominatedNodeName}']) === 'node-c', 20_000);
    await waitFor(() => {
      const r = kubectl(s, ['get', 'pod', 'low', '-o', 'jsonpath={.metadata.deletionTimestamp}']);
      return r.code !== 0 || r.stdout !== '';
    }, 20_000);
  });
});
