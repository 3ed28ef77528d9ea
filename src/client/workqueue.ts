// The rate-limited work queue (client-go's util/workqueue): FIFO with a dirty set and a processing set, delays, backoff.

import type { Clock, TimerHandle } from './clock.js';
import { realClock } from './clock.js';
import type { RateLimiter } from './rate-limiter.js';
import { defaultControllerRateLimiter } from './rate-limiter.js';
import type { WorkQueue } from './types.js';

export interface WorkQueueOptions<K> {
  /** for logs */
  name?: string;
  clock?: Clock;
  /** default: defaultControllerRateLimiter (max of 5 ms × 2^n up to 1000 s per key, 10 qps / 100 burst) */
  rateLimiter?: RateLimiter<K>;
}

interface Delayed<K> {
  at: number;
  seq: number;
  key: K;
  cancelled: boolean;
}

/**
 * Contracts (as client-go):
 * - a key is queued at most once (adds while queued are merged) and handed to one worker at a time;
 *   an add while the key is being processed is kept and the key is queued again at done(key);
 * - keys come out in the order they were first added (FIFO); waiting get() calls are served in call order;
 * - addAfter keeps the earliest pending time per key; due keys are added in time order;
 * - after shutDown() adds are ignored, delayed keys are dropped, get() hands out what is still queued
 *   and then resolves undefined.
 */
export class RateLimitingQueue<K = string> implements WorkQueue<K> {
  readonly name: string;
  private readonly clock: Clock;
  private readonly rateLimiter: RateLimiter<K>;
  private queue: K[] = [];
  private head = 0;
  private readonly dirty = new Set<K>();
  private readonly processing = new Set<K>();
  private readonly waiters: ((key: K | undefined) => void)[] = [];
  private shuttingDown = false;
  private readonly drainWaiters: (() => void)[] = [];
  // delayed adds: a min-heap on (at, seq), one live entry per key
  private readonly heap: Delayed<K>[] = [];
  private readonly waiting = new Map<K, Delayed<K>>();
  private seq = 0;
  private timer?: TimerHandle;
  private timerAt = Infinity;

  constructor(opts: WorkQueueOptions<K> = {}) {
    this.name = opts.name ?? '';
    this.clock = opts.clock ?? realClock;
    this.rateLimiter = opts.rateLimiter ?? defaultControllerRateLimiter<K>(this.clock);
  }

  add(key: K): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.queue.push(key);
    this.dispatch();
  }

  addAfter(key: K, delayMs: number): void {
    if (this.shuttingDown) return;
    if (!(delayMs > 0)) return this.add(key);
    const at = this.clock.now() + delayMs;
    const existing = this.waiting.get(key);
    if (existing) {
      if (existing.at <= at) return;
      existing.cancelled = true;
    }
    const entry: Delayed<K> = { at, seq: this.seq++, key, cancelled: false };
    this.waiting.set(key, entry);
    this.heapPush(entry);
    this.schedule();
  }

  addRateLimited(key: K): void {
    this.addAfter(key, this.rateLimiter.when(key));
  }

  forget(key: K): void {
    this.rateLimiter.forget(key);
  }

  /** how many times the key was rate-limited since its last forget() */
  numRequeues(key: K): number {
    return this.rateLimiter.numRequeues(key);
  }

  get(): Promise<K | undefined> {
    if (this.head < this.queue.length) return Promise.resolve(this.take());
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  done(key: K): void {
    if (!this.processing.delete(key)) return;
    if (this.dirty.has(key)) {
      this.queue.push(key);
      this.dispatch();
    }
    this.checkDrained();
  }

  /** keys ready for a worker (not counting delayed or in-process ones) */
  len(): number {
    return this.queue.length - this.head;
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  shutDown(): void {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    this.timer?.cancel();
    this.timer = undefined;
    this.timerAt = Infinity;
    this.heap.length = 0;
    this.waiting.clear();
    this.dispatch();
    this.checkDrained();
  }

  /** shutDown(), then resolves once every queued key was handed out and every handed-out key is done() */
  shutDownWithDrain(): Promise<void> {
    this.shutDown();
    if (this.len() === 0 && this.processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private take(): K {
    const key = this.queue[this.head++];
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.dirty.delete(key);
    this.processing.add(key);
    return key;
  }

  private dispatch(): void {
    while (this.waiters.length && this.head < this.queue.length) this.waiters.shift()!(this.take());
    if (this.shuttingDown && this.head >= this.queue.length) for (const w of this.waiters.splice(0)) w(undefined);
  }

  private checkDrained(): void {
    if (this.shuttingDown && this.len() === 0 && this.processing.size === 0) for (const w of this.drainWaiters.splice(0)) w();
  }

  private schedule(): void {
    while (this.heap.length && this.heap[0].cancelled) this.heapPop();
    const next = this.heap[0];
    if (!next) return;
    if (this.timer && next.at >= this.timerAt) return;
    this.timer?.cancel();
    this.timerAt = next.at;
    this.timer = this.clock.setTimer(() => this.fire(), next.at - this.clock.now());
  }

  private fire(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = this.clock.now();
    while (this.heap.length && this.heap[0].at <= now) {
      const e = this.heapPop();
      if (e.cancelled) continue;
      this.waiting.delete(e.key);
      this.add(e.key);
    }
    this.schedule();
  }

  private heapPush(e: Delayed<K>): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  private heapPop(): Delayed<K> {
    const h = this.heap;
    const top = h[0];
    const last = h.pop()!;
    if (h.length) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && less(h[l], h[m])) m = l;
        if (r < h.length && less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}

function less<K>(a: Delayed<K>, b: Delayed<K>): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
