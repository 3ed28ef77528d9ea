// The API conformance suite: the real kubectl (1.32) and @kubernetes/client-node against `k8ts server`.
// Run once per store backend (api-sqlite.test.ts, api-etcd.test.ts).

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, kubectl, kubectlOk, raw } from './helpers/server.js';
import type { TestServer, StartOptions } from './helpers/server.js';

const CM = (name: string, data: Record<string, string> = { a: '1' }) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });

const DEPLOY_YAML = (name: string, image: string, replicas = 2) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels:
    app: ${name}
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
      - name: main
        image: ${image}
        ports:
        - containerPort: 80
      - name: sidecar
        image: localhost/busybox:1.35
`;

export function runApiConformance(name: string, start: () => Promise<StartOptions & { cleanup?: () => Promise<void> }>): void {
  describe(`API conformance (${name})`, { timeout: 600_000 }, () => {
    let s: TestServer;
    let cleanup: (() => Promise<void>) | undefined;
    before(async () => {
      const opts = await start();
      cleanup = opts.cleanup;
      s = await startServer(opts);
    });
    after(async () => {
      await s?.stop();
      await cleanup?.();
    });

    test('version, api-versions, api-resources', () => {
      const v = JSON.parse(kubectlOk(s, ['version', '-o', 'json']));
      assert.equal(v.serverVersion.major, '1');
      const av = kubectlOk(s, ['api-versions']).split('\n');
      for (const gv of ['v1', 'apps/v1', 'batch/v1', 'coordination.k8s.io/v1', 'discovery.k8s.io/v1', 'events.k8s.io/v1', 'rbac.authorization.k8s.io/v1', 'scheduling.k8s.io/v1']) assert.ok(av.includes(gv), `api-versions lacks ${gv}`);
      const ar = kubectlOk(s, ['api-resources']);
      assert.match(ar, /^pods\s+po\s+v1\s+true\s+Pod$/m);
      assert.match(ar, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
      assert.match(ar, /^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
    });

    test('system namespaces and the kubernetes Service exist', () => {
      const ns = kubectlOk(s, ['get', 'ns', '-o', 'name']).trim().split('\n').sort();
      assert.deepEqual(ns, ['namespace/default', 'namespace/kube-node-lease', 'namespace/kube-public', 'namespace/kube-system']);
      const svc = JSON.parse(kubectlOk(s, ['get', 'svc', 'kubernetes', '-o', 'json']));
      assert.equal(svc.spec.clusterIP, '10.96.0.1');
    });

    test('create, get in every output format, describe', () => {
      kubectlOk(s, ['create', '-f', '-'], CM('cm1', { greeting: 'hello' }));
      const y = kubectlOk(s, ['get', 'cm', 'cm1', '-o', 'yaml']);
      assert.match(y, /greeting: hello/);
      const j = JSON.parse(kubectlOk(s, ['get', 'configmap', 'cm1', '-o', 'json']));
      assert.equal(j.data.greeting, 'hello');
      assert.ok(j.metadata.uid && j.metadata.resourceVersion && j.metadata.creationTimestamp);
      assert.equal(kubectlOk(s, ['get', 'cm', 'cm1', '-o', 'name']).trim(), 'configmap/cm1');
      assert.equal(kubectlOk(s, ['get', 'cm', 'cm1', '-o', 'jsonpath={.data.greeting}']), 'hello');
      const cc = kubectlOk(s, ['get', 'cm', 'cm1', '-o', 'custom-columns=NAME:.metadata.name,G:.data.greeting']);
      assert.match(cc, /^NAME\s+G\ncm1\s+hello\n$/);
      const table = kubectlOk(s, ['get', 'cm']);
      assert.match(table, /^NAME\s+DATA\s+AGE\n/);
      assert.match(table, /^cm1\s+1\s+\d+s\n/m);
      const wide = kubectlOk(s, ['get', 'cm', '-o', 'wide']);
      assert.match(wide, /cm1/);
      const d = kubectlOk(s, ['describe', 'cm', 'cm1']);
      assert.match(d, /Name:\s+cm1/);
      assert.match(d, /greeting/);
      const nf = kubectl(s, ['get', 'cm', 'nope']);
      assert.equal(nf.code, 1);
      assert.match(nf.stderr, /Error from server \(NotFound\): configmaps "nope" not found/);
      const dup = kubectl(s, ['create', '-f', '-'], CM('cm1'));
      assert.match(dup.stderr, /Error from server \(AlreadyExists\).*configmaps "cm1" already exists/);
    });

    test('kubectl generators (typed clients send protobuf bodies)', () => {
      kubectlOk(s, ['create', 'configmap', 'gen-cm', '--from-literal=k=v']);
      assert.equal(kubectlOk(s, ['get', 'cm', 'gen-cm', '-o', 'jsonpath={.data.k}']), 'v');
      kubectlOk(s, ['create', 'secret', 'generic', 'gen-secret', '--from-literal=password=s3cret']);
      assert.equal(Buffer.from(kubectlOk(s, ['get', 'secret', 'gen-secret', '-o', 'jsonpath={.data.password}']), 'base64').toString(), 's3cret');
      kubectlOk(s, ['create', 'namespace', 'gen-ns']);
      kubectlOk(s, ['create', 'deployment', 'gen-deploy', '--image=localhost/busybox:1.35', '--replicas=2', '--port=80']);
      const d = JSON.parse(kubectlOk(s, ['get', 'deploy', 'gen-deploy', '-o', 'json']));
      assert.equal(d.spec.replicas, 2);
      assert.equal(d.spec.template.spec.containers[0].ports[0].containerPort, 80);
      assert.equal(d.spec.strategy.type, 'RollingUpdate', 'defaults applied');
      kubectlOk(s, ['expose', 'deployment', 'gen-deploy', '--port=8080', '--target-port=80']);
      const svc = JSON.parse(kubectlOk(s, ['get', 'svc', 'gen-deploy', '-o', 'json']));
      assert.equal(svc.spec.ports[0].targetPort, 80);
      assert.match(svc.spec.clusterIP, /^10\./);
      const bad = kubectl(s, ['create', 'configmap', 'Bad_Name', '--from-literal=a=b']);
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, /is invalid: metadata.name: Invalid value: "Bad_Name"/);
    });

    test('events: core/v1 and events.k8s.io/v1 are two views of one object; describe shows them', () => {
      const uid = kubectlOk(s, ['get', 'cm', 'cm1', '-o', 'jsonpath={.metadata.uid}']);
      kubectlOk(s, ['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Event', metadata: { name: 'ev1' }, involvedObject: { kind: 'ConfigMap', name: 'cm1', namespace: 'default', uid }, reason: 'Tested', message: 'hello from core', type: 'Normal', source: { component: 'conformance' }, count: 1 }));
      const v1 = JSON.parse(kubectlOk(s, ['get', 'events.v1.events.k8s.io', 'ev1', '-o', 'json']));
      assert.equal(v1.apiVersion, 'events.k8s.io/v1');
      assert.equal(v1.note, 'hello from core');
      assert.equal(v1.regarding.name, 'cm1');
      assert.match(kubectlOk(s, ['get', 'events']), /Tested\s+configmap\/cm1\s+hello from core/);
      const d = kubectlOk(s, ['describe', 'cm', 'cm1']);
      assert.match(d, /Events:[\s\S]*Tested[\s\S]*hello from core/);
    });

    test('label, annotate, label selectors', () => {
      kubectlOk(s, ['create', '-f', '-'], CM('cm-l1'));
      kubectlOk(s, ['create', '-f', '-'], CM('cm-l2'));
      kubectlOk(s, ['label', 'cm', 'cm-l1', 'tier=web', 'env=prod']);
      kubectlOk(s, ['label', 'cm', 'cm-l2', 'tier=db']);
      kubectlOk(s, ['annotate', 'cm', 'cm-l1', 'note=hi']);
      assert.equal(kubectlOk(s, ['get', 'cm', '-l', 'tier=web', '-o', 'name']).trim(), 'configmap/cm-l1');
      assert.equal(kubectlOk(s, ['get', 'cm', '-l', 'tier!=web,tier', '-o', 'name']).trim(), 'configmap/cm-l2');
      assert.equal(kubectlOk(s, ['get', 'cm', '-l', 'tier in (db)', '-o', 'name']).trim(), 'configmap/cm-l2');
      assert.equal(kubectlOk(s, ['get', 'cm', 'cm-l1', '-o', 'jsonpath={.metadata.annotations.note}']), 'hi');
      kubectlOk(s, ['label', 'cm', 'cm-l1', 'env-']);
      assert.equal(kubectlOk(s, ['get', 'cm', 'cm-l1', '-o', 'jsonpath={.metadata.labels}']), '{"tier":"web"}');
      const overwrite = kubectl(s, ['label', 'cm', 'cm-l1', 'tier=x']);
      assert.notEqual(overwrite.code, 0);
      assert.match(overwrite.stderr, /already has a value \(web\), and --overwrite is false/);
      assert.equal(kubectlOk(s, ['get', 'cm', '--field-selector', 'metadata.name=cm-l2', '-o', 'name']).trim(), 'configmap/cm-l2');
    });

    test('patch: strategic, merge, json', () => {
      kubectlOk(s, ['create', '-f', '-'], DEPLOY_YAML('web', 'localhost/busybox:1.35'));
      kubectlOk(s, ['patch', 'deployment', 'web', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"main","image":"localhost/busybox:1.36"}]}}}}']);
      let d = JSON.parse(kubectlOk(s, ['get', 'deploy', 'web', '-o', 'json']));
      assert.deepEqual(d.spec.template.spec.containers.map((c: any) => `${c.name}=${c.image}`), ['main=localhost/busybox:1.36', 'sidecar=localhost/busybox:1.35']);
      kubectlOk(s, ['patch', 'deployment', 'web', '--type=merge', '-p', '{"metadata":{"labels":{"patched":"merge"}}}']);
      kubectlOk(s, ['patch', 'deployment', 'web', '--type=json', '-p', '[{"op":"replace","path":"/spec/replicas","value":3}]']);
      d = JSON.parse(kubectlOk(s, ['get', 'deploy', 'web', '-o', 'json']));
      assert.equal(d.metadata.labels.patched, 'merge');
      assert.equal(d.spec.replicas, 3);
      assert.equal(d.metadata.generation, 3);
      const bad = kubectl(s, ['patch', 'deployment', 'web', '--type=json', '-p', '[{"op":"test","path":"/spec/replicas","value":7}]']);
      assert.notEqual(bad.code, 0);
    });

    test('scale (deployment and RC)', () => {
      kubectlOk(s, ['scale', 'deployment', 'web', '--replicas=5']);
      assert.equal(kubectlOk(s, ['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}']), '5');
      const stale = kubectl(s, ['scale', 'deployment', 'web', '--replicas=1', '--current-replicas=2']);
      assert.notEqual(stale.code, 0);
      kubectlOk(s, ['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'rc1' }, spec: { replicas: 1, selector: { app: 'rc1' }, template: { metadata: { labels: { app: 'rc1' } }, spec: { containers: [{ name: 'c', image: 'localhost/busybox:1.35' }] } } } }));
      kubectlOk(s, ['scale', 'rc', 'rc1', '--replicas=4']);
      assert.equal(kubectlOk(s, ['get', 'rc', 'rc1', '-o', 'jsonpath={.spec.replicas}']), '4');
    });

    test('apply: client-side (three-way) and server-side with conflicts', () => {
      const dir = s.dataDir;
      const f = join(dir, 'app.yaml');
      writeFileSync(f, DEPLOY_YAML('applied', 'localhost/busybox:1.35'));
      assert.match(kubectlOk(s, ['apply', '-f', f]), /deployment.apps\/applied created/);
      assert.match(kubectlOk(s, ['apply', '-f', f]), /deployment.apps\/applied unchanged/);
      writeFileSync(f, DEPLOY_YAML('applied', 'localhost/busybox:1.36', 3));
      assert.match(kubectlOk(s, ['apply', '-f', f]), /deployment.apps\/applied configured/);
      const d = JSON.parse(kubectlOk(s, ['get', 'deploy', 'applied', '-o', 'json']));
      assert.equal(d.spec.replicas, 3);
      assert.equal(d.spec.template.spec.containers[0].image, 'localhost/busybox:1.36');
      assert.ok(d.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);

      const sf = join(dir, 'ssa.yaml');
      writeFileSync(sf, DEPLOY_YAML('ssa', 'localhost/busybox:1.35'));
      assert.match(kubectlOk(s, ['apply', '--server-side', '-f', sf]), /deployment.apps\/ssa serverside-applied/);
      const mf = JSON.parse(kubectlOk(s, ['get', 'deploy', 'ssa', '-o', 'json', '--show-managed-fields']));
      assert.ok(mf.metadata.managedFields.some((m: any) => m.manager === 'kubectl' && m.operation === 'Apply'));
      kubectlOk(s, ['scale', 'deploy', 'ssa', '--replicas=4']);
      writeFileSync(sf, DEPLOY_YAML('ssa', 'localhost/busybox:1.35', 2));
      const conflict = kubectl(s, ['apply', '--server-side', '-f', sf]);
      assert.notEqual(conflict.code, 0);
      assert.match(conflict.stderr, /conflict/i);
      assert.match(conflict.stderr, /\.spec\.replicas/);
      kubectlOk(s, ['apply', '--server-side', '--force-conflicts', '-f', sf]);
      assert.equal(kubectlOk(s, ['get', 'deploy', 'ssa', '-o', 'jsonpath={.spec.replicas}']), '2');
    });

    test('replace, and a stale resourceVersion is a 409', () => {
      const cm = JSON.parse(kubectlOk(s, ['get', 'cm', 'cm1', '-o', 'json']));
      cm.data.greeting = 'replaced';
      kubectlOk(s, ['replace', '-f', '-'], JSON.stringify(cm));
      assert.equal(kubectlOk(s, ['get', 'cm', 'cm1', '-o', 'jsonpath={.data.greeting}']), 'replaced');
      const stale = kubectl(s, ['replace', '-f', '-'], JSON.stringify(cm));
      assert.notEqual(stale.code, 0);
      assert.match(stale.stderr, /Conflict.*the object has been modified/);
    });

    test('explain', () => {
      const out = kubectlOk(s, ['explain', 'deployment.spec.replicas']);
      assert.match(out, /KIND:\s+Deployment/);
      assert.match(out, /replicas\s+<integer>/);
      const rec = kubectlOk(s, ['explain', 'pods.spec.containers', '--recursive']);
      assert.match(rec, /image\s+<string>/);
    });

    test('get -w streams changes', async () => {
      kubectlOk(s, ['create', '-f', '-'], CM('watched'));
      const child = spawn('kubectl', ['--kubeconfig', s.kubeconfig, 'get', 'cm', 'watched', '-w', '-o', 'jsonpath={.metadata.name}={.data.a}{"\\n"}'], { env: { ...process.env, HOME: s.dataDir } });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      try {
        await waitFor(() => out.includes('watched=1'), 10_000, () => out);
        kubectlOk(s, ['patch', 'cm', 'watched', '--type=merge', '-p', '{"data":{"a":"2"}}']);
        await waitFor(() => out.includes('watched=2'), 10_000, () => out);
      } finally {
        child.kill('SIGKILL');
      }
    });

    test('delete with each --cascade', async () => {
      // Background (default): owner goes at once, dependents after it via the garbage collector
      const owner = JSON.parse(kubectlOk(s, ['create', '-f', '-', '-o', 'json'], CM('owner-bg')));
      kubectlOk(s, ['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dep-bg', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner-bg', uid: owner.metadata.uid }] } }));
      kubectlOk(s, ['delete', 'cm', 'owner-bg']);
      await waitFor(() => kubectl(s, ['get', 'cm', 'dep-bg']).code !== 0, 15_000);

      // Orphan: dependents stay, without the owner reference
      const o2 = JSON.parse(kubectlOk(s, ['create', '-f', '-', '-o', 'json'], CM('owner-or')));
      kubectlOk(s, ['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dep-or', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner-or', uid: o2.metadata.uid }] } }));
      kubectlOk(s, ['delete', 'cm', 'owner-or', '--cascade=orphan']);
      await waitFor(() => kubectl(s, ['get', 'cm', 'owner-or']).code !== 0, 15_000);
      const dep = JSON.parse(kubectlOk(s, ['get', 'cm', 'dep-or', '-o', 'json']));
      assert.equal(dep.metadata.ownerReferences, undefined);

      // Foreground: the owner waits (deletionTimestamp set) until blocking dependents are gone
      const o3 = JSON.parse(kubectlOk(s, ['create', '-f', '-', '-o', 'json'], CM('owner-fg')));
      kubectlOk(s, ['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dep-fg', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner-fg', uid: o3.metadata.uid, blockOwnerDeletion: true }] } }));
      kubectlOk(s, ['delete', 'cm', 'owner-fg', '--cascade=foreground']);
      assert.notEqual(kubectl(s, ['get', 'cm', 'dep-fg']).code, 0);
      assert.notEqual(kubectl(s, ['get', 'cm', 'owner-fg']).code, 0);
    });

    test('@kubernetes/client-node: create, list, watch, patch, delete', async () => {
      const k8s = await import('@kubernetes/client-node');
      const kc = new k8s.KubeConfig();
      kc.loadFromFile(s.kubeconfig);
      const core = kc.makeApiClient(k8s.CoreV1Api);
      const created = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'cn1', labels: { by: 'client-node' } }, data: { x: '1' } } });
      assert.equal(created.metadata?.name, 'cn1');
      const list = await core.listNamespacedConfigMap({ namespace: 'default', labelSelector: 'by=client-node' });
      assert.deepEqual(list.items.map((i) => i.metadata?.name), ['cn1']);

      const seen: string[] = [];
      const watch = new k8s.Watch(kc);
      const req = await watch.watch('/api/v1/namespaces/default/configmaps', { labelSelector: 'by=client-node', resourceVersion: list.metadata?.resourceVersion }, (type, obj) => seen.push(`${type}:${obj.metadata.name}:${obj.data?.x ?? ''}`), () => {});
      try {
        await core.patchNamespacedConfigMap({ name: 'cn1', namespace: 'default', body: { data: { x: '2' } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
        await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'cn2', labels: { by: 'client-node' } } } });
        await core.deleteNamespacedConfigMap({ name: 'cn2', namespace: 'default' });
        await waitFor(() => seen.length >= 3, 10_000, () => seen.join(' '));
        assert.deepEqual(seen.slice(0, 3), ['MODIFIED:cn1:2', 'ADDED:cn2:', 'DELETED:cn2:']);
      } finally {
        req.abort();
      }
      const apps = kc.makeApiClient(k8s.AppsV1Api);
      const deps = await apps.listNamespacedDeployment({ namespace: 'default' });
      assert.ok(deps.items.some((d) => d.metadata?.name === 'web'));
    });

    test('anonymous requests get 401; health endpoints answer', async () => {
      const r = await raw(s, 'GET', '/api/v1/namespaces', undefined, {}, true);
      assert.equal(r.status, 401);
      assert.equal(r.json().reason, 'Unauthorized');
      const h = await raw(s, 'GET', '/readyz', undefined, {}, true);
      assert.equal(h.status, 200);
    });
  });
}

export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs: number, describeState?: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms${describeState ? `: ${describeState()}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
