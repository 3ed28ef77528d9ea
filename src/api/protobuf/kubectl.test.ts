// Decodes the protobuf bodies the real kubectl (on PATH) sends, against what kubectl's own --dry-run=client prints.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { decodeKubernetesProtobuf, PROTOBUF_MEDIA_TYPE } from './decode.js';
import { encodeKubernetesProtobuf } from './encode.js';
import { FIXTURES } from './test-fixtures.js';

const haveKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;

interface Captured {
  method: string;
  url: string;
  contentType: string;
  body: Buffer;
  decoded?: Record<string, unknown>;
  error?: string;
}

const resource = (name: string, kind: string, namespaced: boolean) => ({ name, singularName: '', namespaced, kind, verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] });
const groupOf = (name: string) => ({ name, versions: [{ groupVersion: `${name}/v1`, version: 'v1' }], preferredVersion: { groupVersion: `${name}/v1`, version: 'v1' } });
/** Legacy (unaggregated) discovery: enough for kubectl's REST mapper in `create role` and `drain`. */
const DISCOVERY: Record<string, unknown> = {
  '/api': { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] },
  '/apis': { kind: 'APIGroupList', apiVersion: 'v1', groups: [groupOf('apps'), groupOf('rbac.authorization.k8s.io')] },
  '/api/v1': { kind: 'APIResourceList', groupVersion: 'v1', resources: [resource('pods', 'Pod', true), resource('nodes', 'Node', false), resource('configmaps', 'ConfigMap', true)] },
  '/apis/apps/v1': { kind: 'APIResourceList', groupVersion: 'apps/v1', resources: [resource('deployments', 'Deployment', true)] },
  '/apis/rbac.authorization.k8s.io/v1': { kind: 'APIResourceList', groupVersion: 'rbac.authorization.k8s.io/v1', resources: [resource('roles', 'Role', true), resource('clusterroles', 'ClusterRole', false)] },
};
const DRAIN_PODS = {
  kind: 'PodList',
  apiVersion: 'v1',
  metadata: {},
  items: [
    {
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: { name: 'p', namespace: 'default', uid: 'u1', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u2', controller: true }] },
      spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'i' }] },
      status: { phase: 'Running' },
    },
  ],
};

let server: Server;
let dir: string;
let kubeconfig: string;
const captured: Captured[] = [];

before(async () => {
  if (!haveKubectl) return;
  dir = mkdtempSync(join(tmpdir(), 'k8ts-pb-'));
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const send = (code: number, obj: unknown) => {
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(JSON.stringify(obj));
      };
      const path = (req.url ?? '').split('?')[0];
      if (req.method === 'GET' && path === '/version') {
        return send(200, { major: '1', minor: '32', gitVersion: 'v1.32.0', platform: 'linux/amd64' });
      }
      if (req.method === 'GET' && DISCOVERY[path]) return send(200, DISCOVERY[path]);
      // kubectl drain n1: the node, its pods, then a DELETE per pod (eviction is not in our discovery)
      if (path === '/api/v1/nodes/n1' && req.method !== 'DELETE') return send(200, { kind: 'Node', apiVersion: 'v1', metadata: { name: 'n1' }, spec: { unschedulable: req.method === 'PATCH' } });
      if (req.method === 'GET' && path === '/api/v1/pods') return send(200, DRAIN_PODS);
      const c: Captured = { method: req.method ?? '', url: req.url ?? '', contentType: req.headers['content-type'] ?? '', body: Buffer.concat(chunks) };
      captured.push(c);
      if (c.contentType !== PROTOBUF_MEDIA_TYPE) {
        return send(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'not found' });
      }
      try {
        c.decoded = decodeKubernetesProtobuf(c.body);
      } catch (e) {
        c.error = (e as Error).message;
        return send(400, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'BadRequest', code: 400, message: c.error });
      }
      if (req.method === 'DELETE') return send(200, DRAIN_PODS.items[0]);
      // echo the object back as the created one: kubectl accepts a JSON answer
      const obj = structuredClone(c.decoded);
      if (obj.kind === 'TokenRequest') (obj.status as Record<string, unknown>) = { token: 'x', expirationTimestamp: '2030-01-01T00:00:00Z' };
      send(201, obj);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: c, cluster: {server: "http://127.0.0.1:' + port + '"}}]',
      'users: [{name: u, user: {}}]',
      'contexts: [{name: x, context: {cluster: c, user: u, namespace: default}}]',
      'current-context: x',
      '',
    ].join('\n'),
  );
  // a file with bytes that are not UTF-8: kubectl puts it in binaryData / secret data
  writeFileSync(join(dir, 'blob.bin'), Buffer.from([0, 1, 2, 0xff, 0xfe, 0x80, 0x7f, 10]));
  writeFileSync(join(dir, 'config.txt'), 'key: value\nother: 2\n');
});

