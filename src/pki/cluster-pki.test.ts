// Tests for the on-disk cluster PKI: files and modes, reuse on reload, server cert re-issue on new SANs.

import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync, chmodSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { SignJWT, importPKCS8, importSPKI, jwtVerify } from 'jose';
import { certCoversSans, keyMatchesCert } from './ca.js';
import { DEFAULT_SERVER_SANS, loadOrCreateClusterPki } from './cluster-pki.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'k8ts-pki-'));
  dirs.push(d);
  return d;
}
const mode = (p: string) => statSync(p).mode & 0o777;

test('creates tls/ with every file, keys 0600 and the dir 0700', async () => {
  const data = tempDir();
  const pki = await loadOrCreateClusterPki(data, { serverSans: { dns: ['node1.local'], ips: ['192.0.2.10'] } });
  const tls = join(data, 'tls');
  assert.equal(pki.dir, tls);
  assert.equal(mode(tls), 0o700);
  assert.deepEqual(readdirSync(tls).sort(), ['admin.crt', 'admin.key', 'ca.crt', 'ca.key', 'sa.key', 'sa.pub', 'server.crt', 'server.key']);
  for (const k of ['ca.key', 'server.key', 'admin.key', 'sa.key']) assert.equal(mode(join(tls, k)), 0o600, k);
  assert.equal(readFileSync(join(tls, 'ca.crt'), 'utf8'), pki.caPem);
  assert.ok(pki.ca.verifies(pki.server.certPem));
  assert.ok(pki.ca.verifies(pki.admin.certPem));
  assert.ok(certCoversSans(pki.server.certPem, { dns: [...DEFAULT_SERVER_SANS.dns, 'node1.local'], ips: [...DEFAULT_SERVER_SANS.ips, '192.0.2.10'] }));
  assert.equal(new X509Certificate(pki.admin.certPem).subject, 'O=system:masters\nCN=admin');
  assert.ok(keyMatchesCert(pki.admin.certPem, pki.admin.keyPem));
});

test('the service-account key pair signs and verifies ES256 JWTs', async () => {
  const pki = await loadOrCreateClusterPki(tempDir());
  const priv = await importPKCS8(pki.serviceAccount.privateKeyPem, 'ES256');
  const pub = await importSPKI(pki.serviceAccount.publicKeyPem, 'ES256');
  const jwt = await new SignJWT({ sub: 'system:serviceaccount:default:default' }).setProtectedHeader({ alg: 'ES256' }).sign(priv);
  const { payload } = await jwtVerify(jwt, pub);
  assert.equal(payload.sub, 'system:serviceaccount:default:default');
});

test('reload reuses the CA and every still-good file byte for byte', async () => {
  const data = tempDir();
  const a = await loadOrCreateClusterPki(data, { serverSans: { dns: [], ips: ['192.0.2.10'] } });
  const tls = join(data, 'tls');
  const before = Object.fromEntries(readdirSync(tls).map((f) => [f, readFileSync(join(tls, f), 'utf8')]));
  const b = await loadOrCreateClusterPki(data, { serverSans: { dns: [], ips: ['192.0.2.10'] } });
  const afterFiles = Object.fromEntries(readdirSync(tls).map((f) => [f, readFileSync(join(tls, f), 'utf8')]));
  assert.deepEqual(afterFiles, before);
  assert.equal(b.caPem, a.caPem);
  assert.deepEqual(b.server, a.server);
  assert.deepEqual(b.admin, a.admin);
  assert.deepEqual(b.serviceAccount, a.serviceAccount);
});

test('a new SAN re-issues only the server cert, under the same CA', async () => {
  const data = tempDir();
  const a = await loadOrCreateClusterPki(data);
  const b = await loadOrCreateClusterPki(data, { serverSans: { dns: ['extra.example'], ips: ['192.0.2.20'] } });
  assert.equal(b.caPem, a.caPem);
  assert.notEqual(b.server.certPem, a.server.certPem);
  assert.ok(certCoversSans(b.server.certPem, { dns: ['extra.example', 'kubernetes.default.svc.cluster.local'], ips: ['192.0.2.20', '10.96.0.1'] }));
  assert.deepEqual(b.admin, a.admin);
  // A subset of what is covered does not re-issue.
  const c = await loadOrCreateClusterPki(data);
  assert.equal(c.server.certPem, b.server.certPem);
});

test('broken or foreign leaf files are replaced; the CA never is', async () => {
  const data = tempDir();
  const tls = join(data, 'tls');
  const a = await loadOrCreateClusterPki(data);
  // Mismatched admin key (e.g. a crash between key and cert writes), a deleted server key.
  writeFileSync(join(tls, 'admin.key'), a.server.keyPem);
  unlinkSync(join(tls, 'server.key'));
  chmodSync(join(tls, 'ca.key'), 0o644);
  chmodSync(tls, 0o755);
  const b = await loadOrCreateClusterPki(data);
  assert.equal(b.caPem, a.caPem);
  assert.ok(keyMatchesCert(b.admin.certPem, b.admin.keyPem));
  assert.ok(keyMatchesCert(b.server.certPem, b.server.keyPem));
  assert.equal(mode(join(tls, 'ca.key')), 0o600);
  assert.equal(mode(tls), 0o700);
  // sa.pub is derived from sa.key when missing.
  unlinkSync(join(tls, 'sa.pub'));
  const c = await loadOrCreateClusterPki(data);
  assert.deepEqual(c.serviceAccount, a.serviceAccount);
  // ca.crt without ca.key is refused rather than silently replaced.
  unlinkSync(join(tls, 'ca.key'));
  await assert.rejects(loadOrCreateClusterPki(data), /refusing to replace the cluster CA/);
});

test('a bad IP SAN is rejected', async () => {
  await assert.rejects(loadOrCreateClusterPki(tempDir(), { serverSans: { ips: ['not-an-ip'] } }), /not an IP/);
});
