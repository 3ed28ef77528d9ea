// Runs a node's containerd: writes its config, starts it (optionally inside a network namespace), waits for CRI, restarts it on crash, stops it.

import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { CriClient } from '../cri/cri-client.js';
import { containerdLayout, writeContainerdConfig, type ContainerdConfigOptions, type ContainerdLayout } from './containerd-config.js';

export interface ContainerdProcessOptions {
  dataDir: string;
  /** config.toml options besides the data dir */
  config?: Omit<ContainerdConfigOptions, 'dataDir'>;
  /** run containerd in this network namespace: a name in /run/netns or a path (entered with nsenter --net, never `ip netns exec`) */
  netns?: string;
  containerdBin?: string;
  nsenterBin?: string;
  /** spawn → CRI Version answers; default 20 s */
  readyTimeoutMs?: number;
  /** restart after an unexpected exit; default true */
  restart?: boolean;
  /** restart backoff: doubles from min to max, back to min after a run of 60 s; default 250 ms … 30 s */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** supervisor messages (started, exited, restarting); default: none */
  log?: (line: string) => void;
}

export interface ContainerdExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** false when stop() asked for it */
  unexpected: boolean;
}

interface Events {
  /** containerd answers CRI (after start() and after each restart) */
  ready: [pid: number, startupMs: number];
  exit: [ContainerdExit];
  /** a restart attempt failed; another follows after the backoff */
  restartFailed: [Error];
}

const STABLE_RUN_MS = 60_000;

