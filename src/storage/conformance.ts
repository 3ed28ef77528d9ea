// The Store conformance suite (node:test): one set of behaviours every backend must show.
//
// Tests use keys under a fresh prefix each, so a backend may share one server (etcd) across
// tests; they never assume revisions start at 1 or are contiguous, only that they increase.
// The suite closes every store it is given (close must be idempotent); `cleanup` releases the
// rest. `reopen` is called after the store was closed and returns a store over the same data.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CompactedError, type KeyValue, type Store, type WatchEvent } from './store.js';

export interface ConformanceHandle {
  store: Store;
  reopen?: () => Promise<Store>;
  cleanup: () => Promise<void>;
}

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (v: Uint8Array | undefined) => (v === undefined ? undefined : Buffer.from(v).toString('utf8'));
let prefixSeq = 0;
const freshPrefix = (what: string) => `/conformance/${process.pid}-${Date.now().toString(36)}-${++prefixSeq}-${what}/`;

/** A watch that records what it receives. */
function collect(store: Store, prefix: string, afterRevision: number) {
  const ac = new AbortController();
  const batches: WatchEvent[][] = [];
  let error: Error | undefined;
  let wake: (() => void) | undefined;
  store.watch(prefix, { afterRevision, signal: ac.signal }, (evs) => {
    batches.push(evs);
    wake?.();
  }, (err) => {
    error = err;
    wake?.();
  });
  return {
    batches,
    get events() { return batches.flat(); },
    get error() { return error; },
    async until(pred: () => boolean, what: string, ms = 10_000): Promise<void> {
      const deadline = Date.now() + ms;
      while (!pred()) {
        if (error && !(what === 'error')) throw new Error(`watch failed while waiting for ${what}: ${error.message}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${batches.flat().length} events`);
        await new Promise<void>((r) => { wake = r; setTimeout(r, 25); });
      }
    },
    stop() { ac.abort(); },
  };
}

/** Batches hold one revision each, revisions strictly increase, and every event is under `prefix`. */
function assertOrdered(batches: WatchEvent[][], prefix: string): void {
  let last = 0;
  for (const b of batches) {
    assert.ok(b.length > 0, 'empty batch');
    const rev = b[0].kv.modRevision;
    for (const e of b) {
      assert.equal(e.kv.modRevision, rev, 'one revision per batch');
      assert.ok(e.kv.key.startsWith(prefix), `event for ${e.kv.key} outside ${prefix}`);
    }
    assert.ok(rev > last, `revision ${rev} after ${last}`);
    last = rev;
  }
}

function assertKv(kv: KeyValue | undefined, key: string, value: string, createRevision: number, modRevision: number): void {
  assert.ok(kv, `expected ${key}`);
  assert.equal(kv.key, key);
  assert.equal(dec(kv.value), value);
  assert.equal(kv.createRevision, createRevision, `createRevision of ${key}`);
  assert.equal(kv.modRevision, modRevision, `modRevision of ${key}`);
}

