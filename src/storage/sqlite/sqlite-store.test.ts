// Runs the Store conformance suite on SqliteStore, plus SQLite-only checks (speed, one process).

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runStoreConformance } from '../conformance.js';
import { SqliteStore } from './sqlite-store.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'k8ts-sqlite-'));
}

runStoreConformance('sqlite', async () => {
  const dir = tempDir();
  const file = join(dir, 'state.db');
  return {
    store: new SqliteStore(file),
    reopen: async () => new SqliteStore(file),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

test('sqlite: LIST of 10,000 keys is fast', async () => {
  const dir = tempDir();
  const store = new SqliteStore(join(dir, 'state.db'));
  try {
    const value = new TextEncoder().encode(JSON.stringify({ kind: 'ConfigMap', data: { x: 'y'.repeat(400) } }));
    for (let i = 0; i < 10_000; i++) await store.create(`/registry/configmaps/default/cm-${i}`, value);
    // the best of a few runs, so a busy machine does not fail the test
    let ms = Infinity;
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const res = await store.list('/registry/configmaps/');
      ms = Math.min(ms, performance.now() - t0);
      assert.equal(res.kvs.length, 10_000);
    }
    assert.ok(ms < 100, `LIST of 10,000 took ${ms.toFixed(1)} ms`);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sqlite: a second process cannot open the same file', async () => {
  const dir = tempDir();
  const file = join(dir, 'state.db');
  const store = new SqliteStore(file);
  try {
    await store.create('/k', new Uint8Array([1]));
    assert.throws(() => new SqliteStore(file), /open in another process/);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sqlite: compaction drops superseded history', async () => {
  const dir = tempDir();
  const file = join(dir, 'state.db');
  const store = new SqliteStore(file);
  try {
    const enc = (s: string) => new TextEncoder().encode(s);
    let r = await store.create('/a', enc('0'));
    for (let i = 1; i < 20_000; i++) {
      assert.ok(r.ok);
      r = await store.update('/a', enc(String(i)), r.revision);
    }
    await store.create('/b', enc('b'));
    await store.delete('/b');
    const now = await store.currentRevision();
    await store.compact(now);
    await store.close();
    const reopened = new SqliteStore(file);
    try {
      assert.equal(await reopened.currentRevision(), now, 'revision survives compaction of the newest rows');
      assert.equal(Buffer.from((await reopened.get('/a')).kv!.value).toString(), '19999');
      assert.equal((await reopened.get('/b')).kv, undefined);
      const c = await reopened.create('/c', enc('c'));
      assert.ok(c.ok && c.revision === now + 1);
    } finally {
      await reopened.close();
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sqlite: the WAL is started over under steady writes', async () => {
  const dir = tempDir();
  const file = join(dir, 'state.db');
  const store = new SqliteStore(file);
  try {
    const value = Buffer.from(JSON.stringify({ data: 'z'.repeat(600) }));
    // a tight loop: the event loop never turns unless the store holds a write
    for (let i = 0; i < 20_000; i++) assert.ok((await store.create(`/wal/${i}`, value)).ok);
    const walMB = statSync(`${file}-wal`).size / 1e6;
    // without restarts this WAL would be ~480 MB
    assert.ok(walMB < 200, `WAL is ${walMB.toFixed(0)} MB`);
    assert.equal((await store.count('/wal/')).count, 20_000);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
