// Tests for client-certificate authentication over a real HTTPS server on loopback (node clients and kubectl).

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, Agent, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import { ApiError } from '../../api/status.js';
import { CertificateAuthority, type CertAndKey } from '../../pki/ca.js';
import { loadOrCreateClusterPki, type ClusterPki } from '../../pki/cluster-pki.js';
import { writeKubeconfig } from '../../pki/kubeconfig.js';
import { UnionAuthenticator } from './union.js';
import { X509Authenticator, tlsServerOptions } from './x509.js';

let dataDir: string;
let pki: ClusterPki;
let server: Server;
let port: number;

// The handler reports what each authenticator saw: the bare x509 result and the union's verdict.
before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'k8ts-x509-'));
  pki = await loadOrCreateClusterPki(dataDir);
  const x509 = new X509Authenticator();
  const union = new UnionAuthenticator([x509]);
  server = createServer(tlsServerOptions(pki), async (req, res) => {
    let user: unknown;
    try {
      user = x509.authenticate(req);
    } catch (err) {
      user = { error: (err as ApiError).code };
    }
    try {
      const u = await union.authenticate(req);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ user, union: u }));
    } catch (err) {
      const status = (err as ApiError).toStatus();
      res.writeHead(status.code, { 'content-type': 'application/json' }).end(JSON.stringify({ user, status }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dataDir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  body: { user: unknown; union?: unknown; status?: { reason: string; code: number } };
  reused: boolean;
  alpn: string | false | null;
}

function get(client?: CertAndKey, agent: Agent | false = false): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const opts = { host: '127.0.0.1', port, path: '/', ca: pki.caPem, cert: client?.certPem, key: client?.keyPem, agent, ALPNProtocols: ['h2', 'http/1.1'] };
    const req = request(opts, (res) => {
      const socket = res.socket as TLSSocket;
      const reused = socket.isSessionReused();
      const alpn = socket.alpnProtocol;
      let data = '';
      res.setEncoding('utf8').on('data', (c) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(data), reused, alpn }));
    });
    req.on('error', reject).end();
  });
}

test('the admin cert authenticates as admin in system:masters and system:authenticated', async () => {
  const r = await get(pki.admin);
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.user, { name: 'admin', groups: ['system:masters', 'system:authenticated'] });
  assert.deepEqual(r.body.union, { name: 'admin', groups: ['system:masters', 'system:authenticated'] });
});

test('a node cert authenticates as system:node:<name> in system:nodes', async () => {
  const node = await pki.ca.issueClientCert({ user: 'system:node:n1', groups: ['system:nodes'] });
  const r = await get(node);
  assert.deepEqual(r.body.user, { name: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] });
});

test('several O values all become groups; no O gives just system:authenticated', async () => {
  const multi = await pki.ca.issueClientCert({ user: 'jane', groups: ['dev', 'ops', 'dev'] });
  assert.deepEqual((await get(multi)).body.user, { name: 'jane', groups: ['dev', 'ops', 'system:authenticated'] });
  const bare = await pki.ca.issueClientCert({ user: 'solo' });
  assert.deepEqual((await get(bare)).body.user, { name: 'solo', groups: ['system:authenticated'] });
});

test('a client without a certificate reaches the handler with no user and gets a 401 Status', async () => {
  const r = await get(undefined);
  assert.equal(r.body.user, null);
  assert.equal(r.status, 401);
  assert.equal(r.body.status?.reason, 'Unauthorized');
  assert.equal(r.alpn, 'http/1.1', 'server picks HTTP/1.1 over h2');
});

test('a cert from a different CA, or a server cert used as a client cert, is not authenticated', async () => {
  const other = await CertificateAuthority.create();
  const foreign = await other.issueClientCert({ user: 'admin', groups: ['system:masters'] });
  const r = await get(foreign);
  assert.deepEqual(r.body.user, { error: 401 });
  assert.equal(r.status, 401);
  const serverCert = await pki.ca.issueServerCert({ dns: ['evil'], ips: [], commonName: 'admin' });
  const s = await get(serverCert);
  assert.deepEqual(s.body.user, { error: 401 });
  assert.equal(s.status, 401);
});

test('identity holds across keep-alive requests and resumed TLS sessions', async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (let i = 0; i < 3; i++) assert.deepEqual((await get(pki.admin, agent)).body.user, { name: 'admin', groups: ['system:masters', 'system:authenticated'] });
  } finally {
    agent.destroy();
  }
  const resuming = new Agent({ keepAlive: false, maxCachedSessions: 10 });
  try {
    await get(pki.admin, resuming);
    const second = await get(pki.admin, resuming);
    assert.equal(second.reused, true, 'TLS session was resumed');
    assert.deepEqual(second.body.user, { name: 'admin', groups: ['system:masters', 'system:authenticated'] });
  } finally {
    resuming.destroy();
  }
});

test('kubectl with the admin kubeconfig authenticates as admin (server cert verified by Go TLS)', async () => {
  const path = join(dataDir, 'kubeconfig.yaml');
  await writeKubeconfig(path, { server: `https://127.0.0.1:${port}`, caPem: pki.caPem, certPem: pki.admin.certPem, keyPem: pki.admin.keyPem, user: 'admin' });
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dataDir };
  const { stdout } = await promisify(execFile)('kubectl', ['--kubeconfig', path, 'get', '--raw', '/whoami'], { env, timeout: 20_000 });
  assert.deepEqual(JSON.parse(stdout).user, { name: 'admin', groups: ['system:masters', 'system:authenticated'] });
});