async function rejectsCompacted(p: Promise<unknown>): Promise<CompactedError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof CompactedError, `expected CompactedError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected CompactedError');
}

export function runStoreConformance(name: string, open: () => Promise<ConformanceHandle>): void {
  /** Run `fn` on a fresh handle, closing every store and cleaning up even when it fails. */
  const withStore = (fn: (h: ConformanceHandle, opened: Store[]) => Promise<void>) => async () => {
    const h = await open();
    const opened = [h.store];
    try {
      await fn(h, opened);
    } finally {
      for (const s of opened) await s.close().catch(() => {});
      await h.cleanup();
    }
  };
  const opts = { timeout: 60_000 };

  describe(`Store conformance: ${name}`, () => {
    test('create only if absent', opts, withStore(async ({ store }) => {
      const p = freshPrefix('create');
      const before = await store.currentRevision();
      const binary = new Uint8Array(256).map((_, i) => i);
      const r1 = await store.create(p + 'a', enc('one'));
      assert.ok(r1.ok);
      assert.ok(r1.revision > before);
      assertKv(r1.kv, p + 'a', 'one', r1.revision, r1.revision);
      const r2 = await store.create(p + 'a', enc('two'));
      assert.equal(r2.ok, false);
      assert.ok(r2.revision >= r1.revision);
      assertKv(r2.current, p + 'a', 'one', r1.revision, r1.revision);
      const got = await store.get(p + 'a');
      assert.ok(got.revision >= r1.revision);
      assertKv(got.kv, p + 'a', 'one', r1.revision, r1.revision);
      assert.equal((await store.get(p + 'missing')).kv, undefined);
      const rb = await store.create(p + 'bin', binary);
      assert.ok(rb.ok && rb.revision > r1.revision);
      assert.deepEqual(Buffer.from((await store.get(p + 'bin')).kv!.value), Buffer.from(binary));
      assert.equal(await store.currentRevision(), rb.revision);
    }));

    test('update compares the revision', opts, withStore(async ({ store }) => {
      const p = freshPrefix('update');
      const c = await store.create(p + 'a', enc('v1'));
      assert.ok(c.ok);
      const u1 = await store.update(p + 'a', enc('v2'), c.revision);
      assert.ok(u1.ok);
      assert.ok(u1.revision > c.revision);
      assertKv(u1.kv, p + 'a', 'v2', c.revision, u1.revision);
      const stale = await store.update(p + 'a', enc('v3'), c.revision);
      assert.equal(stale.ok, false);
      assertKv(stale.current, p + 'a', 'v2', c.revision, u1.revision);
      const missing = await store.update(p + 'nope', enc('x'), c.revision);
      assert.equal(missing.ok, false);
      assert.equal(missing.current, undefined);
      assertKv((await store.get(p + 'a')).kv, p + 'a', 'v2', c.revision, u1.revision);
    }));

    test('delete with and without a precondition', opts, withStore(async ({ store }) => {
      const p = freshPrefix('delete');
      const a = await store.create(p + 'a', enc('a1'));
      const b = await store.create(p + 'b', enc('b1'));
      assert.ok(a.ok && b.ok);
      const ua = await store.update(p + 'a', enc('a2'), a.revision);
      assert.ok(ua.ok);
      const stale = await store.delete(p + 'a', a.revision);
      assert.equal(stale.ok, false);
      assertKv(stale.current, p + 'a', 'a2', a.revision, ua.revision);
      const da = await store.delete(p + 'a', ua.revision);
      assert.ok(da.ok);
      assert.ok(da.revision > ua.revision);
      assertKv(da.prev, p + 'a', 'a2', a.revision, ua.revision);
      assert.equal((await store.get(p + 'a')).kv, undefined);
      const db = await store.delete(p + 'b');
      assert.ok(db.ok);
      assertKv(db.prev, p + 'b', 'b1', b.revision, b.revision);
      const gone = await store.delete(p + 'b');
      assert.equal(gone.ok, false);
      assert.equal(gone.current, undefined);
      const goneIf = await store.delete(p + 'b', b.revision);
      assert.equal(goneIf.ok, false);
      assert.equal(goneIf.current, undefined);
      assert.equal((await store.update(p + 'b', enc('x'), b.revision)).ok, false);
      // a deleted key can be created again, with a new createRevision
      const again = await store.create(p + 'a', enc('a3'));
      assert.ok(again.ok);
      assertKv(again.kv, p + 'a', 'a3', again.revision, again.revision);
      assert.deepEqual((await store.list(p)).kvs.map((kv) => kv.key), [p + 'a']);
    }));

    test('get and list at an older revision', opts, withStore(async ({ store }) => {
      const p = freshPrefix('history');
      await store.create(p + '0', enc('so that a.revision - 1 is a revision, not "latest"'));
      const a = await store.create(p + 'a', enc('a1'));
      const b = await store.create(p + 'b', enc('b1'));
      assert.ok(a.ok && b.ok);
      const ua = await store.update(p + 'a', enc('a2'), a.revision);
      assert.ok(ua.ok);
      const db = await store.delete(p + 'b');
      assert.ok(db.ok);
      const c = await store.create(p + 'c', enc('c1'));
      assert.ok(c.ok);

      assert.equal((await store.get(p + 'a', a.revision - 1)).kv, undefined);
      const atB = await store.get(p + 'a', b.revision);
      assert.equal(atB.revision, b.revision);
      assertKv(atB.kv, p + 'a', 'a1', a.revision, a.revision);
      assertKv((await store.get(p + 'a', ua.revision)).kv, p + 'a', 'a2', a.revision, ua.revision);
      assertKv((await store.get(p + 'b', ua.revision)).kv, p + 'b', 'b1', b.revision, b.revision);
      assert.equal((await store.get(p + 'b', db.revision)).kv, undefined);

      const l1 = await store.list(p, { revision: b.revision });
      assert.equal(l1.revision, b.revision);
      assert.deepEqual(l1.kvs.slice(1).map((kv) => [kv.key, dec(kv.value), kv.modRevision]), [[p + 'a', 'a1', a.revision], [p + 'b', 'b1', b.revision]]);
      const l2 = await store.list(p, { revision: db.revision });
      assert.deepEqual(l2.kvs.slice(1).map((kv) => [kv.key, dec(kv.value)]), [[p + 'a', 'a2']]);
      const l3 = await store.list(p, { revision: ua.revision, limit: 1, startKey: p + 'a' });
      assert.deepEqual(l3.kvs.map((kv) => kv.key), [p + 'a']);
      assert.equal(l3.more, true);
      assert.equal(l3.remaining, 1);
      const l4 = await store.list(p, { revision: ua.revision, startKey: p + 'a\x00' });
      assert.deepEqual(l4.kvs.map((kv) => kv.key), [p + 'b']);
      assert.equal(l4.more, false);
      const now = await store.list(p);
      assert.deepEqual(now.kvs.slice(1).map((kv) => [kv.key, dec(kv.value)]), [[p + 'a', 'a2'], [p + 'c', 'c1']]);
      assert.ok(now.revision >= c.revision);
      await assert.rejects(store.get(p + 'a', now.revision + 1000));
    }));

    test('list pages with limit and startKey', opts, withStore(async ({ store }) => {
      const p = freshPrefix('pages');
      const n = 250;
      const keys = Array.from({ length: n }, (_, i) => `${p}k${String(i).padStart(4, '0')}`);
      for (let i = 0; i < n; i += 50) {
        const rs = await Promise.all(keys.slice(i, i + 50).map((k) => store.create(k, enc(JSON.stringify({ k })))));
        assert.ok(rs.every((r) => r.ok));
      }
      // neighbours that share the prefix's text but are outside it
      await store.create(p.slice(0, -1) + 'x', enc('outside'));
      await store.create(p.slice(0, -1), enc('outside'));
      const first = await store.list(p, { limit: 100 });
      assert.equal(first.kvs.length, 100);
      assert.equal(first.more, true);
      assert.equal(first.remaining, 150);
      const seen = [...first.kvs];
      let page = first;
      // later writes must not show in the pages read at the first page's revision
      await store.create(p + 'k0100a', enc('late'));
      await store.delete(keys[200]);
      while (page.more) {
        page = await store.list(p, { limit: 100, revision: first.revision, startKey: page.kvs[page.kvs.length - 1].key + '\x00' });
        assert.equal(page.revision, first.revision);
        seen.push(...page.kvs);
        if (page.more) assert.equal(page.remaining, n - seen.length);
      }
      assert.equal(page.kvs.length, 50);
      assert.deepEqual(seen.map((kv) => kv.key), keys);
      const all = await store.list(p);
      assert.equal(all.more, false);
      assert.equal(all.kvs.length, n);
      assert.ok(all.kvs.some((kv) => kv.key === p + 'k0100a'));
      const tail = await store.list(p, { startKey: keys[240] });
      assert.deepEqual(tail.kvs.map((kv) => kv.key), keys.slice(240));
      assert.equal((await store.list(p, { startKey: p.slice(0, -1) })).kvs.length, n);
      assert.equal((await store.list(p, { startKey: p + '\uffff' })).kvs.length, 0);
    }));

    test('count', opts, withStore(async ({ store }) => {
      const p = freshPrefix('count');
      await Promise.all(Array.from({ length: 30 }, (_, i) => store.create(`${p}${i}`, enc('x'))));
      await Promise.all(Array.from({ length: 5 }, (_, i) => store.create(`${p}sub/${i}`, enc('x'))));
      await store.create(p.slice(0, -1) + 'y/1', enc('x'));
      const c = await store.count(p);
      assert.equal(c.count, 35);
      assert.equal(c.revision, await store.currentRevision());
      assert.equal((await store.count(p + 'sub/')).count, 5);
      await store.delete(p + '3');
      assert.equal((await store.count(p)).count, 34);
      assert.equal((await store.count(p + 'none/')).count, 0);
    }));

    test('watch replays history, then live events, in order', opts, withStore(async ({ store }) => {
      const p = freshPrefix('watch');
      const r0 = await store.currentRevision();
      const a1 = await store.create(p + 'a', enc('a1'));
      assert.ok(a1.ok);
      const a2 = await store.update(p + 'a', enc('a2'), a1.revision);
      assert.ok(a2.ok);
      const b1 = await store.create(p + 'b', enc('b1'));
      assert.ok(b1.ok);
      const bd = await store.delete(p + 'b');
      assert.ok(bd.ok);

      const w = collect(store, p, r0);
      const mid = collect(store, p, a2.revision);
      try {
        await w.until(() => w.events.length >= 4, 'replayed events');
        const [e1, e2, e3, e4] = w.events;
        assert.equal(e1.type, 'PUT');
        assertKv(e1.kv, p + 'a', 'a1', a1.revision, a1.revision);
        assert.equal(e1.prev, undefined);
        assert.equal(e2.type, 'PUT');
        assertKv(e2.kv, p + 'a', 'a2', a1.revision, a2.revision);
        assertKv(e2.prev, p + 'a', 'a1', a1.revision, a1.revision);
        assert.equal(e3.type, 'PUT');
        assertKv(e3.kv, p + 'b', 'b1', b1.revision, b1.revision);
        assert.equal(e4.type, 'DELETE');
        assertKv(e4.kv, p + 'b', 'b1', b1.revision, bd.revision);
        assertKv(e4.prev, p + 'b', 'b1', b1.revision, b1.revision);

        const c1 = await store.create(p + 'c', enc('c1'));
        const a3 = await store.update(p + 'a', enc('a3'), a2.revision);
        const ad = await store.delete(p + 'a', a3.revision);
        assert.ok(c1.ok && a3.ok && ad.ok);
        await w.until(() => w.events.length >= 7, 'live events');
        const [e5, e6, e7] = w.events.slice(4);
        assertKv(e5.kv, p + 'c', 'c1', c1.revision, c1.revision);
        assert.equal(e5.prev, undefined);
        assertKv(e6.kv, p + 'a', 'a3', a1.revision, a3.revision);
        assertKv(e6.prev, p + 'a', 'a2', a1.revision, a2.revision);
        assert.equal(e7.type, 'DELETE');
        assertKv(e7.kv, p + 'a', 'a3', a1.revision, ad.revision);
        assertKv(e7.prev, p + 'a', 'a3', a1.revision, a3.revision);
        assertOrdered(w.batches, p);

        await mid.until(() => mid.events.length >= 5, 'events after the middle revision');
        assert.deepEqual(mid.events.map((e) => e.kv.modRevision), [b1.revision, bd.revision, c1.revision, a3.revision, ad.revision]);
        assertOrdered(mid.batches, p);
        await new Promise((r) => setTimeout(r, 100));
        assert.equal(w.events.length, 7, 'no duplicates');
        assert.equal(w.error, undefined);
      } finally {
        w.stop();
        mid.stop();
      }
    }));

    test('watch switches from replay to live without gaps or duplicates', opts, withStore(async ({ store }) => {
      const p = freshPrefix('switch');
      const r0 = await store.currentRevision();
      const expected: number[] = [];
      const write = async (i: number) => {
        const r = await store.create(`${p}${String(i).padStart(5, '0')}`, enc(`{"i":${i}}`));
        assert.ok(r.ok);
        expected.push(r.revision);
      };
      // enough history that a replay takes several steps
      let i = 0;
      for (; i < 1200; i += 100) await Promise.all(Array.from({ length: 100 }, (_, j) => write(i + j)));
      // writes that race with the start of the watch and its replay
      const racing = Array.from({ length: 50 }, () => write(i++));
      const w = collect(store, p, r0);
      const trickle = (async () => {
        for (let k = 0; k < 100; k++) {
          await write(i++);
          if (k % 10 === 0) await new Promise((r) => setImmediate(r));
        }
      })();
      try {
        await Promise.all([...racing, trickle]);
        expected.sort((x, y) => x - y);
        await w.until(() => w.events.length >= expected.length, `${expected.length} events`, 30_000);
        await new Promise((r) => setTimeout(r, 100));
        assertOrdered(w.batches, p);
        assert.deepEqual(w.events.map((e) => e.kv.modRevision), expected);
      } finally {
        w.stop();
      }
    }));

    test('watch sees only its prefix, and stops when aborted', opts, withStore(async ({ store }) => {
      const base = freshPrefix('iso');
      const r0 = await store.currentRevision();
      const wa = collect(store, base + 'a/', r0);
      const wall = collect(store, base, r0);
      try {
        await store.create(base + 'a/1', enc('x'));
        await store.create(base + 'ab', enc('x'));
        await store.create(base + 'a', enc('x'));
        await store.create(base + 'b/1', enc('x'));
        await store.create(base + 'a/2', enc('x'));
        await wa.until(() => wa.events.length >= 2, 'prefix events');
        await wall.until(() => wall.events.length >= 5, 'all events');
        assert.deepEqual(wa.events.map((e) => e.kv.key), [base + 'a/1', base + 'a/2']);
        assertOrdered(wall.batches, base);
        wa.stop();
        await new Promise((r) => setTimeout(r, 50));
        await store.create(base + 'a/3', enc('x'));
        await wall.until(() => wall.events.length >= 6, 'event after abort');
        await new Promise((r) => setTimeout(r, 100));
        assert.equal(wa.events.length, 2, 'no events after abort');
        assert.equal(wa.error, undefined);
      } finally {
        wa.stop();
        wall.stop();
      }
    }));

    test('compaction refuses old revisions and keeps the latest data', opts, withStore(async ({ store }) => {
      const p = freshPrefix('compact');
      const a1 = await store.create(p + 'a', enc('a1'));
      assert.ok(a1.ok);
      const a2 = await store.update(p + 'a', enc('a2'), a1.revision);
      assert.ok(a2.ok);
      const b1 = await store.create(p + 'b', enc('b1'));
      assert.ok(b1.ok);
      const c1 = await store.create(p + 'c', enc('c1'));
      assert.ok(c1.ok);
      const bd = await store.delete(p + 'b');
      assert.ok(bd.ok);
      const d1 = await store.create(p + 'd', enc('d1'));
      assert.ok(d1.ok);
      const cd = await store.delete(p + 'c');
      assert.ok(cd.ok);

      const rc = bd.revision;
      await store.compact(rc);
      assert.ok((await store.compactedRevision()) >= rc);
      const e1 = await rejectsCompacted(store.get(p + 'a', a1.revision));
      assert.equal(e1.requested, a1.revision);
      assert.ok(e1.compacted >= rc);
      await rejectsCompacted(store.list(p, { revision: a2.revision }));
      await rejectsCompacted(store.list(p, { revision: rc - 1, limit: 1 }));
      const w = collect(store, p, a1.revision);
      await w.until(() => w.error !== undefined, 'error');
      assert.ok(w.error instanceof CompactedError, `got ${String(w.error)}`);
      assert.equal(w.events.length, 0);
      // the boundary: below the compacted revision is gone, the compacted revision itself is not
      await rejectsCompacted(store.get(p + 'a', rc - 1));
      const edge = collect(store, p, rc - 1);
      await edge.until(() => edge.error !== undefined, 'error');
      assert.ok(edge.error instanceof CompactedError, `got ${String(edge.error)}`);
      assert.equal(edge.events.length, 0);

      // the state at the compacted revision and after it stays readable
      const atRc = await store.list(p, { revision: rc });
      assert.deepEqual(atRc.kvs.map((kv) => [kv.key, dec(kv.value)]), [[p + 'a', 'a2'], [p + 'c', 'c1']]);
      assertKv((await store.get(p + 'c', rc)).kv, p + 'c', 'c1', c1.revision, c1.revision);
      assertKv((await store.get(p + 'a')).kv, p + 'a', 'a2', a1.revision, a2.revision);
      assert.deepEqual((await store.list(p)).kvs.map((kv) => [kv.key, dec(kv.value)]), [[p + 'a', 'a2'], [p + 'd', 'd1']]);
      const after = collect(store, p, rc);
      try {
        await after.until(() => after.events.length >= 2, 'events after the compacted revision');
        assert.deepEqual(after.events.map((e) => [e.type, e.kv.key, e.kv.modRevision]), [['PUT', p + 'd', d1.revision], ['DELETE', p + 'c', cd.revision]]);
        assertKv(after.events[1].prev, p + 'c', 'c1', c1.revision, c1.revision);
        const a3 = await store.update(p + 'a', enc('a3'), a2.revision);
        assert.ok(a3.ok);
        await after.until(() => after.events.length >= 3, 'live event after compaction');
        assertKv(after.events[2].prev, p + 'a', 'a2', a1.revision, a2.revision);
      } finally {
        after.stop();
      }
      // compacting again at or below the compacted revision is a no-op
      await store.compact(rc);
      await store.compact(rc - 1);
    }));

    test('restart keeps data and revisions, and watches resume', opts, withStore(async (h, opened) => {
      if (!h.reopen) return;
      const p = freshPrefix('restart');
      const a = await h.store.create(p + 'a', enc('a1'));
      assert.ok(a.ok);
      const b = await h.store.create(p + 'b', enc('b1'));
      assert.ok(b.ok);
      const ub = await h.store.update(p + 'b', enc('b2'), b.revision);
      assert.ok(ub.ok);
      const before = await h.store.currentRevision();
      await h.store.close();
      const s2 = await h.reopen();
      opened.push(s2);
      assert.ok((await s2.currentRevision()) >= before);
      assertKv((await s2.get(p + 'a')).kv, p + 'a', 'a1', a.revision, a.revision);
      assertKv((await s2.get(p + 'b', b.revision)).kv, p + 'b', 'b1', b.revision, b.revision);
      const c = await s2.create(p + 'c', enc('c1'));
      assert.ok(c.ok);
      assert.ok(c.revision > before);
      const dup = await s2.create(p + 'a', enc('again'));
      assert.equal(dup.ok, false);
      const w = collect(s2, p, a.revision - 1);
      try {
        await w.until(() => w.events.length >= 4, 'replay across the restart');
        assert.deepEqual(w.events.map((e) => [e.kv.key, dec(e.kv.value), e.kv.modRevision]), [
          [p + 'a', 'a1', a.revision], [p + 'b', 'b1', b.revision], [p + 'b', 'b2', ub.revision], [p + 'c', 'c1', c.revision],
        ]);
        assertKv(w.events[2].prev, p + 'b', 'b1', b.revision, b.revision);
        const d = await s2.create(p + 'd', enc('d1'));
        assert.ok(d.ok);
        await w.until(() => w.events.length >= 5, 'live event after the restart');
        assertOrdered(w.batches, p);
      } finally {
        w.stop();
      }
    }));
  });
}
