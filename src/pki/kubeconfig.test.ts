// Tests for kubeconfig files: round trip, mode, readable by the real kubectl, path resolution.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { CertificateAuthority } from './ca.js';
import { readKubeconfig, resolveKubeconfigPath, writeKubeconfig } from './kubeconfig.js';

const run = promisify(execFile);
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'k8ts-kubeconfig-'));
  dirs.push(d);
  return d;
}

async function fixture() {
  const ca = await CertificateAuthority.create();
  const admin = await ca.issueClientCert({ user: 'admin', groups: ['system:masters'] });
  return { ca, admin };
}

test('writeKubeconfig round-trips through readKubeconfig, mode 0600', async () => {
  const { ca, admin } = await fixture();
  const path = join(tempDir(), 'sub', 'kubeconfig.yaml');
  await writeKubeconfig(path, { server: 'https://127.0.0.1:6443', caPem: ca.certPem, certPem: admin.certPem, keyPem: admin.keyPem, user: 'admin' });
  assert.equal(statSync(path).mode & 0o777, 0o600);
  const kc = await readKubeconfig(path);
  assert.deepEqual(kc, {
    server: 'https://127.0.0.1:6443',
    ca: ca.certPem,
    cert: admin.certPem,
    key: admin.keyPem,
    namespace: 'default',
    insecureSkipTlsVerify: false,
    context: 'k8ts',
    cluster: 'k8ts',
    user: 'admin',
  });
  // Overwrite with a token user and a namespace.
  await writeKubeconfig(path, { server: 'https://127.0.0.1:7443', caPem: ca.certPem, token: 'abc.def', user: 'bot', namespace: 'kube-system' });
  const t = await readKubeconfig(path);
  assert.equal(t.token, 'abc.def');
  assert.equal(t.namespace, 'kube-system');
  assert.equal(t.cert, undefined);
});

test('the real kubectl reads the kubeconfig', async () => {
  const { ca, admin } = await fixture();
  const home = tempDir();
  const path = join(home, 'kubeconfig.yaml');
  await writeKubeconfig(path, { server: 'https://127.0.0.1:6443', caPem: ca.certPem, certPem: admin.certPem, keyPem: admin.keyPem, user: 'admin' });
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home };
  const q = async (jsonpath: string) => (await run('kubectl', ['config', 'view', '--kubeconfig', path, '--raw', '-o', `jsonpath=${jsonpath}`], { env })).stdout;
  assert.equal(await q('{.users[0].name}'), 'admin');
  assert.equal(await q('{.current-context}'), 'k8ts');
  assert.equal(await q('{.clusters[0].cluster.server}'), 'https://127.0.0.1:6443');
  assert.equal(Buffer.from(await q('{.users[0].user.client-key-data}'), 'base64').toString(), admin.keyPem);
  assert.equal(Buffer.from(await q('{.clusters[0].cluster.certificate-authority-data}'), 'base64').toString(), ca.certPem);
});

test('readKubeconfig follows file references relative to the kubeconfig and honours --context', async () => {
  const { ca, admin } = await fixture();
  const dir = tempDir();
  writeFileSync(join(dir, 'ca.crt'), ca.certPem);
  writeFileSync(join(dir, 'admin.crt'), admin.certPem);
  writeFileSync(join(dir, 'admin.key'), admin.keyPem);
  writeFileSync(join(dir, 'tok'), 'secret-token\n');
  const path = join(dir, 'config');
  writeFileSync(
    path,
    `apiVersion: v1
kind: Config
current-context: a
clusters:
- name: c1
  cluster: {server: "https://127.0.0.1:1", certificate-authority: ca.crt}
- name: c2
  cluster: {server: "https://127.0.0.1:2", insecure-skip-tls-verify: true}
users:
- name: u1
  user: {client-certificate: admin.crt, client-key: ${join(dir, 'admin.key')}}
- name: u2
  user: {tokenFile: tok}
contexts:
- name: a
  context: {cluster: c1, user: u1, namespace: ns1}
- name: b
  context: {cluster: c2, user: u2}
`,
  );
  const a = await readKubeconfig(path);
  assert.equal(a.server, 'https://127.0.0.1:1');
  assert.equal(a.ca, ca.certPem);
  assert.equal(a.cert, admin.certPem);
  assert.equal(a.key, admin.keyPem);
  assert.equal(a.namespace, 'ns1');
  const b = await readKubeconfig(path, { context: 'b' });
  assert.equal(b.token, 'secret-token');
  assert.equal(b.insecureSkipTlsVerify, true);
  assert.equal(b.ca, undefined);
  await assert.rejects(readKubeconfig(path, { context: 'nope' }), /context "nope" not found/);
});

test('resolveKubeconfigPath: explicit, then the first existing KUBECONFIG entry, then ~/.kube/config', async () => {
  const dir = tempDir();
  const exists = join(dir, 'exists');
  writeFileSync(exists, '');
  assert.equal(resolveKubeconfigPath('/x/explicit', { KUBECONFIG: exists }), '/x/explicit');
  assert.equal(resolveKubeconfigPath(undefined, { KUBECONFIG: `${join(dir, 'missing')}:${exists}` }), exists);
  assert.equal(resolveKubeconfigPath(undefined, { KUBECONFIG: join(dir, 'missing') }), join(dir, 'missing'));
  assert.equal(resolveKubeconfigPath(undefined, { HOME: '/home/u' }), '/home/u/.kube/config');
});
