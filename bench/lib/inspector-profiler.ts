// CPU profiles of another Node process over its inspector (loopback only), scoped to one phase.
//
// `node --cpu-prof` is not allowed in NODE_OPTIONS and profiles a process's whole life; a process
// started with NODE_OPTIONS=--inspect=127.0.0.1:0 prints "Debugger listening on ws://…", and the
// Profiler domain of the DevTools protocol starts and stops sampling whenever we like.

import { writeFileSync } from 'node:fs';
import WebSocket from 'ws';

/** NODE_OPTIONS for a process to profile: the inspector on a free loopback port. */
export const INSPECT_OPTION = '--inspect=127.0.0.1:0';

export function inspectorUrl(output: string): string | undefined {
  return /Debugger listening on (ws:\/\/127\.0\.0\.1:\d+\/[\w-]+)/.exec(output)?.[1];
}

export class InspectorProfiler {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: { message: string } };
      if (msg.id === undefined) return;
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(msg.error.message));
      else p.resolve(msg.result);
    });
    ws.on('close', () => {
      for (const p of this.pending.values()) p.reject(new Error('inspector connection closed'));
      this.pending.clear();
    });
  }

  static async connect(url: string): Promise<InspectorProfiler> {
    if (!/^ws:\/\/127\.0\.0\.1:/.test(url)) throw new Error(`not a loopback inspector: ${url}`);
    const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 1 << 30 });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new InspectorProfiler(ws);
  }

  private send<T = any>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  /** Starts sampling every `intervalUs` µs. */
  async start(intervalUs = 1000): Promise<void> {
    await this.send('Profiler.enable');
    await this.send('Profiler.setSamplingInterval', { interval: intervalUs });
    await this.send('Profiler.start');
  }

  /** Stops sampling and writes the profile (.cpuprofile format) to `file`. */
  async stop(file: string): Promise<void> {
    const { profile } = await this.send<{ profile: unknown }>('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
  }

  close(): void {
    this.ws.close();
  }
}
