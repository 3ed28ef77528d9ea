// kill -9 test for both Store backends: every write acknowledged before the crash is there after it.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { openStore } from '../src/storage/open-store.js';
import { startEtcd, type EtcdHandle } from './helpers/etcd.js';

const WRITER = fileURLToPath(new URL('./helpers/store-writer.js', import.meta.url));
const PREFIX = '/crash/';
const children = new Set<ChildProcess>();
const cleanups: (() => Promise<void>)[] = [];

after(async () => {
  for (const c of children) c.kill('SIGKILL');
  for (const fn of cleanups) await fn().catch(() => {});
});

/**
 * Run the writer against `endpoint` until it has acknowledged at least `acks` writes, then
 * SIGKILL it (and call `alsoKill`, at the same moment). Returns every acknowledged write.
 */
async function burstAndKill(endpoint: string, acks: number, alsoKill?: () => Promise<void>): Promise<Map<string, number>> {
  const child = spawn(process.execPath, [WRITER, endpoint, PREFIX], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const acked = new Map<string, number>();
  let stderr = '';
  let buffered = '';
  let count = 0;
  let killed = false;
  let killedPromise: Promise<void> | undefined;
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const closed = new Promise<void>((resolve) => child.stdout!.once('close', () => resolve()));
  child.stdout!.on('data', (d: Buffer) => {
    buffered += d.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) {
      const m = /^ack (\S+) (\d+)$/.exec(line);
      if (!m) continue;
      acked.set(m[1], Math.max(acked.get(m[1]) ?? 0, Number(m[2])));
      count++;
    }
    if (!killed && count >= acks) {
      killed = true;
      child.kill('SIGKILL');
      killedPromise = alsoKill?.();
    }
  });
  const timeout = setTimeout(() => { if (!killed) child.kill('SIGKILL'); }, 60_000);
  await exited;
  await closed;
  clearTimeout(timeout);
  await killedPromise;
  children.delete(child);
  assert.ok(killed, `writer ended (${child.exitCode ?? child.signalCode}) before ${acks} acks (${count}): ${stderr}`);
  assert.equal(child.signalCode, 'SIGKILL', `writer should die of SIGKILL, not: ${stderr}`);
  return acked;
}

async function verify(endpoint: string, dataDir: string, acked: Map<string, number>): Promise<void> {
  const store = await openStore(endpoint, dataDir);
  try {
    const list = await store.list(PREFIX);
    const byKey = new Map(list.kvs.map((kv) => [kv.key, kv]));
    for (const [key, rev] of acked) {
      const kv = byKey.get(key);
      assert.ok(kv, `acknowledged ${key}@${rev} is missing`);
      assert.ok(kv.modRevision >= rev, `${key} is at ${kv.modRevision}, acknowledged ${rev}`);
    }
    for (const kv of list.kvs) assert.doesNotThrow(() => JSON.parse(Buffer.from(kv.value).toString('utf8')), `value of ${kv.key} is not JSON`);
    const maxAcked = Math.max(...acked.values());
    assert.ok((await store.currentRevision()) >= maxAcked);
    // the store takes writes again, after the last acknowledged revision
    const r = await store.create(`${PREFIX}after-crash`, Buffer.from('{}'));
    assert.ok(r.ok && r.revision > maxAcked);
  } finally {
    await store.close();
  }
}

test('sqlite: every acknowledged write survives kill -9 of the writer', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-crash-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  const endpoint = `sqlite://${join(dir, 'state.db')}`;
  const acked = await burstAndKill(endpoint, 2000);
  assert.ok(acked.size > 0);
  await verify(endpoint, dir, acked);
});

test('etcd: every acknowledged write survives kill -9 of the writer and of etcd', async () => {
  const etcd: EtcdHandle = await startEtcd();
  cleanups.push(() => etcd.stop());
  const acked = await burstAndKill(etcd.url, 500, () => etcd.crash());
  assert.ok(acked.size > 0);
  await etcd.restart();
  await verify(etcd.url, etcd.dataDir, acked);
});