after(async () => {
  if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function kubectl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('kubectl', args, { env: { ...process.env, KUBECONFIG: kubeconfig, HOME: dir }, timeout: 30_000, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Runs `kubectl args` against the capture server; returns the one protobuf request it sent. */
async function capture(args: string[]): Promise<Captured> {
  const from = captured.length;
  const r = await kubectl(args);
  const sent = captured.slice(from).filter((c) => c.contentType === PROTOBUF_MEDIA_TYPE);
  assert.equal(sent.length, 1, `kubectl ${args.join(' ')} sent ${sent.length} protobuf bodies; exit ${r.code}: ${r.stderr}`);
  const c = sent[0];
  assert.equal(c.error, undefined, `decode failed: ${c.error}`);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
  return c;
}

/** The object kubectl builds for `args`, as its own JSON encoding prints it. */
async function dryRun(args: string[]): Promise<unknown> {
  const i = args.indexOf('--');
  const flags = ['--dry-run=client', '-o', 'json'];
  const r = await kubectl(i < 0 ? [...args, ...flags] : [...args.slice(0, i), ...flags, ...args.slice(i)]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const CASES: { name: string; args: () => string[]; path: string }[] = [
  { name: 'configmap', path: '/api/v1/namespaces/default/configmaps', args: () => ['create', 'configmap', 'cm1', '--from-literal=a=1', '--from-literal=b=two words', `--from-file=${join(dir, 'config.txt')}`] },
  { name: 'configmap with binaryData', path: '/api/v1/namespaces/default/configmaps', args: () => ['create', 'configmap', 'cm2', `--from-file=blob=${join(dir, 'blob.bin')}`, '--from-literal=empty='] },
  { name: 'secret generic', path: '/api/v1/namespaces/team-a/secrets', args: () => ['create', 'secret', 'generic', 's1', '-n', 'team-a', '--from-literal=user=admin', '--from-literal=empty=', `--from-file=blob=${join(dir, 'blob.bin')}`, '--type=Opaque'] },
  { name: 'secret docker-registry', path: '/api/v1/namespaces/default/secrets', args: () => ['create', 'secret', 'docker-registry', 'reg', '--docker-server=localhost:5000', '--docker-username=u', '--docker-password=p'] },
  { name: 'namespace', path: '/api/v1/namespaces', args: () => ['create', 'namespace', 'ns1'] },
  { name: 'deployment', path: '/apis/apps/v1/namespaces/default/deployments', args: () => ['create', 'deployment', 'web', '--image=x', '--replicas=2', '--port=80'] },
  { name: 'deployment with command', path: '/apis/apps/v1/namespaces/default/deployments', args: () => ['create', 'deployment', 'cmd', '--image=localhost/busybox:1.35', '--', 'sleep', '3600'] },
  { name: 'deployment with two images', path: '/apis/apps/v1/namespaces/team-a/deployments', args: () => ['create', 'deployment', 'two', '-n', 'team-a', '--image=localhost/busybox:1.35', '--image=localhost/busybox:1.36'] },
  { name: 'service clusterip', path: '/api/v1/namespaces/default/services', args: () => ['create', 'service', 'clusterip', 's', '--tcp=80:8080', '--tcp=443:https'] },
  { name: 'service headless', path: '/api/v1/namespaces/default/services', args: () => ['create', 'service', 'clusterip', 'h', '--clusterip=None'] },
  { name: 'service nodeport', path: '/api/v1/namespaces/default/services', args: () => ['create', 'service', 'nodeport', 'np', '--tcp=80:8080', '--node-port=30080'] },
  { name: 'service externalname', path: '/api/v1/namespaces/default/services', args: () => ['create', 'service', 'externalname', 'ext', '--external-name=db.example.test'] },
  { name: 'job', path: '/apis/batch/v1/namespaces/default/jobs', args: () => ['create', 'job', 'j', '--image=busybox', '--', 'echo', 'hi'] },
  { name: 'cronjob', path: '/apis/batch/v1/namespaces/default/cronjobs', args: () => ['create', 'cronjob', 'cj', '--image=busybox', '--schedule=*/5 * * * *', '--restart=OnFailure', '--', 'date'] },
  { name: 'serviceaccount', path: '/api/v1/namespaces/default/serviceaccounts', args: () => ['create', 'serviceaccount', 'sa'] },
  { name: 'clusterrolebinding', path: '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', args: () => ['create', 'clusterrolebinding', 'crb', '--clusterrole=view', '--user=alice', '--group=devs', '--serviceaccount=default:sa'] },
  { name: 'rolebinding', path: '/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings', args: () => ['create', 'rolebinding', 'rb', '--role=r', '--serviceaccount=default:sa'] },
  { name: 'priorityclass', path: '/apis/scheduling.k8s.io/v1/priorityclasses', args: () => ['create', 'priorityclass', 'high', '--value=1000', '--global-default=false', '--description=important', '--preemption-policy=Never'] },
  { name: 'resourcequota', path: '/api/v1/namespaces/default/resourcequotas', args: () => ['create', 'quota', 'q', '--hard=pods=10,cpu=1500m,memory=1Gi,requests.storage=0.5Ti', '--scopes=NotBestEffort'] },
  { name: 'role', path: '/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles', args: () => ['create', 'role', 'r', '--verb=get,list,watch', '--resource=pods,deployments.apps', '--resource-name=a'] },
  { name: 'clusterrole', path: '/apis/rbac.authorization.k8s.io/v1/clusterroles', args: () => ['create', 'clusterrole', 'cr', '--verb=get', '--resource=pods', '--non-resource-url=/healthz'] },
  { name: 'aggregated clusterrole', path: '/apis/rbac.authorization.k8s.io/v1/clusterroles', args: () => ['create', 'clusterrole', 'agg', '--aggregation-rule=rbac.example.com/aggregate-to-monitoring=true'] },
  { name: 'poddisruptionbudget', path: '/apis/policy/v1/namespaces/default/poddisruptionbudgets', args: () => ['create', 'pdb', 'p', '--selector=app=web', '--max-unavailable=25%'] },
];

for (const c of CASES) {
  test(`kubectl create ${c.name}: protobuf body decodes to kubectl's own JSON`, { skip: !haveKubectl && 'kubectl not on PATH' }, async () => {
    const args = c.args();
    const got = await capture(args);
    assert.equal(got.url.split('?')[0], c.path);
    assert.deepEqual(got.decoded, await dryRun(args));
    // and our encoder writes the very bytes kubectl wrote
    assert.equal(encodeKubernetesProtobuf(got.decoded!).toString('hex'), got.body.toString('hex'));
  });
}

test('kubectl create token: a TokenRequest body', { skip: !haveKubectl && 'kubectl not on PATH' }, async () => {
  const got = await capture(['create', 'token', 'sa', '--duration=10m', '--audience=api', '--audience=vault']);
  assert.equal(got.url, '/api/v1/namespaces/default/serviceaccounts/sa/token');
  assert.deepEqual(got.decoded, {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec: { audiences: ['api', 'vault'], expirationSeconds: 600, boundObjectRef: null },
    status: { token: '', expirationTimestamp: null },
  });
  assert.equal(encodeKubernetesProtobuf(got.decoded!).toString('hex'), got.body.toString('hex'));
});

test('kubectl drain: the DELETE body is a protobuf DeleteOptions', { skip: !haveKubectl && 'kubectl not on PATH' }, async () => {
  const got = await capture(['drain', 'n1', '--grace-period=7', '--timeout=5s']);
  assert.equal(got.method, 'DELETE');
  assert.equal(got.url, '/api/v1/namespaces/default/pods/p');
  assert.deepEqual(got.decoded, { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 7 });
  assert.equal(encodeKubernetesProtobuf(got.decoded!).toString('hex'), got.body.toString('hex'));
});

// The fixtures of the round-trip tests must be exactly what Go's JSON encoding makes of them; kubectl's
// `set … --local -o json` decodes a file into Go's typed objects and prints them again, so it tells.
for (const f of FIXTURES.filter((x) => x.oracle)) {
  test(`fixture is Go's canonical JSON: ${f.name}`, { skip: !haveKubectl && 'kubectl not on PATH' }, async () => {
    const file = join(dir, `fixture-${FIXTURES.indexOf(f)}.json`);
    writeFileSync(file, JSON.stringify(f.obj));
    const r = await kubectl([...f.oracle!, '-f', file, '--local', '-o', 'json', '--show-managed-fields']);
    assert.equal(r.code, 0, r.stderr);
    const printed = JSON.parse(r.stdout);
    if (Array.isArray(printed.subjects)) printed.subjects = printed.subjects.filter((s: { name: string }) => s.name !== 'oracle-check');
    assert.deepEqual(printed, f.obj);
  });
}
