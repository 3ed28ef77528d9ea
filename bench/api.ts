// Benchmark: the API server end to end (real `k8ts server` over HTTPS): creates/s vs the raw store, paced-write p99, LIST, watch fan-out, RSS.
//
// Run: node dist/bench/api.js [--store sqlite|etcd|both] [--quick] [--only writes|memory] [--no-wait] [--write-results]
// --only runs one of the two server groups below; --no-wait skips waiting for a quiet machine;
// --write-results replaces the "API server" section of bench/RESULTS.md, keeping the others.
//
// Per store, two fresh servers (`bin/k8ts server --disable-agent`, data dir in the temp dir, i.e.
// on disk; etcd on disk too, fsync per commit, so both compare with the anchors of DESIGN §8):
//   writes server: raw store creates (SqliteStore in a temp dir / EtcdStore on the same etcd under
//     /bench-raw/, outside /registry/ so the server never sees them) before the server starts;
//     a warm-up of every verb; GET /readyz (the HTTPS floor); API creates at concurrency 1 and
//     32; 100 writes/s paced (create/update/delete); watch fan-out.
//   memory server: RSS idle, 10,000 ConfigMaps, RSS, LIST 10,000 / 1,000, `kubectl get cm`,
//     then creates at c=1 again with 11,000 objects stored.
// The client holds keep-alive connections with the admin certificate (bench/lib/api-client.ts);
// bodies are built before timing. Client and server share the machine's CPUs, and so do other
// users of the machine: each table ends with the CPU other processes took meanwhile, and each
// store waits (up to 3 min) for a quiet machine first.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EtcdStore } from '../src/storage/etcd/etcd-store.js';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import type { Store } from '../src/storage/store.js';
import { startEtcd, type EtcdHandle } from '../test/helpers/etcd.js';
import { REPO, startServer, type TestServer } from '../test/helpers/server.js';
import { ApiClient, HttpError } from './lib/api-client.js';
import { ForeignCpu, waitForQuiet } from './lib/foreign-cpu.js';
import { peakRssMiB, rssMiB } from './lib/proc-status.js';
import { markdownTable, median, pct, textTable, type Row } from './lib/report.js';
import { mergeSection } from './lib/results-file.js';
import { runStamp } from './lib/run-stamp.js';

type StoreKind = 'sqlite' | 'etcd';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const writeResults = argv.includes('--write-results');
const waitQuiet = !argv.includes('--no-wait');
const storeArg = argv.includes('--store') ? argv[argv.indexOf('--store') + 1] : 'both';
const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : undefined;
if (!['sqlite', 'etcd', 'both'].includes(storeArg) || (only !== undefined && only !== 'writes' && only !== 'memory')) {
  console.error('usage: node dist/bench/api.js [--store sqlite|etcd|both] [--quick] [--only writes|memory] [--no-wait] [--write-results]');
  process.exit(2);
}
const kinds: StoreKind[] = storeArg === 'both' ? ['sqlite', 'etcd'] : [storeArg as StoreKind];

const SIZES = quick
  ? { creates: 500, pacedRate: 100, pacedSeconds: 5, list: 10_000, listSmall: 1000, listRuns: 5, listSmallRuns: 9, kubectlRuns: 1, watchers: 100, events: 200, eventRate: 200 }
  : { creates: 2000, pacedRate: 100, pacedSeconds: 20, list: 10_000, listSmall: 1000, listRuns: 7, listSmallRuns: 15, kubectlRuns: 3, watchers: 100, events: 1000, eventRate: 200 };

// DESIGN §8 targets and upstream anchors
const SQLITE_SHARE_OF_RAW = 0.5;
const ETCD_ANCHOR = { c1: 450, c16: 1400 };
const PACED_P99_MS = 50;
const LIST_10K_MS = { design: 300, issue: 500 };
const LIST_1K_MS = 15;
const RSS_IDLE_MIB = { design: 120, issue: 150 };
const APISERVER_RSS_6K_MIB = 380;

