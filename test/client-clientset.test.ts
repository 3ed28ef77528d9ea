// The typed client against a real `k8ts server`: every verb, each patch type, apply with force, delete options, Status errors.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.js';
import type { TestServer } from './helpers/server.js';
import { findResource } from '../src/api/resources.js';
import { Clientset } from '../src/client/clientset.js';
import { ClientError, isAlreadyExists, isConflict, isNotFound } from '../src/client/rest-client.js';

const CM = findResource('', 'v1', 'configmaps')!;
const PODS = findResource('', 'v1', 'pods')!;
const NODES = findResource('', 'v1', 'nodes')!;

describe('clientset against k8ts server', () => {
  let s: TestServer;
  let cs: Clientset;

  before(async () => {
    s = await startServer();
    cs = await Clientset.fromKubeconfig(s.kubeconfig, 'clientset-test');
  });

  after(async () => {
    cs?.close();
    await s?.stop();
  });

  test('create, get, list, update, patch (merge, strategic, json, apply), delete, deleteCollection', async () => {
    const cms = cs.resource(CM);
    assert.equal(cs.resource(CM), cms, 'one client per resource');
    const dry = await cms.create('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c1' } }, { dryRun: true });
    assert.equal(dry.metadata.name, 'c1');
    await assert.rejects(cms.get('default', 'c1'), (e) => isNotFound(e) && (e as ClientError).reason === 'NotFound' && (e as ClientError).status?.kind === 'Status');
    const c1 = await cms.create('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c1', labels: { set: 'x' } }, data: { a: '1' } }, { fieldManager: 'tester' });
    await assert.rejects(cms.create('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c1' } }), isAlreadyExists);
    const up = await cms.update({ ...c1, data: { a: '2' } });
    assert.equal(up.data.a, '2');
    await assert.rejects(cms.update({ ...c1, data: { a: 'stale' } }), (e) => isConflict(e) && (e as ClientError).reason === 'Conflict');

    assert.equal((await cms.patch('default', 'c1', 'merge', { data: { b: '1' } })).data.b, '1');
    assert.equal((await cms.patch('default', 'c1', 'strategic', { data: { c: '1' } })).data.c, '1');
    assert.equal((await cms.patch('default', 'c1', 'json', [{ op: 'remove', path: '/data/c' }])).data.c, undefined);
    const applied = await cms.patch('default', 'c1', 'apply', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c1' }, data: { a: 'applied' } }, { fieldManager: 'applier', force: true });
    assert.equal(applied.data.a, 'applied');
    assert.ok(applied.metadata.managedFields.some((m: { manager: string }) => m.manager === 'applier'));
    await assert.rejects(cms.patch('default', 'c1', 'apply', {}), /fieldManager/);

    await cms.create('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c2', labels: { set: 'x' } } });
    await cms.create('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c3' } });
    const page = await cms.list('default', { labelSelector: 'set=x', limit: 1 });
    assert.equal(page.items.length, 1);
    assert.ok(page.metadata.continue);
    const rest = await cms.list('default', { labelSelector: 'set=x', limit: 1, continue: page.metadata.continue });
    assert.equal(rest.items.length, 1);
    assert.ok((await cms.list()).items.length >= 3, 'all namespaces');

    await assert.rejects(cms.delete('default', 'c3', { preconditions: { uid: 'not-the-uid' } }), isConflict);
    await cms.delete('default', 'c3', { propagationPolicy: 'Background' });
    await cms.deleteCollection('default', { labelSelector: 'set=x' });
    const left = (await cms.list('default')).items.map((o: { metadata: { name: string } }) => o.metadata.name);
    assert.ok(!left.includes('c1') && !left.includes('c2') && !left.includes('c3'), left.join(','));
  });

  test('status and subresources; cluster-scoped objects ignore the namespace', async () => {
    const node = await cs.resource(NODES).create('ignored', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
    assert.equal(node.metadata.namespace, undefined);
    const pods = cs.resource(PODS);
    // a scheduler name nobody serves: the server's own scheduler must not write this pod's status meanwhile
    const pod = await pods.create('default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p1' }, spec: { schedulerName: 'not-the-default-scheduler', containers: [{ name: 'c', image: 'localhost/busybox:1.35' }] } });
    await pods.createSubresource('default', 'p1', 'binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p1' }, target: { kind: 'Node', name: 'n1' } });
    const bound = await pods.get('default', 'p1');
    assert.equal(bound.spec.nodeName, 'n1');
    const st = await pods.updateStatus({ ...bound, status: { ...bound.status, phase: 'Running' } });
    assert.equal(st.status.phase, 'Running');
    const patched = await pods.patch('default', 'p1', 'merge', { status: { podIP: '10.244.0.9' } }, { subresource: 'status' });
    assert.equal(patched.status.podIP, '10.244.0.9');
    await pods.delete('default', 'p1', { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
    await assert.rejects(pods.get('default', 'p1'), isNotFound);
  });
});
