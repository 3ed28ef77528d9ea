// Tests for the work queue, its rate limiters and the controller loop, on a fake clock.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from './clock.js';
import { BucketRateLimiter, ItemExponentialFailureRateLimiter, defaultControllerRateLimiter } from './rate-limiter.js';
import { RateLimitingQueue } from './workqueue.js';
import { TerminalError, runController } from './controller.js';

/** get() that must resolve at once (the queue has a key or is shut down) */
async function getNow<K>(q: RateLimitingQueue<K>): Promise<K | undefined> {
  let out: { v: K | undefined } | undefined;
  void q.get().then((v) => (out = { v }));
  await Promise.resolve();
  await Promise.resolve();
  assert.ok(out, 'get() should have resolved at once');
  return out.v;
}

test('dedups while queued, FIFO by first add', async () => {
  const q = new RateLimitingQueue<string>({ clock: new FakeClock() });
  q.add('a');
  q.add('b');
  q.add('a');
  q.add('c');
  q.add('b');
  assert.equal(q.len(), 3);
  assert.equal(await getNow(q), 'a');
  assert.equal(await getNow(q), 'b');
  assert.equal(await getNow(q), 'c');
  assert.equal(q.len(), 0);
});

test('a key added while processing is queued again after done, and never handed out twice at once', async () => {
  const q = new RateLimitingQueue<string>({ clock: new FakeClock() });
  q.add('a');
  const k = await getNow(q);
  assert.equal(k, 'a');
  q.add('a');
  q.add('a');
  assert.equal(q.len(), 0, 'not queued while processing');
  let second: string | undefined;
  void q.get().then((v) => (second = v));
  await new Promise((r) => setImmediate(r));
  assert.equal(second, undefined, 'no second worker gets the key being processed');
  q.done('a');
  await new Promise((r) => setImmediate(r));
  assert.equal(second, 'a');
  q.done('a');
  assert.equal(q.len(), 0);
});

test('waiting get() calls are served in order', async () => {
  const q = new RateLimitingQueue<string>({ clock: new FakeClock() });
  const got: string[] = [];
  const p1 = q.get().then((v) => got.push(`1:${v}`));
  const p2 = q.get().then((v) => got.push(`2:${v}`));
  q.add('x');
  q.add('y');
  await Promise.all([p1, p2]);
  assert.deepEqual(got, ['1:x', '2:y']);
});

test('addAfter: due keys come out in time order; the earliest time per key wins', async () => {
  const clock = new FakeClock();
  const q = new RateLimitingQueue<string>({ clock });
  q.addAfter('late', 300);
  q.addAfter('early', 100);
  q.addAfter('mid', 200);
  q.addAfter('late', 50); // moves earlier
  q.addAfter('early', 500); // later: ignored
  assert.equal(q.len(), 0);
  clock.step(49);
  assert.equal(q.len(), 0);
  clock.step(1);
  assert.equal(q.len(), 1);
  clock.step(1000);
  assert.deepEqual([await getNow(q), await getNow(q), await getNow(q)], ['late', 'early', 'mid']);
  assert.equal(clock.pending(), 0);
  q.addAfter('now', 0);
  assert.equal(q.len(), 1);
});

test('addRateLimited backs off 5 ms × 2^n per key; forget resets', async () => {
  const clock = new FakeClock();
  const q = new RateLimitingQueue<string>({ clock, rateLimiter: new ItemExponentialFailureRateLimiter(5, 1000_000) });
  for (const want of [5, 10, 20, 40, 80]) {
    q.addRateLimited('k');
    clock.step(want - 1);
    assert.equal(q.len(), 0, `not before ${want} ms`);
    clock.step(1);
    assert.equal(q.len(), 1, `after ${want} ms`);
    assert.equal(await getNow(q), 'k');
    q.done('k');
  }
  assert.equal(q.numRequeues('k'), 5);
  q.forget('k');
  assert.equal(q.numRequeues('k'), 0);
  q.addRateLimited('k');
  clock.step(5);
  assert.equal(q.len(), 1);
  // other keys have their own history
  q.addRateLimited('other');
  clock.step(5);
  assert.equal(q.len(), 2);
});

test('per-key backoff caps at 1000 s; the default limiter adds a 10 qps / 100 burst bucket', () => {
  const l = new ItemExponentialFailureRateLimiter<string>();
  let last = 0;
  for (let i = 0; i < 100; i++) last = l.when('x');
  assert.equal(last, 1000_000);
  const clock = new FakeClock();
  const b = new BucketRateLimiter<string>(10, 100, clock);
  for (let i = 0; i < 100; i++) assert.equal(b.when(`k${i}`), 0);
  assert.equal(b.when('k100'), 100);
  assert.equal(b.when('k101'), 200);
  clock.step(1000); // 10 tokens back, 2 were borrowed
  assert.equal(b.when('k102'), 0);
  const d = defaultControllerRateLimiter<string>(clock);
  assert.equal(d.when('a'), 5);
  assert.equal(d.when('a'), 10);
  d.forget('a');
  assert.equal(d.when('a'), 5);
});

test('shutDown: adds are ignored, queued keys drain, then get() resolves undefined', async () => {
  const clock = new FakeClock();
  const q = new RateLimitingQueue<string>({ clock });
  q.add('a');
  q.add('b');
  q.addAfter('later', 100);
  const a = await getNow(q);
  q.add('a'); // dirty while processing: still handed out after done
  let drained = false;
  const drain = q.shutDownWithDrain().then(() => (drained = true));
  q.add('c');
  clock.step(200);
  assert.equal(await getNow(q), 'b');
  q.done('b');
  q.done(a!);
  assert.equal(await getNow(q), 'a');
  assert.equal(drained, false);
  q.done('a');
  await drain;
  assert.equal(drained, true);
  assert.equal(await getNow(q), undefined);
  // a waiting worker is released by shutDown
  const q2 = new RateLimitingQueue<string>({ clock });
  const w = q2.get();
  q2.shutDown();
  assert.equal(await w, undefined);
});

test('runController: retries throws with backoff, forgets on success, never retries TerminalError', async () => {
  const q = new RateLimitingQueue<string>({ rateLimiter: new ItemExponentialFailureRateLimiter(1, 1000) });
  const calls: string[] = [];
  const logs: string[] = [];
  let failures = 3;
  const ac = new AbortController();
  const reconciler = {
    name: 'test-controller',
    async reconcile(key: string) {
      calls.push(key);
      if (key === 'flaky' && failures-- > 0) throw new Error('boom');
      if (key === 'bad') throw new TerminalError('bad spec');
      if (key === 'later' && calls.filter((c) => c === 'later').length === 1) return { requeueAfterMs: 5 };
    },
  };
  const done = runController(reconciler, q, { workers: 2, signal: ac.signal, log: (m) => logs.push(m) });
  q.add('flaky');
  q.add('bad');
  q.add('later');
  const deadline = Date.now() + 5000;
  while ((calls.filter((c) => c === 'flaky').length < 4 || calls.filter((c) => c === 'later').length < 2) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  assert.equal(calls.filter((c) => c === 'flaky').length, 4);
  assert.equal(calls.filter((c) => c === 'bad').length, 1);
  assert.equal(calls.filter((c) => c === 'later').length, 2);
  assert.equal(q.numRequeues('flaky'), 0, 'forgotten after the success');
  assert.ok(logs.some((m) => m === 'test-controller: flaky: boom'), logs.join('\n'));
  assert.ok(logs.some((m) => m.startsWith('test-controller: bad: bad spec')), logs.join('\n'));
  ac.abort();
  await done;
});
