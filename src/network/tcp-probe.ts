// Tiny TCP probes for network tests: an echo server and a one-shot client, each a node process run inside a namespace through nsenter.
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { runInNetns, spawnInNetns } from './netns.js';

const SERVER = `
const net = require('node:net');
const [host, port, tag] = process.argv.slice(1);
const srv = net.createServer((s) => { s.on('error', () => {}); s.end(tag + ' ' + s.remoteAddress + '\\n'); });
srv.on('error', (e) => { console.error(e.message); process.exit(1); });
srv.listen(Number(port), host, () => console.log('LISTENING ' + srv.address().port));
process.on('SIGTERM', () => srv.close(() => process.exit(0)));
`;

const CLIENT = `
const net = require('node:net');
const [host, port, timeoutMs, localAddress] = process.argv.slice(1);
const t0 = process.hrtime.bigint();
const ms = () => Number(process.hrtime.bigint() - t0) / 1e6;
let data = '', done = false;
const finish = (r) => { if (done) return; done = true; console.log(JSON.stringify({ ...r, ms: ms() })); process.exit(0); };
const s = net.connect({ host, port: Number(port), ...(localAddress ? { localAddress } : {}) });
s.setTimeout(Number(timeoutMs), () => finish({ ok: false, code: 'TIMEOUT' }));
s.on('data', (b) => { data += b; });
s.on('end', () => finish({ ok: true, data: data.trim() }));
s.on('error', (e) => finish({ ok: false, code: e.code || e.message }));
`;

export interface TcpEchoServer {
  port: number;
  pid: number;
  /** ends the server (our own process, by its PID) and waits for it to exit */
  close(): Promise<void>;
}

export interface TcpProbeResult {
  ok: boolean;
  /** the server's reply: "<tag> <client address as the server saw it>" */
  data?: string;
  /** on failure: the errno code (EHOSTUNREACH, ECONNREFUSED, …) or TIMEOUT */
  code?: string;
  /** time from connect() to the outcome, measured inside the client */
  ms: number;
}

/** Starts an echo server on host:port (0: any free port) inside `netns`; it answers each connection with "<tag> <peer address>". */
export async function startTcpEchoServer(netns: string | null, host: string, port = 0, tag = 'echo'): Promise<TcpEchoServer> {
  const child: ChildProcess = spawnInNetns(netns, [process.execPath, '-e', SERVER, host, String(port), tag], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = once(child, 'exit').catch(() => {});
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    const actual = await new Promise<number>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`echo server in ${netns}: not listening after 10 s ${err}`)), 10_000);
      child.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        const m = /LISTENING (\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`echo server in ${netns} exited (${code}): ${err.trim()}`));
      });
      child.on('error', reject);
    });
    return { port: actual, pid: child.pid!, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** One TCP connect from inside `netns` to host:port, reading the reply; never rejects for network errors. */
export async function tcpProbe(netns: string | null, host: string, port: number, opts: { timeoutMs?: number; localAddress?: string } = {}): Promise<TcpProbeResult> {
  const timeoutMs = opts.timeoutMs ?? 2000;
  const r = await runInNetns(netns, [process.execPath, '-e', CLIENT, host, String(port), String(timeoutMs), opts.localAddress ?? ''], { timeoutMs: timeoutMs + 10_000 });
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as TcpProbeResult;
}
