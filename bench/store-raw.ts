// Benchmark: raw Store throughput (creates/s, p50/p99) at concurrency 1 and 32, and LIST of 10,000 keys, on SQLite and etcd.
//
// Run: node dist/bench/store-raw.js [--quick]. Starts its own etcd (data on the same disk as
// SQLite's, with etcd's fsync per commit; SQLite commits with synchronous=NORMAL in WAL).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EtcdStore } from '../src/storage/etcd/etcd-store.js';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import type { Store } from '../src/storage/store.js';
import { startEtcd } from '../test/helpers/etcd.js';

const quick = process.argv.includes('--quick');

interface Row { backend: string; measure: string; value: number; unit: string; p50?: number; p99?: number; target?: number; higherIsBetter?: boolean; note?: string }

/** A ConfigMap-sized JSON value (~600 bytes). */
function value(i: number): Uint8Array {
  return Buffer.from(JSON.stringify({
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: { name: `cm-${i}`, namespace: 'default', uid: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`, labels: { app: 'bench' } },
    data: { payload: 'x'.repeat(400) },
  }));
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

async function creates(store: Store, prefix: string, n: number, concurrency: number): Promise<{ rate: number; p50: number; p99: number }> {
  const lat: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let i = next++; i < n; i = next++) {
      const s = performance.now();
      const r = await store.create(`${prefix}cm-${i}`, value(i));
      lat.push(performance.now() - s);
      if (!r.ok) throw new Error(`create ${i} conflicted`);
    }
  }));
  const secs = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  return { rate: n / secs, p50: pct(lat, 50), p99: pct(lat, 99) };
}

async function listTime(store: Store, prefix: string, n: number): Promise<number> {
  for (let i = 0; i < n; i += 500) {
    await Promise.all(Array.from({ length: Math.min(500, n - i) }, (_, j) => store.create(`${prefix}cm-${i + j}`, value(i + j))));
  }
  const times: number[] = [];
  for (let k = 0; k < 7; k++) {
    const t0 = performance.now();
    const res = await store.list(prefix);
    times.push(performance.now() - t0);
    if (res.kvs.length !== n) throw new Error(`LIST returned ${res.kvs.length} of ${n}`);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

async function run(backend: string, store: Store, sizes: { c1: number; c32: number }, rows: Row[]): Promise<void> {
  const c1 = await creates(store, '/registry/configmaps/c1/', sizes.c1, 1);
  rows.push({ backend, measure: `creates, concurrency 1 (${sizes.c1})`, value: c1.rate, unit: '/s', p50: c1.p50, p99: c1.p99, target: backend === 'etcd' ? 450 : undefined, higherIsBetter: true, note: backend === 'etcd' ? 'anchor: kube-apiserver on etcd, c=1' : undefined });
  const c32 = await creates(store, '/registry/configmaps/c32/', sizes.c32, 32);
  rows.push({ backend, measure: `creates, concurrency 32 (${sizes.c32})`, value: c32.rate, unit: '/s', p50: c32.p50, p99: c32.p99, target: backend === 'etcd' ? 1400 : undefined, higherIsBetter: true, note: backend === 'etcd' ? 'anchor: kube-apiserver on etcd, c=16' : undefined });
  const ms = await listTime(store, '/registry/configmaps/list/', 10_000);
  rows.push({ backend, measure: 'LIST 10,000 keys (median of 7)', value: ms, unit: 'ms', target: 100, higherIsBetter: false, note: 'store-level limit' });
}

function print(rows: Row[]): void {
  const fmt = (n: number | undefined, d = 1) => (n === undefined ? '' : n >= 100 ? n.toFixed(0) : n.toFixed(d));
  const table = [['backend', 'measure', 'value', 'p50 ms', 'p99 ms', 'target', 'ratio', 'note']];
  for (const r of rows) {
    const ratio = r.target === undefined ? '' : (r.higherIsBetter ? r.value / r.target : r.target / r.value).toFixed(2) + '×';
    table.push([r.backend, r.measure, `${fmt(r.value)} ${r.unit}`, fmt(r.p50, 2), fmt(r.p99, 2), r.target === undefined ? '' : `${r.higherIsBetter ? '≥' : '≤'} ${r.target} ${r.unit}`, ratio, r.note ?? '']);
  }
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
  for (const [i, row] of table.entries()) {
    console.log(row.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd());
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
  console.log('ratio > 1× means better than the target.');
}

const rows: Row[] = [];
const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-store-'));
try {
  const sqlite = new SqliteStore(join(dir, 'state.db'));
  try {
    await run('sqlite', sqlite, quick ? { c1: 2000, c32: 2000 } : { c1: 20_000, c32: 20_000 }, rows);
  } finally {
    await sqlite.close();
  }
  const etcd = await startEtcd({ dataDir: join(dir, 'etcd') });
  try {
    const store = new EtcdStore([etcd.endpoint.replace(/^http:\/\//, '')]);
    try {
      await run('etcd', store, quick ? { c1: 500, c32: 2000 } : { c1: 3000, c32: 10_000 }, rows);
    } finally {
      await store.close();
    }
  } finally {
    await etcd.stop();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
print(rows);
