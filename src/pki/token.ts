// Node join token "K10<ca-hash>::server:<secret>": the secret authenticates an agent, the CA hash lets it pin the CA.

import { X509Certificate, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';

export interface JoinToken {
  /** The full token string, as written to <dataDir>/token and passed to `k8ts agent --token`. */
  token: string;
  /** caHashOf(the cluster CA), 64 lowercase hex. */
  caHash: string;
  username: string;
  secret: string;
}

/** A parsed token; `caHash` is absent for the short form (a bare secret), which cannot pin the CA. */
export interface ParsedJoinToken {
  caHash?: string;
  username: string;
  secret: string;
}

const PREFIX = 'K10';
const DEFAULT_USER = 'server';

/**
 * SHA-256 (lowercase hex) over the DER of every certificate in the PEM bundle, concatenated in
 * order. DER, not the PEM text, so line endings or trailing whitespace never change the hash.
 */
export function caHashOf(caPem: string): string {
  const blocks = caPem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  if (!blocks) throw new Error('no certificate in CA PEM');
  const h = createHash('sha256');
  for (const b of blocks) h.update(new X509Certificate(b).raw);
  return h.digest('hex');
}

export function formatJoinToken(t: { caHash: string; username: string; secret: string }): string {
  return `${PREFIX}${t.caHash}::${t.username}:${t.secret}`;
}

/** Accepts "K10<64 hex>::<user>:<secret>" or a bare secret (user "server"). Throws Error if malformed. */
export function parseJoinToken(str: string): ParsedJoinToken {
  const s = str.trim();
  if (s.startsWith(PREFIX) && s.includes('::')) {
    const m = /^K10([0-9a-fA-F]{64})::([^:\s]+):(\S+)$/.exec(s);
    if (!m) throw new Error('malformed join token: expected K10<sha256 hex>::<user>:<secret>');
    return { caHash: m[1]!.toLowerCase(), username: m[2]!, secret: m[3]! };
  }
  if (!s || /[\s:]/.test(s)) throw new Error('malformed join token: empty or contains whitespace or ":"');
  return { username: DEFAULT_USER, secret: s };
}

/** Constant-time check that a presented token carries the expected user and secret (and CA hash, if it has one). */
export function joinTokenMatches(presented: string, expected: JoinToken): boolean {
  let p: ParsedJoinToken;
  try {
    p = parseJoinToken(presented);
  } catch {
    return false;
  }
  if (p.caHash !== undefined && p.caHash !== expected.caHash) return false;
  const a = createHash('sha256').update(`${p.username}:${p.secret}`).digest();
  const b = createHash('sha256').update(`${expected.username}:${expected.secret}`).digest();
  return timingSafeEqual(a, b);
}

/**
 * Returns the cluster's join token, creating `<dataDir>/token` (0600, atomic) if missing. The CA
 * is `caPem` or else `<dataDir>/tls/ca.crt` (so call after loadOrCreateClusterPki). An existing
 * token keeps its user and secret (joined agents keep working); if the CA changed, or the file
 * holds a bare secret, the file is rewritten in full form with the current CA hash.
 */
export async function loadOrCreateJoinToken(dataDir: string, caPem?: string): Promise<JoinToken> {
  const path = join(dataDir, 'token');
  const caHash = caHashOf(caPem ?? (await readFile(join(dataDir, 'tls', 'ca.crt'), 'utf8')));
  let existing: string | undefined;
  try {
    existing = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const parsed = existing !== undefined ? parseJoinToken(existing) : { username: DEFAULT_USER, secret: randomBytes(16).toString('hex') };
  const token = formatJoinToken({ caHash, username: parsed.username, secret: parsed.secret });
  if (existing?.trim() !== token) await writeFileAtomic(path, token + '\n', 0o600);
  else await chmod(path, 0o600);
  return { token, caHash, username: parsed.username, secret: parsed.secret };
}