function tail(path: string, lines = 15): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * One containerd per node. Contracts:
 * - start() resolves once CRI Version answers, and rejects (with the log's tail) if containerd
 *   exits or does not answer in time, or if a containerd already answers on the node's socket;
 * - only the process this object spawned is ever signalled, by its PID (nsenter execs
 *   containerd, so the PID is containerd's own); the PID is also in `<dataDir>/containerd/containerd.pid`;
 * - an unexpected exit emits 'exit', then containerd is restarted with backoff until stop();
 *   running pods survive (their shims do not depend on containerd);
 * - stop() sends SIGTERM, SIGKILL after the grace period; it does not stop pods or shims (the
 *   kubelet decides that) and is idempotent. If this Node process exits without stop(),
 *   containerd gets SIGTERM from an exit hook.
 */
export class ContainerdProcess extends EventEmitter<Events> {
  readonly layout: ContainerdLayout;
  private child: ChildProcess | undefined;
  private childExited: Promise<void> = Promise.resolve();
  private stopping = false;
  /** restarts happen only after the first start() succeeded */
  private supervising = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private backoffMs: number;
  private startedAt = 0;
  private readonly client: CriClient;
  private readonly exitHook = () => {
    if (this.child?.pid && this.child.exitCode === null && this.child.signalCode === null) {
      try { process.kill(this.child.pid, 'SIGTERM'); } catch { /* already gone */ }
    }
  };

  constructor(private readonly opts: ContainerdProcessOptions) {
    super();
    this.layout = containerdLayout(opts.dataDir, opts.config?.cniConfDir);
    this.backoffMs = opts.minBackoffMs ?? 250;
    this.client = new CriClient(this.layout.address, { logHint: this.layout.logPath });
  }

  /** containerd's PID while it runs */
  get pid(): number | undefined {
    const c = this.child;
    return c && c.exitCode === null && c.signalCode === null ? c.pid : undefined;
  }

  /** the gRPC socket path (CRI and containerd API) */
  get address(): string {
    return this.layout.address;
  }

  async start(): Promise<void> {
    if (this.child) throw new Error('containerd: start() called twice');
    this.stopping = false;
    if (existsSync(this.layout.address)) {
      const probe = new CriClient(this.layout.address);
      const answers = await probe.version({ timeoutMs: 1000 }).then(() => true, () => false);
      probe.close();
      if (answers) {
        let pid = '?';
        try { pid = readFileSync(this.layout.pidPath, 'utf8').trim(); } catch { /* none */ }
        throw new Error(`containerd: another containerd (pid ${pid}) already serves ${this.layout.address}; stop it first`);
      }
    }
    process.on('exit', this.exitHook);
    try {
      await writeContainerdConfig({ ...this.opts.config, dataDir: this.opts.dataDir });
      await this.launch();
    } catch (err) {
      await this.stop(1000);
      throw err;
    }
    this.supervising = true;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves when containerd has exited. No restart follows. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const pid = this.pid;
    if (pid !== undefined) {
      try { process.kill(pid, 'SIGTERM'); } catch { /* exited meanwhile */ }
      const timer = setTimeout(() => {
        if (this.pid === pid) try { process.kill(pid, 'SIGKILL'); } catch { /* exited meanwhile */ }
      }, graceMs);
      await this.childExited;
      clearTimeout(timer);
    }
    this.child = undefined;
    rmSync(this.layout.pidPath, { force: true });
    process.off('exit', this.exitHook);
    this.client.close();
  }

  private async launch(): Promise<void> {
    const { layout, opts } = this;
    // nothing answers here (checked in start(), or containerd just died): stale sockets would make the wait below pass early
    rmSync(layout.address, { force: true });
    rmSync(layout.ttrpcAddress, { force: true });
    mkdirSync(layout.dir, { recursive: true, mode: 0o700 });
    const containerd = opts.containerdBin ?? 'containerd';
    let argv = [containerd, '--config', layout.configPath];
    if (opts.netns) {
      const path = isAbsolute(opts.netns) ? opts.netns : `/run/netns/${opts.netns}`;
      if (!existsSync(path)) throw new Error(`containerd: network namespace ${path} does not exist`);
      argv = [opts.nsenterBin ?? 'nsenter', `--net=${path}`, '--', ...argv];
    }
    const logFd = openSync(layout.logPath, 'a', 0o600);
    const t0 = performance.now();
    let child: ChildProcess;
    try {
      // own process group: a terminal's Ctrl-C reaches the agent, which decides when containerd stops
      child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', logFd, logFd], detached: true });
    } finally {
      closeSync(logFd);
    }
    this.child = child;
    let dead = false;
    let spawnError: Error | undefined;
    this.childExited = new Promise((resolve) => {
      const gone = (code: number | null, signal: NodeJS.Signals | null) => {
        if (dead) return;
        dead = true;
        resolve();
        this.onExit(child, code, signal);
      };
      child.once('exit', gone);
      // a failed spawn (no such binary) may emit 'error' without 'exit'
      child.once('error', (err) => {
        spawnError = err;
        gone(null, null);
      });
    });
    if (child.pid) writeFileSync(layout.pidPath, `${child.pid}\n`);
    this.startedAt = Date.now();
    this.opts.log?.(`containerd: started pid ${child.pid}${opts.netns ? ` in netns ${opts.netns}` : ''}, log ${layout.logPath}`);

    const deadline = Date.now() + (opts.readyTimeoutMs ?? 20_000);
    const failIfGone = () => {
      if (dead) {
        throw new Error(`containerd exited during startup (${spawnError?.message ?? `code ${child.exitCode}, signal ${child.signalCode}`}); ${layout.logPath} ends:\n${tail(layout.logPath)}`);
      }
      if (Date.now() > deadline) {
        throw new Error(`containerd did not answer CRI on ${layout.address} within ${opts.readyTimeoutMs ?? 20_000} ms; ${layout.logPath} ends:\n${tail(layout.logPath)}`);
      }
    };
    // the socket file first: grpc-js backs off for a while after a failed connect
    while (!existsSync(layout.address)) {
      failIfGone();
      await new Promise((r) => setTimeout(r, 5));
    }
    for (;;) {
      failIfGone();
      try {
        await this.client.version({ timeoutMs: 1000 });
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    const ms = performance.now() - t0;
    this.opts.log?.(`containerd: ready in ${ms.toFixed(0)} ms`);
    this.emit('ready', child.pid!, ms);
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return;
    const unexpected = !this.stopping;
    this.emit('exit', { code, signal, unexpected });
    if (!unexpected || !this.supervising || this.opts.restart === false) return;
    this.opts.log?.(`containerd: pid ${child.pid} exited (code ${code}, signal ${signal}) after ${Date.now() - this.startedAt} ms`);
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    if (Date.now() - this.startedAt > STABLE_RUN_MS) this.backoffMs = this.opts.minBackoffMs ?? 250;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.opts.maxBackoffMs ?? 30_000);
    this.opts.log?.(`containerd: restarting in ${delay} ms`);
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      if (this.stopping) return;
      const before = this.child;
      this.launch().catch((err: Error) => {
        this.emit('restartFailed', err);
        this.opts.log?.(`containerd: restart failed: ${err.message.split('\n')[0]}`);
        if (this.stopping) return;
        const pid = this.pid;
        // running but not answering: end it, and its exit schedules the next try
        if (pid !== undefined) try { process.kill(pid, 'SIGKILL'); } catch { /* exited meanwhile: its exit schedules the next try */ }
        // failed before spawning (e.g. the netns is gone): nothing will exit, so try again from here
        else if (this.child === before) this.scheduleRestart();
      });
    }, delay);
  }
}
