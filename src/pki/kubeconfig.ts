// kubeconfig files: write a single-context kubeconfig with inline credentials; read the current context back.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { writeFileAtomic } from './atomic-write.js';

export interface KubeconfigSpec {
  /** e.g. https://127.0.0.1:6443 */
  server: string;
  caPem: string;
  /** Client certificate + PKCS#8 key (PEM); either these or `token`. */
  certPem?: string;
  keyPem?: string;
  token?: string;
  /** Name of the users[] entry (kubectl shows it), e.g. "admin". */
  user: string;
  /** Default "k8ts". */
  cluster?: string;
  /** Default "k8ts". */
  context?: string;
  namespace?: string;
}

/** What a client needs from the selected context. PEM strings; files named in the kubeconfig are read. */
export interface KubeconfigCredentials {
  server: string;
  ca?: string;
  cert?: string;
  key?: string;
  token?: string;
  /** The context's namespace, "default" if unset. */
  namespace: string;
  insecureSkipTlsVerify: boolean;
  context: string;
  cluster: string;
  user: string;
}

/**
 * Writes a standard kubeconfig (apiVersion v1, kind Config) with one cluster, user and context,
 * credentials inline as base64 *-data fields, current-context set. Replaces `path` atomically, mode 0600.
 */
export async function writeKubeconfig(path: string, spec: KubeconfigSpec): Promise<void> {
  const cluster = spec.cluster ?? 'k8ts';
  const context = spec.context ?? 'k8ts';
  const user: Record<string, string> = {};
  if (spec.certPem !== undefined) user['client-certificate-data'] = b64(spec.certPem);
  if (spec.keyPem !== undefined) user['client-key-data'] = b64(spec.keyPem);
  if (spec.token !== undefined) user['token'] = spec.token;
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: cluster, cluster: { server: spec.server, 'certificate-authority-data': b64(spec.caPem) } }],
    users: [{ name: spec.user, user }],
    contexts: [{ name: context, context: { cluster, user: spec.user, ...(spec.namespace ? { namespace: spec.namespace } : {}) } }],
    'current-context': context,
    preferences: {},
  };
  await writeFileAtomic(path, stringify(doc, { lineWidth: 0 }), 0o600);
}

/**
 * Reads one kubeconfig file (no KUBECONFIG merging) and resolves `opts.context` or else
 * current-context. Relative file references (certificate-authority, client-certificate,
 * client-key, tokenFile) are relative to the kubeconfig's directory, as in client-go. *-data wins
 * over the file form. Throws Error with a readable message on a missing context/cluster/user.
 */
export async function readKubeconfig(path: string, opts: { context?: string } = {}): Promise<KubeconfigCredentials> {
  const doc = (parse(await readFile(path, 'utf8')) ?? {}) as RawKubeconfig;
  const contextName = opts.context ?? doc['current-context'];
  if (!contextName) throw new Error(`${path}: no current-context set`);
  const ctx = named(doc.contexts, contextName)?.context;
  if (!ctx) throw new Error(`${path}: context "${contextName}" not found`);
  const clusterName = ctx.cluster ?? '';
  const cluster = named(doc.clusters, clusterName)?.cluster;
  if (!cluster?.server) throw new Error(`${path}: cluster "${clusterName}" not found or has no server`);
  const userName = ctx.user ?? '';
  const user = (userName ? named(doc.users, userName)?.user : undefined) ?? {};
  const base = dirname(resolve(path));
  const token = user.token ?? (user.tokenFile ? (await readRelative(base, user.tokenFile)).trim() : undefined);
  return {
    server: cluster.server,
    ca: await dataOrFile(base, cluster['certificate-authority-data'], cluster['certificate-authority']),
    cert: await dataOrFile(base, user['client-certificate-data'], user['client-certificate']),
    key: await dataOrFile(base, user['client-key-data'], user['client-key']),
    ...(token !== undefined ? { token } : {}),
    namespace: ctx.namespace || 'default',
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
    context: contextName,
    cluster: clusterName,
    user: userName,
  };
}

/**
 * Which kubeconfig file a client uses: `explicit` (--kubeconfig), else the first existing entry of
 * KUBECONFIG (a path-delimiter separated list; the rest are ignored, not merged), else ~/.kube/config.
 */
export function resolveKubeconfigPath(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) return explicit;
  const list = (env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
  if (list.length) return list.find((p) => existsSync(p)) ?? list[0]!;
  return join(env.HOME || homedir(), '.kube', 'config');
}

interface RawKubeconfig {
  'current-context'?: string;
  clusters?: { name: string; cluster?: RawCluster }[];
  users?: { name: string; user?: RawUser }[];
  contexts?: { name: string; context?: { cluster?: string; user?: string; namespace?: string } }[];
}
interface RawCluster {
  server?: string;
  'certificate-authority'?: string;
  'certificate-authority-data'?: string;
  'insecure-skip-tls-verify'?: boolean;
}
interface RawUser {
  'client-certificate'?: string;
  'client-certificate-data'?: string;
  'client-key'?: string;
  'client-key-data'?: string;
  token?: string;
  tokenFile?: string;
}

function named<T extends { name: string }>(list: T[] | undefined, name: string): T | undefined {
  return (list ?? []).find((e) => e?.name === name);
}

async function dataOrFile(base: string, data: string | undefined, file: string | undefined): Promise<string | undefined> {
  if (data) return Buffer.from(data, 'base64').toString('utf8');
  if (file) return readRelative(base, file);
  return undefined;
}

function readRelative(base: string, file: string): Promise<string> {
  return readFile(isAbsolute(file) ? file : join(base, file), 'utf8');
}

function b64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}
