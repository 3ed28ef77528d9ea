// Starts a real `k8ts server --disable-agent` (bin/k8ts) in a temp data dir for e2e tests; stops it by PID.

import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { request } from 'node:https';

export const REPO = resolve(import.meta.dirname, '../../..');
export const K8TS = join(REPO, 'bin/k8ts');

export interface TestServer {
  dataDir: string;
  kubeconfig: string;
  url: string;
  proc: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** kill -9 without cleanup (the data dir is kept) */
  kill(): Promise<void>;
}

export interface StartOptions {
  datastore?: string;
  dataDir?: string;
  extraArgs?: string[];
  keepDataDir?: boolean;
}

export async function startServer(opts: StartOptions = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'k8ts-test-'));
  const args = ['server', '--disable-agent', '--data-dir', dataDir, '--https-port', '0'];
  if (opts.datastore) args.push('--datastore-endpoint', opts.datastore);
  args.push(...(opts.extraArgs ?? []));
  const proc = spawn(process.execPath, [K8TS, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const deadline = Date.now() + 30_000;
  while (!/k8ts server ready at (\S+):/.test(out)) {
    if (proc.exitCode !== null) throw new Error(`k8ts server exited early (${proc.exitCode}):\n${out}`);
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`k8ts server did not get ready in 30 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const url = /k8ts server ready at (\S+):/.exec(out)![1];
  const cleanup = () => {
    if (!opts.keepDataDir && !opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  return {
    dataDir,
    kubeconfig: join(dataDir, 'kubeconfig.yaml'),
    url,
    proc,
    output: () => out,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (proc.exitCode === null) proc.kill(signal);
      const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(t);
      cleanup();
      return code;
    },
    async kill() {
      if (proc.exitCode === null) proc.kill('SIGKILL');
      await exited;
    },
  };
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real kubectl against the server (input on stdin if given). */
export function kubectl(server: TestServer, args: string[], input?: string): RunResult {
  const r = spawnSync('kubectl', ['--kubeconfig', server.kubeconfig, ...args], { input, encoding: 'utf8', timeout: 60_000, env: { ...process.env, HOME: server.dataDir, KUBECACHEDIR: join(server.dataDir, 'kube-cache') } });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** kubectl that must succeed; returns stdout. */
export function kubectlOk(server: TestServer, args: string[], input?: string): string {
  const r = kubectl(server, args, input);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}):\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json(): any;
}

/** A raw HTTPS request, with the admin client certificate unless `anonymous`. */
export function raw(server: TestServer, method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}, anonymous = false): Promise<RawResponse> {
  const tls = join(server.dataDir, 'tls');
  const u = new URL(server.url);
  return new Promise((resolveReq, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: Number(u.port),
        method,
        path,
        // one connection per request: a server may close a kept-alive connection after refusing a body it did not read
        agent: false,
        ca: readFileSync(join(tls, 'ca.crt')),
        cert: anonymous ? undefined : readFileSync(join(tls, 'admin.crt')),
        key: anonymous ? undefined : readFileSync(join(tls, 'admin.key')),
        // an explicit length: node sends DELETE bodies neither chunked nor with a length otherwise
        headers: { 'Content-Type': 'application/json', ...(body !== undefined ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}), ...headers },
      },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (data += d));
        res.on('end', () => resolveReq({ status: res.statusCode ?? 0, headers: res.headers, body: data, json: () => JSON.parse(data) }));
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}
