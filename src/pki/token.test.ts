// Tests for the node join token: format, CA pinning hash, persistence and parsing.

import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CertificateAuthority } from './ca.js';
import { loadOrCreateClusterPki } from './cluster-pki.js';
import { caHashOf, joinTokenMatches, loadOrCreateJoinToken, parseJoinToken } from './token.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'k8ts-token-'));
  dirs.push(d);
  return d;
}

test('creates <dataDir>/token (0600) as K10<ca hash>::server:<32 hex> and reuses it', async () => {
  const data = tempDir();
  const pki = await loadOrCreateClusterPki(data);
  const t = await loadOrCreateJoinToken(data);
  assert.match(t.token, /^K10[0-9a-f]{64}::server:[0-9a-f]{32}$/);
  assert.equal(t.caHash, createHash('sha256').update(new X509Certificate(pki.caPem).raw).digest('hex'));
  assert.equal(t.caHash, caHashOf(pki.caPem.replace(/\n/g, '\r\n')), 'hash is over DER, not PEM text');
  assert.equal(t.username, 'server');
  const path = join(data, 'token');
  assert.equal(readFileSync(path, 'utf8'), t.token + '\n');
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.deepEqual(await loadOrCreateJoinToken(data), t);
  assert.deepEqual(parseJoinToken(t.token), { caHash: t.caHash, username: 'server', secret: t.secret });
});

test('a changed CA keeps the secret and updates the hash; a bare secret is upgraded', async () => {
  const data = tempDir();
  const ca1 = await CertificateAuthority.create();
  const ca2 = await CertificateAuthority.create();
  const t1 = await loadOrCreateJoinToken(data, ca1.certPem);
  const t2 = await loadOrCreateJoinToken(data, ca2.certPem);
  assert.equal(t2.secret, t1.secret);
  assert.notEqual(t2.caHash, t1.caHash);
  writeFileSync(join(data, 'token'), 'mysecret\n');
  const t3 = await loadOrCreateJoinToken(data, ca1.certPem);
  assert.equal(t3.token, `K10${caHashOf(ca1.certPem)}::server:mysecret`);
});

test('parseJoinToken accepts the full and short forms and rejects garbage', () => {
  const h = 'ab'.repeat(32);
  assert.deepEqual(parseJoinToken(`K10${h.toUpperCase()}::node:s3cret\n`), { caHash: h, username: 'node', secret: 's3cret' });
  assert.deepEqual(parseJoinToken('s3cret'), { username: 'server', secret: 's3cret' });
  assert.throws(() => parseJoinToken('K10abc::server:x'), /malformed/);
  assert.throws(() => parseJoinToken(`K10${h}::server:`), /malformed/);
  assert.throws(() => parseJoinToken(''), /malformed/);
  assert.throws(() => parseJoinToken('a b'), /malformed/);
});

test('joinTokenMatches checks the secret and, when present, the CA hash', async () => {
  const data = tempDir();
  const ca = await CertificateAuthority.create();
  const t = await loadOrCreateJoinToken(data, ca.certPem);
  assert.ok(joinTokenMatches(t.token, t));
  assert.ok(joinTokenMatches(t.secret, t));
  assert.ok(!joinTokenMatches(t.token.slice(0, -1) + (t.token.endsWith('0') ? '1' : '0'), t));
  assert.ok(!joinTokenMatches(`K10${'0'.repeat(64)}::server:${t.secret}`, t));
  assert.ok(!joinTokenMatches('garbage token', t));
});
