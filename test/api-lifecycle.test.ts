// Object lifecycle through the real kubectl: generateName, dryRun, graceful pod deletion, finalizers,
// namespace deletion, status and binding subresources, and the tables of `kubectl get` (-o wide).

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, kubectl, kubectlOk, raw } from './helpers/server.js';
import type { TestServer } from './helpers/server.js';
import { waitFor } from './api-conformance.js';

const pod = (name: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'localhost/busybox:1.35' }], ...extra } });

describe('object lifecycle', { timeout: 180_000 }, () => {
  let s: TestServer;
  before(async () => {
    s = await startServer();
  });
  after(async () => {
    await s?.stop();
  });

  test('generateName gives each object a fresh name', () => {
    const cm = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'gen-' } });
    const a = kubectlOk(s, ['create', '-f', '-', '-o', 'name'], cm).trim();
    const b = kubectlOk(s, ['create', '-f', '-', '-o', 'name'], cm).trim();
    assert.match(a, /^configmap\/gen-[a-z0-9]{5}$/);
    assert.notEqual(a, b);
  });

  test('dryRun=All validates and answers but stores nothing', () => {
    const out = kubectlOk(s, ['create', '--dry-run=server', '-f', '-', '-o', 'json'], JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry' }, data: { a: 'b' } }));
    assert.equal(JSON.parse(out).metadata.name, 'dry');
    assert.notEqual(kubectl(s, ['get', 'cm', 'dry']).code, 0);
    const bad = kubectl(s, ['create', '--dry-run=server', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Dry!' } }));
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /is invalid/);
    kubectlOk(s, ['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry2' }, data: { a: 'b' } }));
    kubectlOk(s, ['label', 'cm', 'dry2', 'x=y', '--dry-run=server']);
    assert.equal(kubectlOk(s, ['get', 'cm', 'dry2', '-o', 'jsonpath={.metadata.labels}']), '');
  });

  test('a scheduled pod is deleted gracefully; grace period 0 removes it at once', async () => {
    kubectlOk(s, ['create', '-f', '-'], pod('graceful', { nodeName: 'node-a', terminationGracePeriodSeconds: 30 }));
    const r = await raw(s, 'DELETE', '/api/v1/namespaces/default/pods/graceful');
    assert.equal(r.status, 200);
    const p = JSON.parse(kubectlOk(s, ['get', 'pod', 'graceful', '-o', 'json']));
    assert.ok(p.metadata.deletionTimestamp, 'still there, terminating');
    // DefaultTolerationSeconds admission
    assert.deepEqual(p.spec.tolerations.map((t: any) => `${t.key}:${t.effect}:${t.tolerationSeconds}`).sort(), ['node.kubernetes.io/not-ready:NoExecute:300', 'node.kubernetes.io/unreachable:NoExecute:300']);
    assert.equal(p.metadata.deletionGracePeriodSeconds, 30);
    assert.match(kubectlOk(s, ['get', 'pod', 'graceful']), /Terminating/);
    const now = await raw(s, 'DELETE', '/api/v1/namespaces/default/pods/graceful', JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0 }));
    assert.equal(now.status, 200);
    assert.notEqual(kubectl(s, ['get', 'pod', 'graceful']).code, 0);
    // an unscheduled pod goes at once
    kubectlOk(s, ['create', '-f', '-'], pod('unscheduled'));
    kubectlOk(s, ['delete', 'pod', 'unscheduled', '--wait=false']);
    assert.notEqual(kubectl(s, ['get', 'pod', 'unscheduled']).code, 0);
  });

  test('a finalizer holds deletion until it is removed', () => {
    kubectlOk(s, ['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', finalizers: ['example.com/hold'] } }));
    kubectlOk(s, ['delete', 'cm', 'held', '--wait=false']);
    const held = JSON.parse(kubectlOk(s, ['get', 'cm', 'held', '-o', 'json']));
    assert.ok(held.metadata.deletionTimestamp);
    const add = kubectl(s, ['patch', 'cm', 'held', '--type=merge', '-p', '{"metadata":{"finalizers":["example.com/hold","example.com/more"]}}']);
    assert.notEqual(add.code, 0, 'no new finalizers once deletion started');
    kubectlOk(s, ['patch', 'cm', 'held', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
    assert.notEqual(kubectl(s, ['get', 'cm', 'held']).code, 0);
  });

  test('binding sets the node once; the status subresource changes only status', async () => {
    kubectlOk(s, ['create', '-f', '-'], pod('bind-me'));
    const b = await raw(s, 'POST', '/api/v1/namespaces/default/pods/bind-me/binding', JSON.stringify({ apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bind-me' }, target: { kind: 'Node', name: 'node-b' } }));
    assert.equal(b.status, 201);
    const again = await raw(s, 'POST', '/api/v1/namespaces/default/pods/bind-me/binding', JSON.stringify({ apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bind-me' }, target: { kind: 'Node', name: 'node-c' } }));
    assert.equal(again.status, 409);
    const p = JSON.parse(kubectlOk(s, ['get', 'pod', 'bind-me', '-o', 'json']));
    assert.equal(p.spec.nodeName, 'node-b');
    const st = await raw(s, 'PATCH', '/api/v1/namespaces/default/pods/bind-me/status', JSON.stringify({ status: { phase: 'Running', podIP: '10.244.0.5' }, spec: { nodeName: 'elsewhere' } }), { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(st.status, 200, st.body);
    const after = JSON.parse(kubectlOk(s, ['get', 'pod', 'bind-me', '-o', 'json']));
    assert.equal(after.status.phase, 'Running');
    assert.equal(after.spec.nodeName, 'node-b', 'status writes do not change spec');
    const main = await raw(s, 'PATCH', '/api/v1/namespaces/default/pods/bind-me', JSON.stringify({ status: { phase: 'Failed' } }), { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(main.status, 200);
    assert.equal(JSON.parse(kubectlOk(s, ['get', 'pod', 'bind-me', '-o', 'json'])).status.phase, 'Running', 'main-resource writes do not change status');
  });

  test('kubectl get prints upstream columns, and -o wide adds the wide ones', () => {
    assert.match(kubectlOk(s, ['get', 'pods']).split('\n')[0], /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    assert.match(kubectlOk(s, ['get', 'pods', '-o', 'wide']).split('\n')[0], /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/);
    assert.match(kubectlOk(s, ['get', 'pods', 'bind-me', '-o', 'wide']), /bind-me\s+0\/1\s+Running\s+0\s+\S+\s+10\.244\.0\.5\s+node-b\s+<none>\s+<none>/);
    kubectlOk(s, ['create', 'deployment', 'tbl', '--image=localhost/busybox:1.35']);
    assert.match(kubectlOk(s, ['get', 'deploy']).split('\n')[0], /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/);
    assert.match(kubectlOk(s, ['get', 'deploy', '-o', 'wide']).split('\n')[0], /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/);
    assert.match(kubectlOk(s, ['get', 'deploy', 'tbl', '-o', 'wide']), /tbl\s+0\/1\s+[01]\s+0\s+\S+\s+busybox\s+localhost\/busybox:1\.35\s+app=tbl/);
    assert.match(kubectlOk(s, ['get', 'svc']).split('\n')[0], /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/);
    assert.match(kubectlOk(s, ['get', 'ns']).split('\n')[0], /^NAME\s+STATUS\s+AGE$/);
    kubectlOk(s, ['create', 'secret', 'generic', 'tbl-secret', '--from-literal=a=b']);
    assert.match(kubectlOk(s, ['get', 'secrets', '-A']).split('\n')[0], /^NAMESPACE\s+NAME\s+TYPE\s+DATA\s+AGE$/);
    assert.match(kubectlOk(s, ['get', 'secrets', 'tbl-secret']), /tbl-secret\s+Opaque\s+1\s+\d+s/);
  });

  test('deleting a namespace deletes what it holds, then the namespace', async () => {
    kubectlOk(s, ['create', 'namespace', 'doomed']);
    kubectlOk(s, ['-n', 'doomed', 'create', 'configmap', 'c1', '--from-literal=a=b']);
    kubectlOk(s, ['-n', 'doomed', 'create', 'deployment', 'd1', '--image=localhost/busybox:1.35']);
    kubectlOk(s, ['-n', 'doomed', 'create', 'service', 'clusterip', 's1', '--tcp=80:80']);
    kubectlOk(s, ['delete', 'namespace', 'doomed', '--wait=false']);
    const creating = kubectl(s, ['-n', 'doomed', 'create', 'configmap', 'late', '--from-literal=a=b']);
    if (creating.code !== 0) assert.match(creating.stderr, /because it is being terminated|not found/);
    await waitFor(() => kubectl(s, ['get', 'namespace', 'doomed']).code !== 0, 30_000, () => kubectl(s, ['get', 'all,cm', '-n', 'doomed']).stdout);
    const left = await raw(s, 'GET', '/api/v1/namespaces/doomed/configmaps');
    assert.equal(left.json().items.length, 0);
  });
});
