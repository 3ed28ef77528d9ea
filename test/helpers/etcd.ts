// Test helper: a throwaway single-member etcd (/usr/bin/etcd) on free loopback ports.
//
// Contracts: listens on 127.0.0.1 only; signals only the process it spawned (by its PID, while it lives); the data
// dir is a fresh temp dir (on /dev/shm when it exists: etcd 3.4 has no --unsafe-no-fsync, and
// tmpfs makes its fsyncs free) unless one is given. stop() ends etcd and removes a temp data dir
// the helper made; restart() keeps data dir and ports, so clients reconnect to the same URL;
// crash() kills etcd with SIGKILL (for durability tests; restart() brings it back). A process
// exit handler kills a still-running etcd, so a crashed test run leaves none behind.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface EtcdHandle {
  /** "http://127.0.0.1:PORT" */
  endpoint: string;
  /** "etcd://127.0.0.1:PORT", for openStore */
  url: string;
  dataDir: string;
  pid(): number | undefined;
  stop(): Promise<void>;
  restart(): Promise<void>;
  crash(): Promise<void>;
}

export interface EtcdOptions {
  dataDir?: string;
  /** put a temp data dir on real disk instead of /dev/shm (benchmarks) */
  onDisk?: boolean;
}

const ETCD = process.env.K8TS_ETCD_BIN ?? '/usr/bin/etcd';
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Two distinct free loopback ports (another process may still take one: start() retries). */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: n }, () => new Promise<import('node:net').Server>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => resolve(s));
  })));
  const ports = servers.map((s) => (s.address() as import('node:net').AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

async function healthy(endpoint: string): Promise<boolean> {
  try {
    const res = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(1000) });
    const body = (await res.json()) as { health?: string };
    return body.health === 'true';
  } catch {
    return false;
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startEtcd(opts: EtcdOptions = {}): Promise<EtcdHandle> {
  const ownDir = opts.dataDir === undefined;
  const base = !opts.onDisk && existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const dataDir = opts.dataDir ?? mkdtempSync(join(base, 'k8ts-etcd-'));
  let clientPort = 0;
  let peerPort = 0;
  let child: ChildProcess | undefined;

  const launch = async (): Promise<void> => {
    const endpoint = `http://127.0.0.1:${clientPort}`;
    const peer = `http://127.0.0.1:${peerPort}`;
    let stderr = '';
    const proc = spawn(ETCD, [
      '--name', 'k8ts-test',
      '--data-dir', dataDir,
      '--listen-client-urls', endpoint,
      '--advertise-client-urls', endpoint,
      '--listen-peer-urls', peer,
      '--initial-advertise-peer-urls', peer,
      '--initial-cluster', `k8ts-test=${peer}`,
      '--initial-cluster-state', 'new',
      '--initial-cluster-token', `k8ts-test-${process.pid}-${clientPort}`,
      '--logger', 'zap',
      '--log-level', 'error',
      '--heartbeat-interval', '50',
      '--election-timeout', '500',
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    let spawnError: Error | undefined;
    proc.once('error', (err) => { spawnError = err; });
    proc.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
    running.add(proc);
    proc.once('exit', () => running.delete(proc));
    child = proc;
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (spawnError) throw new Error(`cannot run ${ETCD}: ${spawnError.message}`);
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw new Error(`etcd exited (${proc.exitCode ?? proc.signalCode}) before it was healthy: ${stderr.trim()}`);
      }
      if (await healthy(endpoint)) return;
      if (Date.now() > deadline) {
        await kill('SIGKILL');
        throw new Error(`etcd at ${endpoint} not healthy after 15 s: ${stderr.trim()}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  const kill = async (signal: NodeJS.Signals): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.pid === undefined) return;
    const done = exited(proc);
    // ChildProcess.kill signals this PID only while the process is ours (never a reused PID)
    proc.kill(signal);
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await done;
    clearTimeout(timer);
  };

  // the ports are free when probed but not reserved: retry with new ones if etcd cannot bind
  for (let attempt = 1; ; attempt++) {
    [clientPort, peerPort] = await freePorts(2);
    try {
      await launch();
      break;
    } catch (err) {
      if (attempt >= 3) {
        if (ownDir) rmSync(dataDir, { recursive: true, force: true });
        throw err;
      }
    }
  }

  const endpoint = `http://127.0.0.1:${clientPort}`;
  return {
    endpoint,
    url: `etcd://127.0.0.1:${clientPort}`,
    dataDir,
    pid: () => child?.pid,
    async stop() {
      await kill('SIGTERM');
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
    async restart() {
      await kill('SIGTERM');
      await launch();
    },
    async crash() {
      await kill('SIGKILL');
    },
  };
}