const QUIET = { maxShare: 0.1, windowMs: 5000, timeoutMs: 180_000 };

const log = (msg: string) => process.stderr.write(`[bench/api] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const n0 = (n: number) => Math.round(n).toLocaleString('en-US');

// ---------------------------------------------------------------- cleanup on any exit

const liveServers = new Set<TestServer>();
const liveEtcds = new Set<EtcdHandle>();
/** temp dirs of our own (raw store, kubectl home), removed at exit if a phase did not get to it */
const tempDirs = new Set<string>();
process.on('exit', () => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
  for (const s of liveServers) {
    if (s.proc.pid !== undefined && s.proc.exitCode === null) try { process.kill(s.proc.pid, 'SIGKILL'); } catch { /* gone */ }
    rmSync(s.dataDir, { recursive: true, force: true });
  }
  // the etcd helper's own exit handler (registered first) has killed etcd by now
  for (const e of liveEtcds) rmSync(e.dataDir, { recursive: true, force: true });
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => process.exit(130));

async function withEtcd<T>(kind: StoreKind, fn: (etcd?: EtcdHandle) => Promise<T>): Promise<T> {
  if (kind !== 'etcd') return fn(undefined);
  const etcd = await startEtcd({ onDisk: true });
  liveEtcds.add(etcd);
  try {
    return await fn(etcd);
  } finally {
    await etcd.stop();
    liveEtcds.delete(etcd);
  }
}

async function withServer<T>(etcd: EtcdHandle | undefined, fn: (server: TestServer, client: ApiClient) => Promise<T>): Promise<T> {
  const server = await startServer({ datastore: etcd?.url });
  liveServers.add(server);
  const client = new ApiClient(server.url, server.dataDir, 64);
  try {
    return await fn(server, client);
  } catch (err) {
    const tail = server.output().trim().split('\n').slice(-20).join('\n');
    log(`server output (last lines):\n${tail}`);
    throw err;
  } finally {
    client.close();
    const code = await server.stop();
    liveServers.delete(server);
    if (code !== 0) log(`warning: k8ts server exited with ${code}`);
  }
}

// ---------------------------------------------------------------- objects

/** ~600 bytes of JSON as sent. */
const PAYLOAD = 'x'.repeat(480);

function configMap(name: string, data: Record<string, string> = {}, resourceVersion?: string): object {
  return {
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: { name, labels: { app: 'bench' }, ...(resourceVersion ? { resourceVersion } : {}) },
    data: { payload: PAYLOAD, ...data },
  };
}

/** What the API server stores for configMap(name) (server-set metadata included): the raw stores get the same bytes. */
function rawValue(ns: string, i: number): Buffer {
  const cm = configMap(`cm-${i}`) as { metadata: Record<string, unknown> };
  cm.metadata = {
    ...cm.metadata, namespace: ns, uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, creationTimestamp: '2026-01-01T00:00:00Z',
    managedFields: [{ operation: 'Update', apiVersion: 'v1', time: '2026-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { '.': {}, 'f:payload': {} }, 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } } } }],
  };
  return Buffer.from(JSON.stringify(cm));
}

const cmPath = (ns: string, name?: string) => `/api/v1/namespaces/${ns}/configmaps${name ? `/${name}` : ''}`;

// ---------------------------------------------------------------- measures

interface Throughput { rate: number; p50: number; p99: number }

function summarize(lat: number[], n: number, secs: number): Throughput {
  lat.sort((a, b) => a - b);
  return { rate: n / secs, p50: pct(lat, 50), p99: pct(lat, 99) };
}

async function rawCreates(store: Store, prefix: string, n: number, concurrency: number): Promise<Throughput> {
  const values = Array.from({ length: n }, (_, i) => rawValue('raw', i));
  const lat: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let i = next++; i < n; i = next++) {
      const s = performance.now();
      const r = await store.create(`${prefix}cm-${i}`, values[i]);
      lat.push(performance.now() - s);
      if (!r.ok) throw new Error(`raw create ${i} conflicted`);
    }
  }));
  return summarize(lat, n, (performance.now() - t0) / 1000);
}

async function rawBoth(kind: StoreKind, etcd: EtcdHandle | undefined): Promise<{ c1: Throughput; c32: Throughput }> {
  let dir: string | undefined;
  let store: Store;
  if (kind === 'sqlite') {
    dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-raw-'));
    tempDirs.add(dir);
    store = new SqliteStore(join(dir, 'state.db'));
  } else {
    store = new EtcdStore([etcd!.endpoint.replace(/^http:\/\//, '')]);
  }
  try {
    const c1 = await rawCreates(store, '/bench-raw/c1/', SIZES.creates, 1);
    const c32 = await rawCreates(store, '/bench-raw/c32/', SIZES.creates, 32);
    return { c1, c32 };
  } finally {
    await store.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

/** Exercises every verb the phases use (JIT, lazily loaded modules, connections) before anything is timed. */
async function warmUp(client: ApiClient, ns: string): Promise<void> {
  await createNamespace(client, ns);
  await client.warm(32);
  await apiCreates(client, ns, 200, 8);
  const w = await client.watch(`${cmPath(ns)}?watch=true`, () => {});
  for (let i = 0; i < 50; i++) {
    const cm = await client.json<{ metadata: { resourceVersion: string } }>('GET', cmPath(ns, `cm-${i}`));
    await client.json('PUT', cmPath(ns, `cm-${i}`), configMap(`cm-${i}`, { tick: 'warm' }, cm.metadata.resourceVersion));
    await client.json('PATCH', cmPath(ns, `cm-${i + 50}`), { data: { tick: 'warm' } }, 'application/merge-patch+json');
    await client.json('DELETE', cmPath(ns, `cm-${i + 100}`));
  }
  await client.json('GET', cmPath(ns));
  w.close();
}

async function createNamespace(client: ApiClient, name: string): Promise<void> {
  await client.json('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

/** `n` ConfigMap creates with `concurrency` requests in flight; any non-201 aborts the benchmark. */
async function apiCreates(client: ApiClient, ns: string, n: number, concurrency: number): Promise<Throughput> {
  const bodies = Array.from({ length: n }, (_, i) => Buffer.from(JSON.stringify(configMap(`cm-${i}`))));
  const path = cmPath(ns);
  const lat: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let i = next++; i < n; i = next++) {
      const res = await client.request('POST', path, bodies[i]);
      if (res.status !== 201) throw new HttpError(res.status, res.body.toString(), `POST ${path} (cm-${i})`);
      lat.push(res.ms);
    }
  }));
  return summarize(lat, n, (performance.now() - t0) / 1000);
}

/** `n` GETs of `path` (the authenticated HTTPS round trip without any store work). */
async function apiGets(client: ApiClient, path: string, n: number, concurrency: number): Promise<Throughput> {
  const lat: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let i = next++; i < n; i = next++) {
      const res = await client.request('GET', path);
      if (res.status !== 200) throw new HttpError(res.status, res.body.toString(), `GET ${path}`);
      lat.push(res.ms);
    }
  }));
  return summarize(lat, n, (performance.now() - t0) / 1000);
}

interface Paced extends Throughput { ops: { create: number; update: number; delete: number }; errors: number; firstError?: string; maxLateMs: number }

/**
 * Open-loop writes at `rate`/s for `seconds`: each tick starts one request whether or not earlier
 * ones finished (no coordinated omission). Mix per 10 ticks: 4 creates, 4 updates (PUT with the
 * last resourceVersion), 2 deletes; an update or delete with no idle object becomes a create.
 */
async function pacedWrites(client: ApiClient, ns: string, rate: number, seconds: number): Promise<Paced> {
  const total = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const idle: { name: string; rv: string }[] = [];
  const lat: number[] = [];
  const ops = { create: 0, update: 0, delete: 0 };
  let errors = 0;
  let firstError: string | undefined;
  let seq = 0;
  let maxLateMs = 0;
  const fail = (what: string, status: number, body: Buffer) => {
    errors++;
    firstError ??= `${what}: HTTP ${status} ${body.toString().slice(0, 200)}`;
  };
  const op = async (i: number): Promise<void> => {
    const slot = i % 10;
    let kind: keyof typeof ops = slot < 4 ? 'create' : slot < 8 ? 'update' : 'delete';
    if (kind !== 'create' && idle.length === 0) kind = 'create';
    ops[kind]++;
    if (kind === 'create') {
      const name = `p-${seq++}`;
      const res = await client.request('POST', cmPath(ns), configMap(name));
      lat.push(res.ms);
      if (res.status !== 201) return fail(`create ${name}`, res.status, res.body);
      idle.push({ name, rv: JSON.parse(res.body.toString()).metadata.resourceVersion });
      return;
    }
    const [obj] = idle.splice(Math.floor(Math.random() * idle.length), 1);
    if (kind === 'update') {
      const res = await client.request('PUT', cmPath(ns, obj.name), configMap(obj.name, { tick: String(i) }, obj.rv));
      lat.push(res.ms);
      if (res.status !== 200) return fail(`update ${obj.name}`, res.status, res.body);
      idle.push({ name: obj.name, rv: JSON.parse(res.body.toString()).metadata.resourceVersion });
      return;
    }
    const res = await client.request('DELETE', cmPath(ns, obj.name));
    lat.push(res.ms);
    if (res.status !== 200) return fail(`delete ${obj.name}`, res.status, res.body);
  };
  const inflight: Promise<void>[] = [];
  const t0 = performance.now() + 20;
  let lastStart = t0;
  for (let i = 0; i < total; i++) {
    const due = t0 + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    lastStart = performance.now();
    maxLateMs = Math.max(maxLateMs, lastStart - due);
    inflight.push(op(i));
  }
  await Promise.all(inflight);
  const achieved = summarize(lat, total, (lastStart - t0 + interval) / 1000);
  return { ...achieved, ops, errors, firstError, maxLateMs };
}

async function listTimes(client: ApiClient, ns: string, expected: number, runs: number): Promise<{ ms: number; min: number; max: number; mb: number }> {
  const times: number[] = [];
  let bytes = 0;
  for (let k = 0; k < runs; k++) {
    const res = await client.request('GET', cmPath(ns));
    if (res.status !== 200) throw new HttpError(res.status, res.body.toString(), `LIST ${ns}`);
    times.push(res.ms);
    bytes = res.body.length;
    const items = (JSON.parse(res.body.toString()) as { items: unknown[] }).items.length;
    if (items !== expected) throw new Error(`LIST ${ns} returned ${items} of ${expected}`);
  }
  return { ms: median(times), min: Math.min(...times), max: Math.max(...times), mb: bytes / 1e6 };
}

/** Wall time of the real `kubectl get cm` (one untimed run fills kubectl's discovery cache). */
function kubectlGet(server: TestServer, ns: string, expected: number, runs: number): number | string {
  const home = mkdtempSync(join(tmpdir(), 'k8ts-bench-kubectl-'));
  tempDirs.add(home);
  try {
    const env = { ...process.env, HOME: home, KUBECACHEDIR: join(home, 'cache') };
    const times: number[] = [];
    for (let k = 0; k <= runs; k++) {
      const t0 = performance.now();
      const r = spawnSync('kubectl', ['--kubeconfig', server.kubeconfig, 'get', 'cm', '-n', ns], { env, encoding: 'utf8', maxBuffer: 256 << 20, timeout: 120_000 });
      const ms = performance.now() - t0;
      if (r.error) return `kubectl not run: ${r.error.message}`;
      if (r.status !== 0) return `kubectl failed (${r.status}): ${r.stderr.slice(0, 200)}`;
      const lines = r.stdout.trimEnd().split('\n').length - 1;
      if (lines !== expected) return `kubectl printed ${lines} of ${expected} rows`;
      if (k > 0) times.push(ms);
    }
    return median(times);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

interface Fanout { delivered: number; expected: number; p50: number; p99: number; max: number; complete: number; sendSecs: number; drainMs: number; unexpected: number }

/**
 * `watchers` watches on one namespace, then `events` writes paced at `rate`/s (the first half
 * creates, the rest merge-patches of those), each carrying its send time in data.sentAt.
 * Latency per watcher per event = chunk arrival at the watcher − sentAt (one clock: this process).
 */
async function watchFanout(client: ApiClient, ns: string, watchers: number, events: number, rate: number): Promise<Fanout> {
  const list = await client.json<{ metadata: { resourceVersion: string } }>('GET', cmPath(ns));
  const expected = watchers * events;
  const lat = new Float64Array(expected);
  let n = 0;
  let unexpected = 0;
  const perWatcher = new Array<number>(watchers).fill(0);
  let allIn!: () => void;
  const done = new Promise<void>((r) => (allIn = r));
  const path = `${cmPath(ns)}?watch=true&resourceVersion=${list.metadata.resourceVersion}`;
  // cheap extraction instead of JSON.parse: the watchers share this process's CPU with the writer
  const TYPE = /^\{"type":"(\w+)"/;
  const SENT = /"sentAt":"([\d.]+)"/;
  const handles = await Promise.all(Array.from({ length: watchers }, (_, w) => client.watch(path, (line, at) => {
    const type = TYPE.exec(line)?.[1];
    const sent = Number(SENT.exec(line)?.[1]);
    if ((type !== 'ADDED' && type !== 'MODIFIED') || !Number.isFinite(sent)) {
      unexpected++;
      return;
    }
    if (n < expected) lat[n] = at - sent;
    n++;
    perWatcher[w]++;
    if (n === expected) allIn();
  })));
  try {
    const creates = Math.ceil(events / 2);
    const created: Promise<void>[] = [];
    const inflight: Promise<void>[] = [];
    const interval = 1000 / rate;
    const t0 = performance.now() + 20;
    for (let k = 0; k < events; k++) {
      const due = t0 + k * interval;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      if (k < creates) {
        const p = (async () => {
          const sentAt = String(performance.now());
          const res = await client.request('POST', cmPath(ns), configMap(`w-${k}`, { sentAt }));
          if (res.status !== 201) throw new HttpError(res.status, res.body.toString(), `create w-${k}`);
        })();
        created.push(p);
        inflight.push(p);
      } else {
        const j = k - creates;
        inflight.push((async () => {
          await created[j];
          const sentAt = String(performance.now());
          const res = await client.request('PATCH', cmPath(ns, `w-${j}`), { data: { sentAt } }, 'application/merge-patch+json');
          if (res.status !== 200) throw new HttpError(res.status, res.body.toString(), `patch w-${j}`);
        })());
      }
    }
    await Promise.all(inflight);
    const sent = performance.now();
    const sendSecs = (sent - t0) / 1000;
    await Promise.race([done, sleep(30_000)]);
    const drainMs = performance.now() - sent;
    const got = lat.subarray(0, Math.min(n, expected)).sort();
    return { delivered: n, expected, p50: pct(got, 50), p99: pct(got, 99), max: got[got.length - 1], complete: perWatcher.filter((c) => c === events).length, sendSecs, drainMs, unexpected };
  } finally {
    for (const h of handles) h.close();
  }
}

// ---------------------------------------------------------------- one store

async function writesServer(kind: StoreKind, rows: Row[]): Promise<void> {
  await withEtcd(kind, async (etcd) => {
    log(`${kind}: raw store creates (${SIZES.creates} at c=1, ${SIZES.creates} at c=32)`);
    const raw = await rawBoth(kind, etcd);
    await withServer(etcd, async (server, client) => {
      for (const ns of ['bench-c1', 'bench-c32', 'bench-paced', 'bench-watch']) await createNamespace(client, ns);
      log(`${kind}: warm-up (200 creates, 150 updates/patches/deletes in bench-warmup)`);
      await warmUp(client, 'bench-warmup');
      for (const c of [1, 32]) {
        const g = await apiGets(client, '/readyz', SIZES.creates, c);
        rows.push({ measure: `GET /readyz, c=${c} (${n0(SIZES.creates)})`, value: g.rate, unit: '/s', p50: g.p50, p99: g.p99, note: 'floor: authenticated HTTPS round trip, no store work' });
      }
      log(`${kind}: API creates c=1`);
      const c1 = await apiCreates(client, 'bench-c1', SIZES.creates, 1);
      log(`${kind}: API creates c=32`);
      const c32 = await apiCreates(client, 'bench-c32', SIZES.creates, 32);
      const sentBytes = JSON.stringify(configMap('cm-0')).length;
      const storedBytes = (await client.request('GET', cmPath('bench-c1', 'cm-0'))).body.length;
      for (const [c, api, r] of [[1, c1, raw.c1], [32, c32, raw.c32]] as const) {
        rows.push({ measure: `raw store creates, c=${c} (${n0(SIZES.creates)})`, value: r.rate, unit: '/s', p50: r.p50, p99: r.p99, note: `${kind === 'sqlite' ? 'SqliteStore, temp dir on the same disk' : 'EtcdStore, same etcd, prefix /bench-raw/'}; values of ${rawValue('raw', 0).length} B (API: ${sentBytes} B sent, ${storedBytes} B returned)` });
        const share = `${((api.rate / r.rate) * 100).toFixed(0)} % of raw`;
        if (kind === 'sqlite') {
          rows.push({ measure: `API creates, c=${c} (${n0(SIZES.creates)})`, value: api.rate, unit: '/s', p50: api.p50, p99: api.p99, target: r.rate * SQLITE_SHARE_OF_RAW, higherIsBetter: true, note: `${share}; target 50 % of raw` });
        } else {
          rows.push({ measure: `API creates, c=${c} (${n0(SIZES.creates)})`, value: api.rate, unit: '/s', p50: api.p50, p99: api.p99, target: c === 1 ? ETCD_ANCHOR.c1 : ETCD_ANCHOR.c16, higherIsBetter: true, note: `${share}; anchor: kube-apiserver on etcd, c=${c === 1 ? 1 : 16} (p99 ${c === 1 ? 6 : 29} ms)` });
        }
      }

      log(`${kind}: paced ${SIZES.pacedRate} writes/s for ${SIZES.pacedSeconds} s`);
      const paced = await pacedWrites(client, 'bench-paced', SIZES.pacedRate, SIZES.pacedSeconds);
      rows.push({
        measure: `API write p99 at ${SIZES.pacedRate}/s for ${SIZES.pacedSeconds} s`, value: paced.p99, unit: 'ms', p50: paced.p50, p99: paced.p99, target: PACED_P99_MS, higherIsBetter: false,
        note: `${paced.rate.toFixed(1)} writes/s achieved: ${paced.ops.create} creates, ${paced.ops.update} updates, ${paced.ops.delete} deletes; ${paced.errors} errors; starts at most ${paced.maxLateMs.toFixed(1)} ms late${paced.firstError ? ` (${paced.firstError})` : ''}`,
      });

      log(`${kind}: watch fan-out (${SIZES.watchers} watchers × ${SIZES.events} events at ${SIZES.eventRate}/s)`);
      const f = await watchFanout(client, 'bench-watch', SIZES.watchers, SIZES.events, SIZES.eventRate);
      rows.push({
        measure: `watch: ${SIZES.watchers} watchers × ${n0(SIZES.events)} events (${SIZES.eventRate}/s), delivered`, value: f.delivered, unit: '', p50: f.p50, p99: f.p99, target: f.expected, higherIsBetter: true,
        note: `latency = receive − send; max ${f.max.toFixed(1)} ms; ${f.complete}/${SIZES.watchers} watchers got all; last delivery ${f.drainMs.toFixed(0)} ms after the last write answered${f.unexpected ? `; ${f.unexpected} unexpected events` : ''}`,
      });
      void server;
    });
  });
}

async function memoryServer(kind: StoreKind, rows: Row[]): Promise<void> {
  await withEtcd(kind, async (etcd) => {
    await withServer(etcd, async (server, client) => {
      const pid = server.proc.pid!;
      await sleep(2000);
      const idle = rssMiB(pid);
      rows.push({ measure: 'server RSS idle (2 s after ready)', value: idle, unit: 'MB', target: RSS_IDLE_MIB.design, higherIsBetter: false, note: `issue target ≤ ${RSS_IDLE_MIB.issue} MB: ${(RSS_IDLE_MIB.issue / idle).toFixed(2)}×; MB = MiB (VmRSS)` });

      await createNamespace(client, 'bench-list');
      await createNamespace(client, 'bench-list-1k');
      await client.warm(32);
      log(`${kind}: creating ${n0(SIZES.list)} ConfigMaps (c=32)`);
      const fill = await apiCreates(client, 'bench-list', SIZES.list, 32);
      await sleep(2000);
      const full = rssMiB(pid);
      rows.push({ measure: `server RSS after ${n0(SIZES.list)} ConfigMaps`, value: full, unit: 'MB', target: APISERVER_RSS_6K_MIB, higherIsBetter: false, note: `anchor: kube-apiserver ${APISERVER_RSS_6K_MIB} MB after 6,000 objects; filled at ${n0(fill.rate)}/s (c=32)` });

      log(`${kind}: LIST ${n0(SIZES.list)} ×${SIZES.listRuns}`);
      const big = await listTimes(client, 'bench-list', SIZES.list, SIZES.listRuns);
      rows.push({ measure: `LIST ${n0(SIZES.list)} ConfigMaps, JSON (median of ${SIZES.listRuns})`, value: big.ms, unit: 'ms', target: LIST_10K_MS.design, higherIsBetter: false, note: `issue target ≤ ${LIST_10K_MS.issue} ms: ${(LIST_10K_MS.issue / big.ms).toFixed(2)}×; ${big.mb.toFixed(1)} MB; min ${big.min.toFixed(0)}, max ${big.max.toFixed(0)} ms` });
      const peak = peakRssMiB(pid);

      await apiCreates(client, 'bench-list-1k', SIZES.listSmall, 32);
      log(`${kind}: LIST ${n0(SIZES.listSmall)} ×${SIZES.listSmallRuns}`);
      const small = await listTimes(client, 'bench-list-1k', SIZES.listSmall, SIZES.listSmallRuns);
      rows.push({ measure: `LIST ${n0(SIZES.listSmall)} ConfigMaps, JSON (median of ${SIZES.listSmallRuns})`, value: small.ms, unit: 'ms', target: LIST_1K_MS, higherIsBetter: false, note: `anchor: kube-apiserver 15 ms; ${small.mb.toFixed(2)} MB; min ${small.min.toFixed(1)}, max ${small.max.toFixed(1)} ms` });

      log(`${kind}: kubectl get cm (${n0(SIZES.list)}) ×${SIZES.kubectlRuns}`);
      const k = kubectlGet(server, 'bench-list', SIZES.list, SIZES.kubectlRuns);
      if (typeof k === 'number') rows.push({ measure: `kubectl get cm, ${n0(SIZES.list)} (median of ${SIZES.kubectlRuns})`, value: k, unit: 'ms', note: 'wall time of the kubectl process: Table format, chunks of 500' });
      else rows.push({ measure: `kubectl get cm, ${n0(SIZES.list)}`, value: NaN, unit: '', note: k });
      rows.push({ measure: 'server RSS peak (VmHWM) after LIST runs', value: peak, unit: 'MB', note: 'informational' });

      log(`${kind}: API creates c=1 with ${n0(SIZES.list + SIZES.listSmall)} ConfigMaps stored`);
      await createNamespace(client, 'bench-c1-full');
      const late = await apiCreates(client, 'bench-c1-full', SIZES.creates, 1);
      const fresh = rows.find((r) => r.measure.startsWith('API creates, c=1 ('));
      rows.push({ measure: `API creates, c=1 (${n0(SIZES.creates)}), ${n0(SIZES.list + SIZES.listSmall)} ConfigMaps stored`, value: late.rate, unit: '/s', p50: late.p50, p99: late.p99, note: `${fresh ? `${((late.rate / fresh.value) * 100).toFixed(0)} % of c=1 on the fresh server; ` : ''}well below 100 % means a per-write cost that grows with the objects stored` });
    });
  });
}

// ---------------------------------------------------------------- main

const tables: { kind: StoreKind; rows: Row[] }[] = [];
let failed = false;
for (const kind of kinds) {
  const rows: Row[] = [];
  tables.push({ kind, rows });
  if (waitQuiet) {
    log(`${kind}: waiting (up to ${QUIET.timeoutMs / 1000} s) for other processes to use < ${QUIET.maxShare * 100} % of the CPUs for ${QUIET.windowMs / 1000} s (--no-wait skips)`);
    const q = await waitForQuiet(QUIET.maxShare, QUIET.windowMs, QUIET.timeoutMs);
    log(q.quiet ? `${kind}: quiet after ${(q.waitedMs / 1000).toFixed(0)} s` : `${kind}: still busy (${(q.share * 100).toFixed(0)} % of the CPUs used by others): running anyway`);
  }
  const foreign = new ForeignCpu();
  try {
    if (only !== 'memory') await writesServer(kind, rows);
    if (only !== 'writes') await memoryServer(kind, rows);
  } catch (err) {
    failed = true;
    log(`${kind}: FAILED: ${(err as Error).stack ?? err}`);
  }
  const other = foreign.stop();
  rows.push({ measure: 'CPU used by other processes meanwhile', value: other.share * 100, unit: '%', note: `of all CPUs; a noisy run if above a few %${other.top ? `; top: ${other.top}` : ''}` });
  if (other.share > 0.05) log(`warning: other processes used ${(other.share * 100).toFixed(0)} % of the machine during the ${kind} run: figures are pessimistic`);
}

const { date, machine, code, command } = runStamp(REPO, 'dist/bench/api.js', argv);
for (const { kind, rows } of tables) {
  console.log(`\nAPI server on ${kind}${quick ? ' (--quick)' : ''}`);
  console.log(textTable(rows));
}
console.log('\nratio ≥ 1.00× means the target is met.');
console.log(`${date}; ${machine}; code ${code}; ${command}`);

if (writeResults) {
  const intro = [
    `- machine: ${machine}`,
    '- setup: per store, a real `k8ts server --disable-agent` for the write phases and a fresh one for the memory/LIST phases (data dir and etcd on disk, fsync per commit), HTTPS with the admin client certificate over keep-alive connections, after a warm-up of every verb; ConfigMaps of ~600 bytes as sent; client and server share the CPUs. Raw rows open the store directly (SqliteStore in a temp dir, EtcdStore on the same etcd). Paced writes are open-loop (4 creates, 4 PUTs, 2 deletes per 10). Watch latency = arrival at the watcher − send time carried in `data.sentAt`. MB = MiB.',
    '- ratio ≥ 1.00× means the target is met; for etcd the creates targets are the kube-apiserver anchors of DESIGN §8 (its c=16 anchor against our c=32). The last row of each table is the CPU other processes used during the run: above a few %, the figures are pessimistic (on this shared machine, rates and especially watch-latency tails moved by tens of % between runs).',
  ].join('\n');
  const subsections = tables.map(({ kind, rows }) => ({
    heading: `### ${kind === 'sqlite' ? 'SQLite' : 'etcd'}`,
    body: [`\`${date}\`, code \`${code}\` (dist/ as built then), command: \`npm run build && ${command}\``, '', markdownTable(rows)].join('\n'),
  }));
  mergeSection(join(REPO, 'bench/RESULTS.md'), '## API server', '## API server: bench/api.ts', intro, subsections);
  log('bench/RESULTS.md updated (API server section)');
}
process.exitCode = failed ? 1 : 0;
