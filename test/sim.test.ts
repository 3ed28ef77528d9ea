// Hollow nodes end to end: a real `k8ts server --disable-agent` (whose controller manager runs node IPAM,
// node lifecycle, endpoints, EndpointSlice, ServiceAccount and ResourceQuota) and `k8ts sim --nodes 3`.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import { startServer, K8TS, type TestServer } from './helpers/server.js';
import { waitFor } from './api-conformance.js';
import { findResource } from '../src/api/resources.js';
import type { KObject } from '../src/api/strategy.js';
import { Clientset } from '../src/client/clientset.js';

const NODES = findResource('', 'v1', 'nodes')!;
const PODS = findResource('', 'v1', 'pods')!;
const SERVICES = findResource('', 'v1', 'services')!;
const ENDPOINTS = findResource('', 'v1', 'endpoints')!;
const SLICES = findResource('discovery.k8s.io', 'v1', 'endpointslices')!;
const NAMESPACES = findResource('', 'v1', 'namespaces')!;
const SERVICE_ACCOUNTS = findResource('', 'v1', 'serviceaccounts')!;
const QUOTAS = findResource('', 'v1', 'resourcequotas')!;
const LEASES = findResource('coordination.k8s.io', 'v1', 'leases')!;

const PREFIX = 'simtest-';
const GRACE_MS = 3000;

