// Certificate authority: a self-signed ECDSA P-256 CA that issues server and client certificates as PEM.

import * as x509 from '@peculiar/x509';
import { X509Certificate as NodeX509Certificate, createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';

x509.cryptoProvider.set(globalThis.crypto);

const EC_KEY = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const EC_SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;
/** Certificates start a little in the past so small clock skew between machines does not reject fresh ones. */
const BACKDATE_MS = 5 * 60_000;

/** A certificate and its private key, both PEM: CERTIFICATE and PKCS#8 PRIVATE KEY (what node:tls takes as cert/key). */
export interface CertAndKey {
  certPem: string;
  keyPem: string;
}

export type CertUsage = 'serverAuth' | 'clientAuth';

export interface IssueOptions {
  /** Subject CN: the user name for client certs. */
  commonName: string;
  /** Subject O values, one RDN each, in order: the groups for client certs. */
  organizations?: string[];
  usages: CertUsage[];
  /** subjectAltName entries; required for server certs (clients match SANs, not the CN). */
  dns?: string[];
  ips?: string[];
  /** Default 365. */
  validityDays?: number;
}

export interface SanSet {
  dns: string[];
  ips: string[];
}

/**
 * An ECDSA P-256 CA. Immutable once created/loaded; `issue*` may be called concurrently.
 * Every issued certificate gets a fresh P-256 key, a random positive 127-bit serial and AKI = the CA's SKI.
 */
export class CertificateAuthority {
  private constructor(
    /** The CA certificate as PEM (what clients put in their trust store). */
    readonly certPem: string,
    /** The CA private key, PKCS#8 PEM. */
    readonly keyPem: string,
    private readonly cert: x509.X509Certificate,
    private readonly signingKey: CryptoKey,
  ) {}

  /** Generates a new self-signed CA: CN "k8ts-ca", 10 years, keyCertSign|cRLSign, basicConstraints CA (critical). */
  static async create(opts: { commonName?: string; validityDays?: number } = {}): Promise<CertificateAuthority> {
    const keys = (await crypto.subtle.generateKey(EC_KEY, true, ['sign', 'verify'])) as CryptoKeyPair;
    const now = Date.now();
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: randomSerial(),
      name: nameOf(opts.commonName ?? 'k8ts-ca', []),
      notBefore: new Date(now - BACKDATE_MS),
      notAfter: new Date(now + (opts.validityDays ?? 3650) * DAY_MS),
      signingAlgorithm: EC_SIGN,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    return new CertificateAuthority(cert.toString('pem') + '\n', await exportKeyPem(keys.privateKey), cert, keys.privateKey);
  }

  /** Loads a CA from PEM. Throws if the certificate is not a CA or the key does not belong to it. */
  static async load(certPem: string, keyPem: string): Promise<CertificateAuthority> {
    const nodeCert = new NodeX509Certificate(certPem);
    if (!nodeCert.ca) throw new Error('CA certificate does not have basicConstraints CA:TRUE');
    if (!keyMatchesCert(certPem, keyPem)) throw new Error('CA private key does not match the CA certificate');
    const cert = new x509.X509Certificate(certPem);
    const signingKey = await importKeyPem(keyPem);
    return new CertificateAuthority(certPem, keyPem, cert, signingKey);
  }

  /** Issues a leaf certificate (basicConstraints CA:FALSE, keyUsage digitalSignature, the given extKeyUsages and SANs). */
  async issue(opts: IssueOptions): Promise<CertAndKey> {
    if (opts.usages.length === 0) throw new Error('a certificate needs at least one usage');
    const keys = (await crypto.subtle.generateKey(EC_KEY, true, ['sign', 'verify'])) as CryptoKeyPair;
    const now = Date.now();
    const caNotAfter = this.cert.notAfter.getTime();
    const extensions: x509.Extension[] = [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension(
        opts.usages.map((u) => x509.ExtendedKeyUsage[u]),
        false,
      ),
      await x509.AuthorityKeyIdentifierExtension.create(this.cert),
    ];
    const names: x509.JsonGeneralName[] = [
      ...(opts.dns ?? []).map((value) => ({ type: 'dns' as const, value })),
      ...(opts.ips ?? []).map((value) => {
        if (!isIP(value)) throw new Error(`not an IP address: ${value}`);
        return { type: 'ip' as const, value };
      }),
    ];
    if (names.length) extensions.push(new x509.SubjectAlternativeNameExtension(names, false));
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: randomSerial(),
      subject: nameOf(opts.commonName, opts.organizations ?? []),
      issuer: this.cert.subjectName,
      notBefore: new Date(now - BACKDATE_MS),
      // Never outlive the CA: verifiers would reject the tail anyway.
      notAfter: new Date(Math.min(now + (opts.validityDays ?? 365) * DAY_MS, caNotAfter)),
      signingAlgorithm: EC_SIGN,
      publicKey: keys.publicKey,
      signingKey: this.signingKey,
      extensions,
    });
    return { certPem: cert.toString('pem') + '\n', keyPem: await exportKeyPem(keys.privateKey) };
  }

  /** A TLS server certificate (serverAuth) for the given DNS names and IPs; CN = the first DNS name (or IP). */
  issueServerCert(opts: { dns: string[]; ips: string[]; commonName?: string; validityDays?: number }): Promise<CertAndKey> {
    const commonName = opts.commonName ?? opts.dns[0] ?? opts.ips[0] ?? 'k8ts';
    return this.issue({ commonName, usages: ['serverAuth'], dns: opts.dns, ips: opts.ips, validityDays: opts.validityDays });
  }

  /** A client certificate (clientAuth): CN = user, O = groups, as the x509 authenticator reads them. */
  issueClientCert(opts: { user: string; groups?: string[]; validityDays?: number }): Promise<CertAndKey> {
    return this.issue({ commonName: opts.user, organizations: opts.groups ?? [], usages: ['clientAuth'], validityDays: opts.validityDays });
  }

  /** True iff `certPem` was signed by this CA and `at` lies within its validity period. Never throws on bad PEM. */
  verifies(certPem: string, at: Date = new Date()): boolean {
    try {
      const ca = new NodeX509Certificate(this.certPem);
      const c = new NodeX509Certificate(certPem);
      if (!c.checkIssued(ca) || !c.verify(ca.publicKey)) return false;
      const t = at.getTime();
      return new Date(c.validFrom).getTime() <= t && t <= new Date(c.validTo).getTime();
    } catch {
      return false;
    }
  }
}

