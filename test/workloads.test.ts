// The control plane end to end: `k8ts server --disable-agent` + `k8ts sim --nodes 3`, driven by the real kubectl.
// Deployments roll out and back, RCs heal, DaemonSets cover nodes, Jobs complete, StatefulSets start in order,
// pods leave a dead node, and a rollout survives a server restart.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { startServer, kubectl, kubectlOk, K8TS, type TestServer } from './helpers/server.js';
import { waitFor } from './api-conformance.js';

const GRACE = '3s';

function deployment(name: string, image: string, replicas: number, extra: Record<string, unknown> = {}) {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [{ name: 'main', image, command: ['sleep', '3600'], resources: { requests: { cpu: '100m' } } }],
          // leave a dead node after 2 s instead of the default 300 s
          tolerations: [
            { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 2 },
            { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 2 },
          ],
          ...extra,
        },
      },
    },
  });
}

interface PodView {
  name: string;
  node: string;
  phase: string;
  ready: boolean;
  image: string;
  deleting: boolean;
}

function pods(s: TestServer, selector: string): PodView[] {
  const list = JSON.parse(kubectlOk(s, ['get', 'pods', '-l', selector, '-o', 'json']));
  return list.items.map((p: any) => ({
    name: p.metadata.name,
    node: p.spec.nodeName ?? '',
    phase: p.status?.phase ?? '',
    ready: (p.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True'),
    image: p.spec.containers[0].image,
    deleting: !!p.metadata.deletionTimestamp,
  }));
}

function readyPods(s: TestServer, selector: string): PodView[] {
  return pods(s, selector).filter((p) => p.ready && !p.deleting);
}

describe('workloads on hollow nodes', { timeout: 300_000 }, () => {
  let s: TestServer;
  let sim: ChildProcess;
  let simOut = '';
  let restartedDataDir = '';

  before(async () => {
    s = await startServer({ extraArgs: ['--node-monitor-grace-period', GRACE] });
    sim = spawn(process.execPath, [K8TS, 'sim', '--nodes', '3', '--kubeconfig', s.kubeconfig, '--heartbeat-interval', '500ms'], { stdio: ['ignore', 'pipe', 'pipe'] });
    sim.stdout!.on('data', (d) => (simOut += d));
    sim.stderr!.on('data', (d) => (simOut += d));
    await waitFor(() => /all 3 registered and Ready/.test(simOut), 30_000, () => simOut);
    await waitFor(() => kubectlOk(s, ['get', 'nodes', '-o', 'jsonpath={.items[*].spec.podCIDR}']).split(' ').filter(Boolean).length === 3, 20_000);
  });

  after(async () => {
    if (sim && sim.exitCode === null) {
      const exited = new Promise((r) => sim.once('exit', r));
      sim.kill('SIGKILL');
      await exited;
    }
    await s?.stop();
    if (restartedDataDir) rmSync(restartedDataDir, { recursive: true, force: true });
  });

  test('a Deployment rolls out, spreads over nodes, scales, rolls to a new image and back', async () => {
    kubectlOk(s, ['create', '-f', '-'], deployment('web', 'localhost/busybox:1.35', 6));
    const status = kubectlOk(s, ['rollout', 'status', 'deployment/web', '--timeout=60s']);
    assert.match(status, /successfully rolled out/);
    const nodes = new Set(readyPods(s, 'app=web').map((p) => p.node));
    assert.equal(nodes.size, 3, 'replicas spread over the three nodes');
    assert.match(kubectlOk(s, ['get', 'deploy', 'web']), /web\s+6\/6\s+6\s+6/);

    kubectlOk(s, ['scale', 'deployment', 'web', '--replicas=8']);
    await waitFor(() => readyPods(s, 'app=web').length === 8, 30_000);

    kubectlOk(s, ['set', 'image', 'deployment/web', 'main=localhost/busybox:1.36']);
    assert.match(kubectlOk(s, ['rollout', 'status', 'deployment/web', '--timeout=60s']), /successfully rolled out/);
    await waitFor(() => pods(s, 'app=web').every((p) => p.image === 'localhost/busybox:1.36' || p.deleting), 30_000);
    const history = kubectlOk(s, ['rollout', 'history', 'deployment/web']);
    assert.match(history, /^1\s/m);
    assert.match(history, /^2\s/m);
    assert.equal(kubectlOk(s, ['get', 'deploy', 'web', '-o', 'jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}']), '2');

    kubectlOk(s, ['rollout', 'undo', 'deployment/web']);
    assert.match(kubectlOk(s, ['rollout', 'status', 'deployment/web', '--timeout=60s']), /successfully rolled out/);
    await waitFor(() => {
      const ps = readyPods(s, 'app=web');
      return ps.length === 8 && ps.every((p) => p.image === 'localhost/busybox:1.35');
    }, 30_000);
    const rs = JSON.parse(kubectlOk(s, ['get', 'rs', '-l', 'app=web', '-o', 'json'])).items;
    assert.equal(rs.length, 2, 'undo reuses the first ReplicaSet');
  });

  test('rollout pause holds a template change until resume; restart rolls new pods', async () => {
    kubectlOk(s, ['rollout', 'pause', 'deployment/web']);
    const rsBefore = JSON.parse(kubectlOk(s, ['get', 'rs', '-l', 'app=web', '-o', 'json'])).items.length;
    kubectlOk(s, ['set', 'env', 'deployment/web', 'PAUSED=yes']);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(JSON.parse(kubectlOk(s, ['get', 'rs', '-l', 'app=web', '-o', 'json'])).items.length, rsBefore, 'no new ReplicaSet while paused');
    kubectlOk(s, ['rollout', 'resume', 'deployment/web']);
    assert.match(kubectlOk(s, ['rollout', 'status', 'deployment/web', '--timeout=60s']), /successfully rolled out/);
    const names = new Set(readyPods(s, 'app=web').map((p) => p.name));
    kubectlOk(s, ['rollout', 'restart', 'deployment/web']);
    assert.match(kubectlOk(s, ['rollout', 'status', 'deployment/web', '--timeout=60s']), /successfully rolled out/);
    await waitFor(() => {
      const ps = readyPods(s, 'app=web');
      return ps.length === 8 && ps.every((p) => !names.has(p.name));
    }, 30_000);
  });

  test('an RC heals deleted pods', async () => {
    kubectlOk(s, ['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'rc1' }, spec: { replicas: 3, selector: { app: 'rc1' }, template: { metadata: { labels: { app: 'rc1' } }, spec: { containers: [{ name: 'c', image: 'localhost/busybox:1.35', command: ['sleep', '3600'] }] } } } }));
    await waitFor(() => readyPods(s, 'app=rc1').length === 3, 30_000);
    const victim = readyPods(s, 'app=rc1')[0].name;
    kubectlOk(s, ['delete', 'pod', victim, '--wait=false']);
    await waitFor(() => {
      const ps = readyPods(s, 'app=rc1');
      return ps.length === 3 && !ps.some((p) => p.name === victim);
    }, 30_000);
  });

  test('a DaemonSet lands on every node', async () => {
    kubectlOk(s, ['create', '-f', '-'], JSON.stringify({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent' }, spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image: 'localhost/busybox:1.35', command: ['sleep', '3600'] }] } } } }));
    await waitFor(() => new Set(readyPods(s, 'app=agent').map((p) => p.node)).size === 3, 30_000);
    assert.equal(readyPods(s, 'app=agent').length, 3);
    await waitFor(() => /agent\s+3\s+3\s+3\s+3\s+3/.test(kubectlOk(s, ['get', 'ds', 'agent'])), 20_000, () => kubectlOk(s, ['get', 'ds', 'agent']));
  });

  test('a Job completes', async () => {
    kubectlOk(s, ['create', 'job', 'hello', '--image=localhost/busybox:1.35', '--', 'sh', '-c', 'echo hi; exit 0']);
    await waitFor(() => kubectlOk(s, ['get', 'job', 'hello', '-o', 'jsonpath={.status.succeeded}']) === '1', 30_000);
    const conds = JSON.parse(kubectlOk(s, ['get', 'job', 'hello', '-o', 'json'])).status.conditions.map((c: any) => c.type);
    assert.ok(conds.includes('Complete'), conds.join(','));
    assert.match(kubectlOk(s, ['get', 'job', 'hello']), /hello\s+Complete\s+1\/1/);
  });

  test('a StatefulSet starts its pods in order', async () => {
    kubectlOk(s, ['create', '-f', '-'], JSON.stringify({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' }, spec: { serviceName: 'db', replicas: 3, selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'localhost/busybox:1.35', command: ['sleep', '3600'] }] } } } }));
    await waitFor(() => readyPods(s, 'app=db').length === 3, 60_000);
    const created = JSON.parse(kubectlOk(s, ['get', 'pods', '-l', 'app=db', '-o', 'json'])).items
      .map((p: any) => ({ name: p.metadata.name, t: Date.parse(p.metadata.creationTimestamp), ready: Date.parse(p.status.conditions.find((c: any) => c.type === 'Ready').lastTransitionTime) }))
      .sort((a: any, b: any) => a.name.localeCompare(b.name));
    assert.deepEqual(created.map((p: any) => p.name), ['db-0', 'db-1', 'db-2']);
    for (let i = 1; i < 3; i++) assert.ok(created[i].t >= created[i - 1].ready, `db-${i} was created after db-${i - 1} was Ready`);
  });

  test('pods leave a node whose heartbeats stop, and come back on the others', async () => {
    const victimNode = readyPods(s, 'app=web')[0].node;
    const before = readyPods(s, 'app=web').filter((p) => p.node === victimNode).length;
    assert.ok(before > 0);
    kubectlOk(s, ['annotate', 'node', victimNode, 'sim.k8ts.io/heartbeat=stop']);
    await waitFor(() => /NotReady|Unknown/.test(kubectlOk(s, ['get', 'node', victimNode])), 30_000, () => kubectlOk(s, ['get', 'node', victimNode]));
    await waitFor(() => {
      const ps = readyPods(s, 'app=web');
      return ps.length === 8 && ps.every((p) => p.node !== victimNode);
    }, 60_000, () => JSON.stringify(pods(s, 'app=web')));
    kubectlOk(s, ['annotate', 'node', victimNode, 'sim.k8ts.io/heartbeat-']);
    await waitFor(() => /\sReady\s/.test(kubectlOk(s, ['get', 'node', victimNode])), 30_000);
  });

  test('a server restart in the middle of a rollout does not stop it from finishing', async () => {
    kubectlOk(s, ['set', 'image', 'deployment/web', 'main=localhost/busybox:1.37']);
    const dataDir = s.dataDir;
    const port = new URL(s.url).port;
    await s.kill();
    restartedDataDir = dataDir;
    s = await startServer({ dataDir, extraArgs: ['--node-monitor-grace-period', GRACE, '--https-port', port] });
    assert.match(kubectlOk(s, ['rollout', 'status', 'deployment/web', '--timeout=120s']), /successfully rolled out/);
    await waitFor(() => {
      const ps = readyPods(s, 'app=web');
      return ps.length === 8 && ps.every((p) => p.image === 'localhost/busybox:1.37');
    }, 60_000);
  });
});
