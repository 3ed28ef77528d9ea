// The cluster's on-disk PKI under <dataDir>/tls: CA, API server cert, admin client cert, service-account key pair.

import { chmod, mkdir, readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { CertificateAuthority, certCoversSans, certNotAfter, generateKeyPairPem, keyMatchesCert, publicKeyPemOf, type CertAndKey, type SanSet } from './ca.js';

/** SANs every API server certificate carries: the names in-cluster clients and local users dial. */
export const DEFAULT_SERVER_SANS: Readonly<SanSet> = Object.freeze({
  dns: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'],
  ips: ['127.0.0.1', '10.96.0.1'],
});

/** The admin identity written to the admin kubeconfig. */
export const ADMIN_USER = 'admin';
export const ADMIN_GROUPS: readonly string[] = ['system:masters'];

/** Leaf certificates (server, admin) are valid 365 days and re-issued at load when fewer than this many remain. */
const RENEW_BEFORE_DAYS = 90;

export interface ClusterPki {
  /** `<dataDir>/tls` */
  dir: string;
  ca: CertificateAuthority;
  /** The CA certificate PEM: clients' trust anchor and the x509 authenticator's client CA. */
  caPem: string;
  /** API server serving certificate, covering `serverSans`. */
  server: CertAndKey;
  /** Every SAN the server certificate was checked against (defaults + the caller's). */
  serverSans: SanSet;
  /** CN=admin, O=system:masters client certificate. */
  admin: CertAndKey;
  /** ECDSA P-256 key pair for signing service-account tokens (ES256): PKCS#8 and SPKI PEM. */
  serviceAccount: { privateKeyPem: string; publicKeyPem: string };
}

export interface ClusterPkiOptions {
  /** Extra SANs for the server certificate, added to DEFAULT_SERVER_SANS. */
  serverSans?: Partial<SanSet>;
}

/**
 * Loads `<dataDir>/tls`, creating whatever is missing. Idempotent: on restart the same CA, and
 * whatever certificates are still good, are reused, so existing kubeconfigs and joined nodes keep working.
 * The server cert is re-issued when it does not cover every requested SAN, was not signed by the
 * CA, does not match its key, or nears expiry; likewise the admin cert. A ca.crt without its
 * ca.key is an error (re-creating the CA would silently break every client). Not safe to call
 * concurrently on the same dataDir from two processes (each write is atomic, the set is not).
 * Files: ca.crt ca.key server.crt server.key admin.crt admin.key sa.key sa.pub; keys 0600, dir 0700.
 */
export async function loadOrCreateClusterPki(dataDir: string, opts: ClusterPkiOptions = {}): Promise<ClusterPki> {
  const dir = join(dataDir, 'tls');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const path = (name: string) => join(dir, name);

  const ca = await loadOrCreateCa(path('ca.crt'), path('ca.key'));

  const serverSans: SanSet = {
    dns: uniq([...DEFAULT_SERVER_SANS.dns, ...(opts.serverSans?.dns ?? [])]),
    ips: uniq([...DEFAULT_SERVER_SANS.ips, ...(opts.serverSans?.ips ?? [])]),
  };
  for (const ip of serverSans.ips) if (!isIP(ip)) throw new Error(`server SAN is not an IP address: ${ip}`);

  const server = await loadOrIssueLeaf(ca, path('server.crt'), path('server.key'), (c) => certCoversSans(c, serverSans), () =>
    ca.issueServerCert({ commonName: 'kube-apiserver', dns: serverSans.dns, ips: serverSans.ips }),
  );
  const admin = await loadOrIssueLeaf(ca, path('admin.crt'), path('admin.key'), () => true, () =>
    ca.issueClientCert({ user: ADMIN_USER, groups: [...ADMIN_GROUPS] }),
  );
  const serviceAccount = await loadOrCreateSaKeys(path('sa.key'), path('sa.pub'));

  return { dir, ca, caPem: ca.certPem, server, serverSans, admin, serviceAccount };
}

async function loadOrCreateCa(certPath: string, keyPath: string): Promise<CertificateAuthority> {
  const certPem = await readOptional(certPath);
  if (certPem !== undefined) {
    const keyPem = await readOptional(keyPath);
    if (keyPem === undefined) throw new Error(`${certPath} exists but ${keyPath} does not: refusing to replace the cluster CA`);
    await chmod(keyPath, 0o600);
    return CertificateAuthority.load(certPem, keyPem);
  }
  // No ca.crt: nothing can trust this CA yet, so a stray ca.key (crash mid-creation) is overwritten.
  const ca = await CertificateAuthority.create();
  await writeFileAtomic(keyPath, ca.keyPem, 0o600);
  await writeFileAtomic(certPath, ca.certPem, 0o644);
  return ca;
}

async function loadOrIssueLeaf(
  ca: CertificateAuthority,
  certPath: string,
  keyPath: string,
  stillFits: (certPem: string) => boolean,
  issue: () => Promise<CertAndKey>,
): Promise<CertAndKey> {
  const certPem = await readOptional(certPath);
  const keyPem = await readOptional(keyPath);
  if (certPem !== undefined && keyPem !== undefined) {
    const renewAt = new Date(Date.now() + RENEW_BEFORE_DAYS * 86_400_000);
    if (ca.verifies(certPem) && keyMatchesCert(certPem, keyPem) && certNotAfter(certPem) > renewAt && stillFits(certPem)) {
      await chmod(keyPath, 0o600);
      return { certPem, keyPem };
    }
  }
  const fresh = await issue();
  // Key first: a crash between the two writes leaves a mismatched pair, which the next load re-issues.
  await writeFileAtomic(keyPath, fresh.keyPem, 0o600);
  await writeFileAtomic(certPath, fresh.certPem, 0o644);
  return fresh;
}

async function loadOrCreateSaKeys(keyPath: string, pubPath: string): Promise<{ privateKeyPem: string; publicKeyPem: string }> {
  const privateKeyPem = await readOptional(keyPath);
  if (privateKeyPem !== undefined) {
    // The private key is the source of truth (tokens already issued were signed with it); sa.pub is derived.
    await chmod(keyPath, 0o600);
    const publicKeyPem = publicKeyPemOf(privateKeyPem);
    if ((await readOptional(pubPath)) !== publicKeyPem) await writeFileAtomic(pubPath, publicKeyPem, 0o644);
    return { privateKeyPem, publicKeyPem };
  }
  const pair = await generateKeyPairPem();
  await writeFileAtomic(keyPath, pair.privateKeyPem, 0o600);
  await writeFileAtomic(pubPath, pair.publicKeyPem, 0o644);
  return pair;
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function uniq(xs: string[]): string[] {
  return [...new Set(xs)];
}
