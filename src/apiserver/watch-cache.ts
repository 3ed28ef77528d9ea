// One store watch over the whole registry, fanned out in memory to every API watch (upstream's cacher).
//
// Contract: a subscriber registered with `afterRevision` R receives every event with revision > R
// under its prefix, in revision order, with no gaps. If R is older than what the window still
// holds, subscribe() throws a CompactedError (the API answers 410 Gone) unless the store can
// replay it, in which case a dedicated store watch serves that subscriber.

import type { Store, WatchEvent } from '../storage/store.js';
import { CompactedError } from '../storage/store.js';

export interface CacheEvent extends WatchEvent {
  revision: number;
}

export interface Subscriber {
  prefix: string;
  afterRevision: number;
  deliver(events: CacheEvent[]): void;
  /** the window could not keep up or the store failed: the API watch ends (client re-lists) */
  fail(err: Error): void;
}

export class WatchCache {
  private readonly window: CacheEvent[] = [];
  private readonly subscribers = new Set<Subscriber>();
  /** the newest revision seen from the store (events or progress) */
  private revision = 0;
  private readonly abort = new AbortController();
  private readyResolve!: () => void;
  readonly ready: Promise<void> = new Promise((r) => (this.readyResolve = r));

  constructor(private readonly store: Store, private readonly capacity = 20000) {}

  async start(): Promise<void> {
    this.revision = await this.store.currentRevision();
    this.store.watch('/registry/', { afterRevision: this.revision, signal: this.abort.signal }, (evs) => this.onEvents(evs), (err) => this.onError(err));
    this.readyResolve();
  }

  stop(): void {
    this.abort.abort();
    for (const s of this.subscribers) s.fail(new Error('watch cache stopped'));
    this.subscribers.clear();
  }

  /** The newest revision the cache has delivered (what bookmarks report). */
  currentRevision(): number {
    return this.revision;
  }

  /** Registers a subscriber; replays buffered events after its revision first. Returns an unsubscribe function. */
  subscribe(sub: Subscriber): () => void {
    const oldest = this.window.length ? this.window[0].revision : this.revision + 1;
    if (sub.afterRevision + 1 < oldest && sub.afterRevision < this.revision) {
      return this.subscribeFromStore(sub);
    }
    const replay = this.window.filter((e) => e.revision > sub.afterRevision && e.kv.key.startsWith(sub.prefix));
    if (replay.length) sub.deliver(replay);
    this.subscribers.add(sub);
    return () => this.subscribers.delete(sub);
  }

  /** Subscribers whose revision is older than the window get their own store watch (the store may answer Compacted). */
  private subscribeFromStore(sub: Subscriber): () => void {
    const ac = new AbortController();
    this.store.watch(
      sub.prefix,
      { afterRevision: sub.afterRevision, signal: ac.signal },
      (evs) => sub.deliver(evs.map((e) => ({ ...e, revision: e.kv.modRevision }))),
      (err) => sub.fail(err),
    );
    return () => ac.abort();
  }

  private onEvents(evs: WatchEvent[]): void {
    const batch: CacheEvent[] = evs.map((e) => ({ ...e, revision: e.kv.modRevision }));
    for (const e of batch) {
      this.window.push(e);
      if (e.revision > this.revision) this.revision = e.revision;
    }
    // trim in chunks: splicing the front of a full window on every batch moves the whole array each time
    if (this.window.length > this.capacity * 1.25) this.window.splice(0, this.window.length - this.capacity);
    for (const sub of this.subscribers) {
      const mine = batch.filter((e) => e.kv.key.startsWith(sub.prefix) && e.revision > sub.afterRevision);
      if (mine.length) {
        try {
          sub.deliver(mine);
        } catch (err) {
          this.subscribers.delete(sub);
          sub.fail(err as Error);
        }
      }
    }
  }

  private onError(err: Error): void {
    if (this.abort.signal.aborted) return;
    console.error(`watch cache: store watch failed (${err.message}); restarting`);
    for (const s of this.subscribers) s.fail(err instanceof CompactedError ? err : new Error(`store watch failed: ${err.message}`));
    this.subscribers.clear();
    this.window.length = 0;
    // Restart from the newest revision; API watchers re-list and resume.
    setTimeout(() => {
      if (this.abort.signal.aborted) return;
      void this.store.currentRevision().then((rev) => {
        this.revision = rev;
        this.store.watch('/registry/', { afterRevision: rev, signal: this.abort.signal }, (evs) => this.onEvents(evs), (e) => this.onError(e));
      }, (e) => this.onError(e as Error));
    }, 500);
  }
}
