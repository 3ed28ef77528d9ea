// The API server allocates Service ClusterIPs and NodePorts, refuses collisions, and frees them on delete.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, raw } from './helpers/server.js';
import type { TestServer } from './helpers/server.js';

const SVCS = '/api/v1/namespaces/default/services';
const svc = (name: string, spec: Record<string, unknown>) => JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec } });

describe('service allocation', { timeout: 60_000 }, () => {
  let s: TestServer;
  before(async () => {
    s = await startServer();
  });
  after(async () => {
    await s?.stop();
  });

  test('a ClusterIP Service gets a free address from the service CIDR', async () => {
    const a = (await raw(s, 'POST', SVCS, svc('a', {}))).json();
    const b = (await raw(s, 'POST', SVCS, svc('b', {}))).json();
    for (const x of [a, b]) {
      assert.match(x.spec.clusterIP, /^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$/, JSON.stringify(x));
      assert.deepEqual(x.spec.clusterIPs, [x.spec.clusterIP]);
    }
    assert.notEqual(a.spec.clusterIP, b.spec.clusterIP);
    assert.notEqual(a.spec.clusterIP, '10.96.0.1');
  });

  test('a requested address is honoured once, and refused when taken or out of range', async () => {
    const ok = await raw(s, 'POST', SVCS, svc('fixed', { clusterIP: '10.96.0.10' }));
    assert.equal(ok.status, 201);
    assert.equal(ok.json().spec.clusterIP, '10.96.0.10');
    const taken = await raw(s, 'POST', SVCS, svc('fixed2', { clusterIP: '10.96.0.10' }));
    assert.equal(taken.status, 422);
    assert.match(taken.json().message, /provided IP is already allocated/);
    const kube = await raw(s, 'POST', SVCS, svc('fixed3', { clusterIP: '10.96.0.1' }));
    assert.equal(kube.status, 422, 'the kubernetes Service address is reserved');
    const out = await raw(s, 'POST', SVCS, svc('fixed4', { clusterIP: '192.168.1.1' }));
    assert.equal(out.status, 422);
    assert.match(out.json().message, /not in the valid range/);
  });

  test('headless Services get no address', async () => {
    const h = (await raw(s, 'POST', SVCS, svc('headless', { clusterIP: 'None' }))).json();
    assert.equal(h.spec.clusterIP, 'None');
  });

  test('NodePorts are allocated in 30000-32767, collisions refused, freed on delete', async () => {
    const np = (await raw(s, 'POST', SVCS, svc('np', { type: 'NodePort' }))).json();
    const port = np.spec.ports[0].nodePort;
    assert.ok(port >= 30000 && port <= 32767, String(port));
    const clash = await raw(s, 'POST', SVCS, svc('np2', { type: 'NodePort', ports: [{ port: 80, nodePort: port }] }));
    assert.equal(clash.status, 422);
    assert.match(clash.json().message, /provided port is already allocated/);
    assert.equal((await raw(s, 'DELETE', `${SVCS}/np`)).status, 200);
    const again = await raw(s, 'POST', SVCS, svc('np3', { type: 'NodePort', ports: [{ port: 80, nodePort: port }] }));
    assert.equal(again.status, 201, again.body);
    assert.equal((await raw(s, 'DELETE', `${SVCS}/fixed`)).status, 200);
    assert.equal((await raw(s, 'POST', SVCS, svc('fixed5', { clusterIP: '10.96.0.10' }))).status, 201, 'a deleted Service frees its address');
  });
});