/** True iff the PKCS#8 (or other PEM) private key is the one whose public key `certPem` carries. */
export function keyMatchesCert(certPem: string, keyPem: string): boolean {
  try {
    const certSpki = new NodeX509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
    const keySpki = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
    return certSpki.equals(keySpki);
  } catch {
    return false;
  }
}

/** True iff the certificate's subjectAltName covers every requested DNS name and IP (CN is not considered). */
export function certCoversSans(certPem: string, sans: SanSet): boolean {
  const c = new NodeX509Certificate(certPem);
  return (
    sans.dns.every((d) => c.checkHost(d, { subject: 'never', wildcards: false }) !== undefined) &&
    sans.ips.every((ip) => c.checkIP(ip) !== undefined)
  );
}

/** The certificate's notAfter. */
export function certNotAfter(certPem: string): Date {
  return new Date(new NodeX509Certificate(certPem).validTo);
}

/** Generates a bare ECDSA P-256 key pair as PEM (PKCS#8 private, SPKI public), e.g. for signing service-account tokens. */
export async function generateKeyPairPem(): Promise<{ privateKeyPem: string; publicKeyPem: string }> {
  const keys = (await crypto.subtle.generateKey(EC_KEY, true, ['sign', 'verify'])) as CryptoKeyPair;
  const privateKeyPem = await exportKeyPem(keys.privateKey);
  return { privateKeyPem, publicKeyPem: publicKeyPemOf(privateKeyPem) };
}

/** The SPKI PEM of a private key's public half, in node:crypto's canonical formatting. */
export function publicKeyPemOf(privateKeyPem: string): string {
  return createPublicKey(createPrivateKey(privateKeyPem)).export({ type: 'spki', format: 'pem' }).toString();
}

async function exportKeyPem(key: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await crypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY') + '\n';
}

async function importKeyPem(keyPem: string): Promise<CryptoKey> {
  // Normalise through node:crypto so SEC1 "EC PRIVATE KEY" files are accepted too.
  const der = createPrivateKey(keyPem).export({ type: 'pkcs8', format: 'der' });
  return crypto.subtle.importKey('pkcs8', der, EC_KEY, false, ['sign']);
}

/** 16 random bytes with the top bits 01: positive, minimally DER-encoded, never zero (RFC 5280 §4.1.2.2). */
function randomSerial(): string {
  const b = randomBytes(16);
  b[0] = (b[0]! & 0x3f) | 0x40;
  return b.toString('hex');
}

/** UTF8String values always: the JSON form would otherwise treat a leading "#" as hex-encoded DER. */
function nameOf(commonName: string, organizations: string[]): x509.Name {
  return new x509.Name([...organizations.map((o) => ({ O: [{ utf8String: o }] })), { CN: [{ utf8String: commonName }] }]);
}
