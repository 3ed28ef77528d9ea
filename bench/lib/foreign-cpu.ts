// Measures the CPU that processes outside this benchmark's process tree use while it runs (Linux /proc).
//
// Benchmarks on a shared machine are only as good as its quiet: this samples every process once
// a second and adds the CPU time of those that are neither this process nor its descendants
// (servers, etcd, kubectl started by the benchmark are ours). A process that starts and ends
// between two samples is missed; its children's time shows up in its parent's cutime, ignored.

import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

interface Proc { ppid: number; ticks: number; start: number }

function readProcs(): Map<number, Proc> {
  const out = new Map<number, Proc>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // fields after "(comm)": state ppid ... utime(14) stime(15) ... starttime(22)
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(name), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), start: Number(f[19]) });
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

export class ForeignCpu {
  private prev = readProcs();
  private foreignTicks = 0;
  private readonly t0 = performance.now();
  private readonly timer: NodeJS.Timeout;
  private readonly top = new Map<string, number>();

  constructor(intervalMs = 1000) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  private sample(): void {
    const now = readProcs();
    const ours = (pid: number): boolean => {
      for (let p = pid, hops = 0; p > 1 && hops < 64; hops++) {
        if (p === process.pid) return true;
        p = now.get(p)?.ppid ?? this.prev.get(p)?.ppid ?? 0;
      }
      return false;
    };
    for (const [pid, cur] of now) {
      const before = this.prev.get(pid);
      const delta = before && before.start === cur.start ? cur.ticks - before.ticks : cur.ticks;
      if (delta <= 0 || ours(pid)) continue;
      this.foreignTicks += delta;
      let comm = '';
      try {
        comm = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).slice(0, 3).join(' ').slice(0, 60);
      } catch { /* gone */ }
      this.top.set(comm, (this.top.get(comm) ?? 0) + delta);
    }
    this.prev = now;
  }

  /** Foreign CPU as a share of the whole machine (all CPUs) since construction, and the biggest users. */
  stop(): { share: number; top: string } {
    clearInterval(this.timer);
    this.sample();
    const secs = (performance.now() - this.t0) / 1000;
    const share = this.foreignTicks / TICKS_PER_SECOND / (secs * availableParallelism());
    const top = [...this.top].sort((a, b) => b[1] - a[1]).slice(0, 3)
      .filter(([, t]) => t / TICKS_PER_SECOND >= 1)
      .map(([c, t]) => `${c || '?'} ${(t / TICKS_PER_SECOND).toFixed(0)} s`).join('; ');
    return { share, top };
  }
}

/**
 * Waits until other processes used at most `maxShare` of the machine over one `windowMs` window,
 * or until `timeoutMs` passed. Returns the last window's share and how long it waited.
 */
export async function waitForQuiet(maxShare: number, windowMs: number, timeoutMs: number): Promise<{ share: number; waitedMs: number; quiet: boolean }> {
  const t0 = performance.now();
  for (;;) {
    const f = new ForeignCpu(Math.max(100, windowMs / 5));
    await new Promise((r) => setTimeout(r, windowMs));
    const { share } = f.stop();
    const waitedMs = performance.now() - t0;
    if (share <= maxShare) return { share, waitedMs, quiet: true };
    if (waitedMs >= timeoutMs) return { share, waitedMs, quiet: false };
  }
}
