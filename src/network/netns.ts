// Network namespaces the project creates (`k8ts-…` under /run/netns): create, delete, list, and run commands inside them through nsenter.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';

/** Every namespace the project creates is named with this prefix; delete/sysctl refuse others. */
export const NETNS_PREFIX = 'k8ts-';
export const NETNS_DIR = '/run/netns';

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$/;

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface RunOptions {
  /** written to the command's standard input, which is then closed */
  input?: string;
  /** resolve with a non-zero exit code instead of rejecting */
  allowFail?: boolean;
  /** the command is killed (it is ours: by its PID) after this long; default 30 s */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

export class CommandError extends Error {
  constructor(readonly argv: string[], readonly result: RunResult) {
    super(`${argv.join(' ')}: exit ${result.code}: ${result.stderr.trim() || result.stdout.trim()}`);
    this.name = 'CommandError';
  }
}

/** "/run/netns/NAME" for a name; an absolute path (e.g. a CRI sandbox's netns path) is used as is. */
export function netnsPath(netns: string): string {
  if (netns.startsWith('/')) return netns;
  if (!NAME_RE.test(netns)) throw new Error(`invalid network namespace name "${netns}"`);
  return `${NETNS_DIR}/${netns}`;
}

/**
 * The argv that runs `argv` inside `netns` (null: in this process's own namespace).
 * Uses `nsenter --net=` only — never `ip netns exec`, which remounts /sys and hides the cgroup mounts runc needs.
 */
export function netnsArgv(netns: string | null, argv: string[]): string[] {
  if (argv.length === 0) throw new Error('netnsArgv: empty command');
  return netns === null ? argv : ['nsenter', `--net=${netnsPath(netns)}`, '--', ...argv];
}

/** Starts a long-running command inside `netns`; the caller owns the process and ends it by its PID. */
export function spawnInNetns(netns: string | null, argv: string[], options: SpawnOptions = {}): ChildProcess {
  const full = netnsArgv(netns, argv);
  return spawn(full[0]!, full.slice(1), options);
}

/** Runs a command inside `netns` (null: here) to completion; rejects with a CommandError on a non-zero exit unless allowFail. */
export function runInNetns(netns: string | null, argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  const full = netnsArgv(netns, argv);
  return new Promise((resolve, reject) => {
    const child = spawn(full[0]!, full.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ?? process.env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 30_000);
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    child.stdin!.on('error', () => {}); // the command may exit without reading its input
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result: RunResult = {
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString() + (timedOut ? `\n(killed after ${opts.timeoutMs ?? 30_000} ms)` : ''),
        code: code ?? (signal ? 128 : 1),
      };
      if (result.code !== 0 && !opts.allowFail) reject(new CommandError(full, result));
      else resolve(result);
    });
    child.stdin!.end(opts.input ?? '');
  });
}

function requireOurs(name: string): void {
  if (!name.startsWith(NETNS_PREFIX) || !NAME_RE.test(name)) throw new Error(`refusing namespace "${name}": not a ${NETNS_PREFIX}… name`);
}

/** Whether /run/netns/NAME exists. */
export async function netnsExists(name: string): Promise<boolean> {
  try {
    await stat(netnsPath(name));
    return true;
  } catch {
    return false;
  }
}

/** Creates namespace NAME (which must start with `k8ts-`) with loopback up; rejects if it exists already. */
export async function createNetns(name: string): Promise<void> {
  requireOurs(name);
  await runInNetns(null, ['ip', 'netns', 'add', name]);
  try {
    await runInNetns(name, ['ip', 'link', 'set', 'lo', 'up']);
  } catch (e) {
    await runInNetns(null, ['ip', 'netns', 'delete', name], { allowFail: true });
    throw e;
  }
}

/**
 * Deletes namespace NAME (a `k8ts-…` name); idempotent: false when it did not exist.
 * Its devices (and the far ends of its veths) go when no process is left inside: callers end theirs first.
 */
export async function deleteNetns(name: string): Promise<boolean> {
  requireOurs(name);
  if (!(await netnsExists(name))) return false;
  await runInNetns(null, ['ip', 'netns', 'delete', name]);
  return true;
}

/** Our namespaces (names starting with `prefix`, default `k8ts-`), sorted. */
export async function listNetns(prefix = NETNS_PREFIX): Promise<string[]> {
  try {
    return (await readdir(NETNS_DIR)).filter((n) => n.startsWith(prefix)).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/** PIDs of processes whose network namespace is NAME (diagnostics: who keeps it alive). */
export async function netnsPids(name: string): Promise<number[]> {
  const r = await runInNetns(null, ['ip', 'netns', 'pids', name], { allowFail: true });
  return r.code === 0 ? r.stdout.split(/\s+/).filter(Boolean).map(Number) : [];
}

/** Whether `netns` is the namespace this process runs in (e.g. an agent started inside a node namespace). */
export async function isOwnNetns(netns: string): Promise<boolean> {
  const [a, b] = await Promise.all([stat(netnsPath(netns)), stat('/proc/self/ns/net')]);
  return a.ino === b.ino && a.dev === b.dev;
}

/**
 * Sets a per-namespace sysctl (e.g. `net.ipv4.ip_forward`) inside one of our namespaces. Refuses a
 * namespace that is not `k8ts-…` or that is this process's own, so it can never change a host-wide value.
 */
export async function setNetnsSysctl(netns: string, key: string, value: string): Promise<void> {
  requireOurs(netns);
  if (!/^net\.[a-z0-9_]+(\.[a-z0-9_-]+)+$/.test(key)) throw new Error(`setNetnsSysctl: unsupported key "${key}" (net.* only)`);
  if (!/^[A-Za-z0-9 _.-]*$/.test(value)) throw new Error(`setNetnsSysctl: unsupported value "${value}"`);
  if (await isOwnNetns(netns)) throw new Error(`setNetnsSysctl: ${netns} is this process's own namespace`);
  const path = `/proc/sys/${key.replaceAll('.', '/')}`;
  // /proc/sys/net resolves to the namespace of the process that opens it: the shell inside `netns`.
  await runInNetns(netns, ['sh', '-c', 'printf "%s\\n" "$2" > "$1"', 'sh', path, value]);
}

/** Reads a per-namespace sysctl inside `netns` (null: here). */
export async function getNetnsSysctl(netns: string | null, key: string): Promise<string> {
  if (!/^net\.[a-z0-9_]+(\.[a-z0-9_-]+)+$/.test(key)) throw new Error(`getNetnsSysctl: unsupported key "${key}" (net.* only)`);
  const r = await runInNetns(netns, ['cat', `/proc/sys/${key.replaceAll('.', '/')}`]);
  return r.stdout.trim();
}
