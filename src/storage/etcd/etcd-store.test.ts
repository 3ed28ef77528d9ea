// Runs the Store conformance suite on EtcdStore against a real etcd, plus etcd-only checks (failover).

import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { startEtcd, type EtcdHandle } from '../../../test/helpers/etcd.js';
import { runStoreConformance } from '../conformance.js';
import type { WatchEvent } from '../store.js';
import { EtcdStore } from './etcd-store.js';

let etcd: EtcdHandle | undefined;
const hosts = () => [etcd!.endpoint.replace(/^http:\/\//, '')];
const enc = (s: string) => new TextEncoder().encode(s);

before(async () => {
  etcd = await startEtcd();
});

after(async () => {
  await etcd?.stop();
});

runStoreConformance('etcd', async () => ({
  store: new EtcdStore(hosts()),
  reopen: async () => {
    await etcd!.restart();
    return new EtcdStore(hosts());
  },
  cleanup: async () => {},
}));

/** A loopback port nothing listens on. */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

test('etcd: requests and watches fail over from a dead endpoint to a live one', async () => {
  const probe = new EtcdStore(hosts());
  const r0 = await probe.currentRevision();
  await probe.close();
  // the dead endpoint comes first, so both the watch and the first request start there
  const store = new EtcdStore([`127.0.0.1:${await deadPort()}`, ...hosts()]);
  const ac = new AbortController();
  try {
    const p = `/failover/${Date.now()}/`;
    const got: WatchEvent[] = [];
    let error: Error | undefined;
    store.watch(p, { afterRevision: r0, signal: ac.signal }, (evs) => got.push(...evs), (e) => { error = e; });
    const r = await store.create(p + 'a', enc('x'));
    assert.ok(r.ok);
    assert.equal((await store.get(p + 'a')).kv?.modRevision, r.revision);
    const deadline = Date.now() + 10_000;
    while (got.length < 1 && Date.now() < deadline && !error) await new Promise((res) => setTimeout(res, 20));
    assert.equal(error, undefined);
    assert.deepEqual(got.map((e) => e.kv.modRevision), [r.revision]);
  } finally {
    ac.abort();
    await store.close();
  }
});

test('etcd: a watch survives an etcd restart without gaps', async () => {
  const store = new EtcdStore(hosts(), { retryBudgetMs: 10_000 });
  const p = `/survive/${Date.now()}/`;
  const ac = new AbortController();
  try {
    const r0 = await store.currentRevision();
    const got: WatchEvent[] = [];
    let error: Error | undefined;
    store.watch(p, { afterRevision: r0, signal: ac.signal }, (evs) => got.push(...evs), (e) => { error = e; });
    const revs: number[] = [];
    for (let i = 0; i < 5; i++) revs.push((await store.create(`${p}a${i}`, enc('x'))).revision);
    await etcd!.restart();
    for (let i = 0; i < 5; i++) revs.push((await store.create(`${p}b${i}`, enc('x'))).revision);
    const deadline = Date.now() + 15_000;
    while (got.length < revs.length && Date.now() < deadline && !error) await new Promise((res) => setTimeout(res, 20));
    assert.equal(error, undefined);
    assert.deepEqual(got.map((e) => e.kv.modRevision), revs);
  } finally {
    ac.abort();
    await store.close();
  }
});
