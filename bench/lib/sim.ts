// Starts a real `k8ts sim --nodes N` (bin/k8ts) next to a server for benchmarks; stops it by PID.
//
// The sim logs "hollow nodes: all N registered and Ready in X s" once every node is registered
// (and its Lease written); waitReady() resolves then, with the sim's own figure.

import { spawn, type ChildProcess } from 'node:child_process';
import { K8TS } from '../../test/helpers/server.js';

export interface SimHandle {
  proc: ChildProcess;
  pid: number;
  output(): string;
  /** resolves with the sim's own "registered and Ready in X s" figure (s); rejects on exit or timeout */
  waitReady(timeoutMs: number): Promise<number>;
  /** SIGTERM, SIGKILL after `graceMs`; resolves with the exit code */
  stop(graceMs?: number): Promise<number | null>;
}

/** Live sims, so an exit handler can kill what a failed phase left behind. */
export const liveSims = new Set<SimHandle>();

export function startSim(kubeconfig: string, nodes: number, extraArgs: string[] = []): SimHandle {
  const proc = spawn(process.execPath, [K8TS, 'sim', '--nodes', String(nodes), '--kubeconfig', kubeconfig, ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  // keep the head (startup) and a bounded tail: thousands of nodes can log a lot
  let out = '';
  const append = (d: Buffer) => {
    out += d.toString();
    if (out.length > 1 << 20) out = out.slice(0, 64 << 10) + '\n…\n' + out.slice(-(512 << 10));
  };
  proc.stdout!.on('data', append);
  proc.stderr!.on('data', append);
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const ready = new RegExp(`all ${nodes} registered and Ready in ([\\d.]+) s`);
  const handle: SimHandle = {
    proc,
    pid: proc.pid!,
    output: () => out,
    async waitReady(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = ready.exec(out);
        if (m) return Number(m[1]);
        if (proc.exitCode !== null) throw new Error(`k8ts sim exited early (${proc.exitCode}):\n${out.slice(-3000)}`);
        if (Date.now() > deadline) throw new Error(`k8ts sim: ${nodes} nodes not registered in ${timeoutMs / 1000} s:\n${out.slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop(graceMs = 10_000) {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(t);
      liveSims.delete(handle);
      return code;
    },
  };
  liveSims.add(handle);
  return handle;
}
