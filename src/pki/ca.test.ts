// Tests for the certificate authority: CA shape, issued server/client certs, PEM usable by node:crypto and openssl.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate, createPrivateKey, createSign, createVerify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as x509 from '@peculiar/x509';
import { CertificateAuthority, certCoversSans, keyMatchesCert } from './ca.js';

test('a new CA is a self-signed P-256 CA named k8ts-ca, valid ~10 years', async () => {
  const ca = await CertificateAuthority.create();
  const c = new X509Certificate(ca.certPem);
  assert.equal(c.subject, 'CN=k8ts-ca');
  assert.equal(c.issuer, 'CN=k8ts-ca');
  assert.equal(c.ca, true);
  assert.ok(c.verify(c.publicKey));
  assert.equal(c.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  const years = (new Date(c.validTo).getTime() - Date.now()) / (365 * 86_400_000);
  assert.ok(years > 9.9 && years < 10.1, `validity ${years} years`);
  assert.match(ca.keyPem, /^-----BEGIN PRIVATE KEY-----\n/);
  assert.ok(keyMatchesCert(ca.certPem, ca.keyPem));
});

test('issued server and client certs verify against the CA and carry the requested names', async () => {
  const ca = await CertificateAuthority.create();
  const server = await ca.issueServerCert({ dns: ['localhost', 'kubernetes.default.svc'], ips: ['127.0.0.1', '::1'] });
  const sc = new X509Certificate(server.certPem);
  assert.ok(ca.verifies(server.certPem));
  assert.ok(sc.checkIssued(new X509Certificate(ca.certPem)));
  assert.equal(sc.ca, false);
  assert.ok(certCoversSans(server.certPem, { dns: ['localhost', 'kubernetes.default.svc'], ips: ['127.0.0.1', '0:0:0:0:0:0:0:1'] }));
  assert.ok(!certCoversSans(server.certPem, { dns: ['other'], ips: [] }));
  assert.ok(!certCoversSans(server.certPem, { dns: [], ips: ['10.0.0.1'] }));
  assert.ok(keyMatchesCert(server.certPem, server.keyPem));

  const admin = await ca.issueClientCert({ user: 'admin', groups: ['system:masters'] });
  assert.ok(ca.verifies(admin.certPem));
  assert.equal(new X509Certificate(admin.certPem).subject, 'O=system:masters\nCN=admin');
  const node = await ca.issueClientCert({ user: 'system:node:n1', groups: ['system:nodes'] });
  assert.equal(new X509Certificate(node.certPem).subject, 'O=system:nodes\nCN=system:node:n1');

  // The key PEM is a PKCS#8 key node:crypto signs with, matching the certificate.
  const sig = createSign('sha256').update('x').sign(createPrivateKey(admin.keyPem));
  assert.ok(createVerify('sha256').update('x').verify(new X509Certificate(admin.certPem).publicKey, sig));
  assert.ok(!keyMatchesCert(admin.certPem, server.keyPem));
});

test('a certificate from another CA, or a tampered PEM, does not verify', async () => {
  const ca = await CertificateAuthority.create();
  const other = await CertificateAuthority.create();
  const foreign = await other.issueClientCert({ user: 'admin', groups: ['system:masters'] });
  assert.equal(ca.verifies(foreign.certPem), false);
  assert.equal(ca.verifies('not a pem'), false);
  const own = await ca.issueClientCert({ user: 'u' });
  assert.equal(ca.verifies(own.certPem, new Date(Date.now() + 400 * 86_400_000)), false, 'expired after 365 days');
});

test('loading a CA from PEM round-trips and rejects a mismatched key', async () => {
  const ca = await CertificateAuthority.create();
  const again = await CertificateAuthority.load(ca.certPem, ca.keyPem);
  const c = await again.issueClientCert({ user: 'u', groups: ['g'] });
  assert.ok(ca.verifies(c.certPem));
  const other = await CertificateAuthority.create();
  await assert.rejects(CertificateAuthority.load(ca.certPem, other.keyPem), /does not match/);
  await assert.rejects(CertificateAuthority.load(c.certPem, c.keyPem), /CA:TRUE/);
});

test('names are stored literally (a leading "#" is not hex) and serials are positive and distinct', async () => {
  const ca = await CertificateAuthority.create();
  const a = await ca.issueClientCert({ user: '#abc', groups: ['#00', 'a,b'] });
  const b = await ca.issueClientCert({ user: 'x' });
  const parsed = new x509.X509Certificate(a.certPem).subjectName;
  assert.deepEqual(parsed.getField('CN'), ['#abc']);
  assert.deepEqual(parsed.getField('O'), ['#00', 'a,b']);
  const ac = new X509Certificate(a.certPem);
  assert.notEqual(ac.serialNumber, new X509Certificate(b.certPem).serialNumber);
  assert.ok(parseInt(ac.serialNumber.slice(0, 2), 16) < 0x80);
});

test('openssl verifies the issued chain with the right purposes', async () => {
  const ca = await CertificateAuthority.create();
  const server = await ca.issueServerCert({ dns: ['localhost'], ips: ['127.0.0.1'] });
  const client = await ca.issueClientCert({ user: 'admin', groups: ['system:masters'] });
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-ca-'));
  try {
    writeFileSync(join(dir, 'ca.crt'), ca.certPem);
    writeFileSync(join(dir, 's.crt'), server.certPem);
    writeFileSync(join(dir, 'c.crt'), client.certPem);
    const run = (purpose: string, f: string) =>
      execFileSync('openssl', ['verify', '-purpose', purpose, '-CAfile', join(dir, 'ca.crt'), join(dir, f)], { encoding: 'utf8', stdio: 'pipe' });
    assert.match(run('sslserver', 's.crt'), /OK/);
    assert.match(run('sslclient', 'c.crt'), /OK/);
    assert.throws(() => run('sslclient', 's.crt'));
    assert.throws(() => run('sslserver', 'c.crt'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