describe('hollow nodes (k8ts sim)', { timeout: 120_000 }, () => {
  let s: TestServer;
  let sim: ChildProcess;
  let simOut = '';
  let simExit: Promise<number | null>;
  let cs: Clientset;
  const abort = new AbortController();
  setMaxListeners(0, abort.signal);

  const node = (name: string) => cs.resource(NODES).get('', name);
  const podObj = (name: string) => cs.resource(PODS).get('default', name);
  const cond = (o: KObject, type: string) => (o.status?.conditions ?? []).find((c: KObject) => c.type === type)?.status;

  before(async () => {
    // the server's controller manager runs node IPAM, node lifecycle, endpoints, slices, service accounts, quota
    s = await startServer({ extraArgs: ['--node-monitor-grace-period', `${GRACE_MS}ms`] });
    cs = await Clientset.fromKubeconfig(s.kubeconfig, 'sim-test');
    abort.signal.addEventListener('abort', () => cs.close(), { once: true });
    sim = spawn(process.execPath, [K8TS, 'sim', '--nodes', '3', '--kubeconfig', s.kubeconfig, '--name-prefix', PREFIX, '--heartbeat-interval', '500ms'], { stdio: ['ignore', 'pipe', 'pipe'] });
    sim.stdout!.on('data', (d) => (simOut += d));
    sim.stderr!.on('data', (d) => (simOut += d));
    simExit = new Promise((r) => sim.once('exit', (code) => r(code)));
  });

  after(async () => {
    if (sim && sim.exitCode === null) {
      sim.kill('SIGKILL');
      await simExit;
    }
    abort.abort();
    await s?.stop();
  });

  test('nodes register, become Ready and get pod CIDRs', async () => {
    await waitFor(() => /all 3 registered and Ready/.test(simOut), 20_000, () => simOut);
    const cidrs = new Set<string>();
    for (let i = 0; i < 3; i++) {
      let n: KObject = {};
      await waitFor(async () => {
        n = await node(`${PREFIX}${i}`);
        return cond(n, 'Ready') === 'True' && !!n.spec?.podCIDR;
      }, 15_000, () => JSON.stringify(n.spec));
      assert.match(n.spec.podCIDR, /^10\.244\.\d+\.0\/24$/);
      assert.deepEqual(n.spec.podCIDRs, [n.spec.podCIDR]);
      cidrs.add(n.spec.podCIDR);
      assert.equal(n.metadata.labels['kubernetes.io/hostname'], `${PREFIX}${i}`);
      assert.equal(n.metadata.labels['node.kubernetes.io/instance-type'], 'hollow');
      assert.equal(n.status.nodeInfo.kubeletVersion, 'v1.32.0-k8ts-sim');
      assert.equal(n.status.nodeInfo.containerRuntimeVersion, 'sim://1.0');
      assert.match(n.status.addresses.find((a: KObject) => a.type === 'InternalIP').address, /^10\.255\./);
      assert.equal(n.status.capacity.pods, '110');
      const lease = await cs.resource(LEASES).get('kube-node-lease', `${PREFIX}${i}`);
      assert.equal(lease.spec.holderIdentity, `${PREFIX}${i}`);
      assert.ok(Date.now() - Date.parse(lease.spec.renewTime) < 5000, 'lease renewed recently');
    }
    assert.equal(cidrs.size, 3, 'distinct CIDRs');
  });

  test('a pod bound to a hollow node runs with an IP from its pod CIDR', async () => {
    const n = await node(`${PREFIX}1`);
    await cs.resource(PODS).create('default', {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: 'web-1', labels: { app: 'web' } },
      spec: {
        nodeName: `${PREFIX}1`,
        initContainers: [{ name: 'setup', image: 'localhost/busybox:1.35', command: ['true'] }],
        containers: [{ name: 'c', image: 'localhost/busybox:1.35', command: ['sleep', '3600'], ports: [{ name: 'http', containerPort: 8080 }] }],
      },
    });
    let p: KObject = {};
    await waitFor(async () => {
      p = await podObj('web-1');
      return p.status?.phase === 'Running' && cond(p, 'Ready') === 'True';
    }, 10_000, () => JSON.stringify(p.status));
    // a /24: the first three octets are the CIDR's
    assert.equal(p.status.podIP.split('.').slice(0, 3).join('.'), n.spec.podCIDR.split('.').slice(0, 3).join('.'), `${p.status.podIP} in ${n.spec.podCIDR}`);
    assert.notEqual(p.status.podIP.split('.')[3], '0');
    assert.equal(p.status.hostIP, n.status.addresses.find((a: KObject) => a.type === 'InternalIP').address);
    const c = p.status.containerStatuses[0];
    assert.equal(c.ready, true);
    assert.equal(c.imageID, 'sim://localhost/busybox:1.35');
    assert.equal(c.containerID, `sim://${p.metadata.uid}-c`);
    assert.ok(c.state.running.startedAt);
    assert.equal(p.status.initContainerStatuses[0].state.terminated.reason, 'Completed');
    assert.equal(cond(p, 'Initialized'), 'True');
    assert.ok(p.status.startTime);
  });

  test('Endpoints and EndpointSlices follow the hollow pod; default ServiceAccount and quota status', async () => {
    await cs.resource(SERVICES).create('default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } });
    let ep: KObject = {};
    await waitFor(async () => {
      ep = await cs.resource(ENDPOINTS).get('default', 'web').catch(() => ({}));
      return ep.subsets?.[0]?.addresses?.length === 1;
    }, 10_000, () => JSON.stringify(ep));
    const p = await podObj('web-1');
    assert.equal(ep.subsets[0].addresses[0].ip, p.status.podIP);
    assert.equal(ep.subsets[0].addresses[0].nodeName, `${PREFIX}1`);
    assert.deepEqual(ep.subsets[0].ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    assert.ok(ep.metadata.annotations['endpoints.kubernetes.io/last-change-trigger-time']);
    let slices: KObject[] = [];
    await waitFor(async () => {
      slices = (await cs.resource(SLICES).list('default', { labelSelector: 'kubernetes.io/service-name=web' })).items;
      return slices.length === 1 && slices[0].endpoints?.length === 1;
    }, 10_000, () => JSON.stringify(slices));
    assert.equal(slices[0].metadata.labels['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
    assert.deepEqual(slices[0].endpoints[0].conditions, { ready: true, serving: true, terminating: false });
    assert.deepEqual(slices[0].endpoints[0].addresses, [p.status.podIP]);
    // the API server's own Endpoints stay as they are
    const kube = await cs.resource(ENDPOINTS).get('default', 'kubernetes');
    assert.ok(kube.subsets?.length);

    await cs.resource(NAMESPACES).create('', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'sim-sa' } });
    await waitFor(() => cs.resource(SERVICE_ACCOUNTS).get('sim-sa', 'default').then(() => true, () => false), 10_000);

    await cs.resource(QUOTAS).create('default', { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q' }, spec: { hard: { pods: '10', services: '5', 'requests.cpu': '2' } } });
    let q: KObject = {};
    await waitFor(async () => {
      q = await cs.resource(QUOTAS).get('default', 'q');
      return q.status?.used?.pods !== undefined;
    }, 10_000, () => JSON.stringify(q.status));
    assert.deepEqual(q.status.hard, { pods: '10', services: '5', 'requests.cpu': '2' });
    assert.equal(q.status.used.pods, '1');
    assert.equal(q.status.used.services, '2', 'kubernetes and web');
    assert.equal(q.status.used['requests.cpu'], '0');
  });

  test('a Job-style pod completes with its exit code, then is deleted for good when deleted', async () => {
    for (const [name, script] of [['job-ok', 'echo done; exit 0'], ['job-bad', 'exit 3']]) {
      await cs.resource(PODS).create('default', {
        apiVersion: 'v1', kind: 'Pod', metadata: { name },
        spec: { nodeName: `${PREFIX}0`, restartPolicy: 'Never', containers: [{ name: 'c', image: 'localhost/busybox:1.35', command: ['sh', '-c', script] }] },
      });
    }
    let ok: KObject = {};
    await waitFor(async () => {
      ok = await podObj('job-ok');
      return ok.status?.phase === 'Succeeded';
    }, 10_000, () => JSON.stringify(ok.status));
    assert.equal(ok.status.containerStatuses[0].state.terminated.exitCode, 0);
    assert.equal(ok.status.containerStatuses[0].state.terminated.reason, 'Completed');
    let bad: KObject = {};
    await waitFor(async () => {
      bad = await podObj('job-bad');
      return bad.status?.phase === 'Failed';
    }, 10_000, () => JSON.stringify(bad.status));
    assert.equal(bad.status.containerStatuses[0].state.terminated.exitCode, 3);
    // a running pod deleted gracefully is finished by the hollow kubelet and removed
    await cs.resource(PODS).create('default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'short' }, spec: { nodeName: `${PREFIX}0`, terminationGracePeriodSeconds: 30, containers: [{ name: 'c', image: 'localhost/busybox:1.35' }] } });
    await waitFor(async () => (await podObj('short')).status?.phase === 'Running', 10_000);
    await cs.resource(PODS).delete('default', 'short');
    await waitFor(() => podObj('short').then(() => false, () => true), 10_000);
  });

  test('heartbeat=stop makes the node Unknown and tainted; pods are evicted after their tolerationSeconds; resuming clears it', async () => {
    const name = `${PREFIX}2`;
    const mk = (podName: string, tolerations?: KObject[]) => cs.resource(PODS).create('default', {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: podName, labels: { app: 'web' } },
      spec: { nodeName: name, containers: [{ name: 'c', image: 'localhost/busybox:1.35', ports: [{ name: 'http', containerPort: 8080 }] }], ...(tolerations ? { tolerations } : {}) },
    });
    await mk('evict-fast', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 1 }]);
    await mk('stays'); // the API server's default 300 s tolerations
    await waitFor(async () => cond(await podObj('evict-fast'), 'Ready') === 'True' && cond(await podObj('stays'), 'Ready') === 'True', 10_000);

    await cs.resource(NODES).patch('', name, 'merge', { metadata: { annotations: { 'sim.k8ts.io/heartbeat': 'stop' } } });
    let n: KObject = {};
    await waitFor(async () => {
      n = await node(name);
      const keys = (n.spec?.taints ?? []).map((t: KObject) => `${t.key}:${t.effect}`);
      return cond(n, 'Ready') === 'Unknown' && keys.includes('node.kubernetes.io/unreachable:NoExecute') && keys.includes('node.kubernetes.io/unreachable:NoSchedule');
    }, GRACE_MS + 10_000, () => JSON.stringify({ spec: n.spec, conditions: n.status?.conditions }));
    const ready = n.status.conditions.find((c: KObject) => c.type === 'Ready');
    assert.equal(ready.reason, 'NodeStatusUnknown');
    assert.equal(ready.message, 'Kubelet stopped posting node status.');
    assert.ok(n.spec.taints.find((t: KObject) => t.effect === 'NoExecute').timeAdded);
    assert.match(simOut, new RegExp(`${name}: heartbeats stopped`));

    // Ready=False on its pods; the pod tolerating 1 s is evicted (graceful: it stays Terminating on a dead node)
    let fast: KObject = {};
    await waitFor(async () => {
      fast = await podObj('evict-fast');
      return !!fast.metadata.deletionTimestamp;
    }, 10_000, () => JSON.stringify(fast.status?.conditions));
    assert.equal(cond(fast, 'DisruptionTarget'), 'True');
    const stays = await podObj('stays');
    assert.equal(stays.metadata.deletionTimestamp, undefined, '300 s toleration: not yet');
    assert.equal(cond(stays, 'Ready'), 'False');
    // the other nodes keep beating
    assert.equal(cond(await node(`${PREFIX}0`), 'Ready'), 'True');
    // the not-ready pod is no longer a ready endpoint
    await waitFor(async () => {
      const ep = await cs.resource(ENDPOINTS).get('default', 'web');
      return !JSON.stringify(ep.subsets?.map((x: KObject) => x.addresses ?? [])).includes(stays.status.podIP);
    }, 10_000);

    // resume: Ready again, taints gone, the evicted pod is finished and removed by its (now alive) kubelet
    await cs.resource(NODES).patch('', name, 'json', [{ op: 'remove', path: '/metadata/annotations/sim.k8ts.io~1heartbeat' }]);
    await waitFor(async () => {
      n = await node(name);
      return cond(n, 'Ready') === 'True' && !(n.spec?.taints ?? []).some((t: KObject) => t.key === 'node.kubernetes.io/unreachable');
    }, 10_000, () => JSON.stringify({ spec: n.spec, conditions: n.status?.conditions }));
    await waitFor(() => podObj('evict-fast').then(() => false, () => true), 10_000);
    await waitFor(async () => cond(await podObj('stays'), 'Ready') === 'True', 10_000);
  });

  test('SIGTERM stops the simulator cleanly and leaves the nodes registered', async () => {
    sim.kill('SIGTERM');
    assert.equal(await simExit, 0, simOut);
    assert.match(simOut, /k8ts sim: stopped/);
    const list = await cs.resource(NODES).list('', { labelSelector: 'node.kubernetes.io/instance-type=hollow' });
    assert.equal(list.items.length, 3);
  });
});
