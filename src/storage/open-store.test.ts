// Tests for openStore / parseStoreEndpoint: schemes, defaults, and the error for unknown schemes.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { openStore, parseStoreEndpoint } from './open-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';

test('parseStoreEndpoint: sqlite forms', () => {
  assert.deepEqual(parseStoreEndpoint(undefined, '/data'), { kind: 'sqlite', file: '/data/state.db' });
  assert.deepEqual(parseStoreEndpoint('', 'rel'), { kind: 'sqlite', file: resolve('rel', 'state.db') });
  assert.deepEqual(parseStoreEndpoint('sqlite:///var/k8ts/x.db', '/data'), { kind: 'sqlite', file: '/var/k8ts/x.db' });
  assert.deepEqual(parseStoreEndpoint('sqlite://db/x.db', '/data'), { kind: 'sqlite', file: resolve('db/x.db') });
});

test('parseStoreEndpoint: etcd forms', () => {
  const both = { kind: 'etcd', hosts: ['h1:2379', 'h2:2380'] };
  assert.deepEqual(parseStoreEndpoint('etcd://h1:2379,h2:2380', '/d'), both);
  assert.deepEqual(parseStoreEndpoint('etcd://h1,h2:2380', '/d'), both);
  assert.deepEqual(parseStoreEndpoint('http://h1:2379,http://h2:2380', '/d'), both);
  assert.deepEqual(parseStoreEndpoint('http://h1:2379,h2:2380/', '/d'), both);
  assert.deepEqual(parseStoreEndpoint('h1:2379, h2:2380', '/d'), both);
  assert.deepEqual(parseStoreEndpoint('etcd://[::1]:2379', '/d'), { kind: 'etcd', hosts: ['[::1]:2379'] });
});

test('parseStoreEndpoint: refuses what it does not know, by name', () => {
  assert.throws(() => parseStoreEndpoint('mysql://root@tcp(127.0.0.1)/k8ts', '/d'), /unsupported datastore endpoint.*accepted: sqlite:\/\/FILE, etcd:\/\//);
  assert.throws(() => parseStoreEndpoint('https://h1:2379', '/d'), /TLS/);
  assert.throws(() => parseStoreEndpoint('etcd://', '/d'), /names no etcd hosts/);
  assert.throws(() => parseStoreEndpoint('/var/state.db', '/d'), /bad etcd host/);
});

test('openStore: the default is SQLite under the data dir', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-open-'));
  try {
    const store = await openStore(undefined, join(dir, 'nested'));
    assert.ok(store instanceof SqliteStore);
    await store.create('/k', new Uint8Array([1]));
    await store.close();
    assert.ok(existsSync(join(dir, 'nested', 'state.db')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
