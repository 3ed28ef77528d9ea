// Records core/v1 Events about objects (client-go's record.EventRecorder): background writes, identical events counted.

import { findResource } from '../api/resources.js';
import type { KObject } from '../api/strategy.js';
import type { Clock } from './clock.js';
import { realClock } from './clock.js';
import type { ClientSource } from './informer.js';
import { isNotFound } from './rest-client.js';

const EVENTS = findResource('', 'v1', 'events')!;
/** repeats of an identical event within this window bump the existing Event's count */
const AGGREGATE_WINDOW_MS = 10 * 60_000;
/** identical-event memory (client-go's LRU size) */
const CACHE_SIZE = 4096;
/** writes waiting beyond this are dropped (the API is down or slow) */
const MAX_PENDING = 1000;

export interface EventRecorderOptions {
  /** source.component, e.g. "deployment-controller", "default-scheduler", "kubelet" */
  component: string;
  /** source.host, e.g. the node name */
  host?: string;
  clock?: Clock;
  log?: (message: string) => void;
}

interface Seen {
  name: string;
  namespace: string;
  count: number;
  firstTimestamp: string;
  lastSeenMs: number;
}

/**
 * Contracts: event() never throws and never waits: writes happen in the background, one at a
 * time, in call order; failures are logged and dropped. Events about cluster-scoped objects go to
 * the "default" namespace. An event identical (object, type, reason, message, source) to one
 * recorded less than 10 minutes earlier PATCHes that Event's count, lastTimestamp and message
 * instead of creating another (re-created with the same name if it was deleted meanwhile).
 */
export class EventRecorder {
  private readonly clock: Clock;
  private readonly log: (m: string) => void;
  private readonly seen = new Map<string, Seen>();
  private chain: Promise<void> = Promise.resolve();
  private pending = 0;
  private lastNanos = 0n;

  constructor(private readonly client: ClientSource, private readonly opts: EventRecorderOptions) {
    this.clock = opts.clock ?? realClock;
    this.log = opts.log ?? ((m) => console.error(m));
  }

  event(obj: KObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    try {
      this.record(obj, type, reason, message);
    } catch (err) {
      this.log(`event recorder: ${(err as Error)?.message ?? err}`);
    }
  }

  /** resolves when every event recorded so far has been written (or dropped) */
  flush(): Promise<void> {
    return this.chain;
  }

  private record(obj: KObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const md = obj?.metadata ?? {};
    if (!obj?.kind || !md.name) {
      this.log(`event recorder: dropping ${type} ${reason} event: the object has no kind or name`);
      return;
    }
    const involvedObject: KObject = { kind: obj.kind, namespace: md.namespace, name: md.name, uid: md.uid, apiVersion: obj.apiVersion, resourceVersion: md.resourceVersion };
    for (const k of Object.keys(involvedObject)) if (involvedObject[k] === undefined || involvedObject[k] === '') delete involvedObject[k];
    const namespace: string = md.namespace || 'default';
    const source: KObject = { component: this.opts.component, ...(this.opts.host ? { host: this.opts.host } : {}) };
    const nowMs = this.clock.now();
    const now = new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const key = JSON.stringify([source.component, source.host ?? '', obj.kind, obj.apiVersion ?? '', md.namespace ?? '', md.name, md.uid ?? '', type, reason, message]);

    const prior = this.seen.get(key);
    if (prior && nowMs - prior.lastSeenMs <= AGGREGATE_WINDOW_MS) {
      prior.count++;
      prior.lastSeenMs = nowMs;
      this.touch(key, prior);
      const count = prior.count;
      const full = (): KObject => ({ apiVersion: 'v1', kind: 'Event', metadata: { name: prior.name, namespace }, involvedObject, reason, message, type, source, firstTimestamp: prior.firstTimestamp, lastTimestamp: now, count, reportingComponent: source.component, reportingInstance: source.host ?? '' });
      this.enqueue(async () => {
        try {
          await this.client.resource(EVENTS).patch(namespace, prior.name, 'merge', { count, lastTimestamp: now, message });
        } catch (err) {
          if (!isNotFound(err)) throw err;
          await this.client.resource(EVENTS).create(namespace, full());
        }
      }, reason, md.name);
      return;
    }
    const name = `${md.name}.${this.nanos(nowMs).toString(16)}`;
    this.touch(key, { name, namespace, count: 1, firstTimestamp: now, lastSeenMs: nowMs });
    const ev: KObject = { apiVersion: 'v1', kind: 'Event', metadata: { name, namespace }, involvedObject, reason, message, type, source, firstTimestamp: now, lastTimestamp: now, count: 1, reportingComponent: source.component, reportingInstance: source.host ?? '' };
    this.enqueue(() => this.client.resource(EVENTS).create(namespace, ev).then(() => undefined), reason, md.name);
  }

  /** a unique, increasing nanosecond timestamp for names (client-go: UnixNano in hex) */
  private nanos(ms: number): bigint {
    let n = BigInt(ms) * 1_000_000n;
    if (n <= this.lastNanos) n = this.lastNanos + 1n;
    this.lastNanos = n;
    return n;
  }

  /** most recently used last; the oldest entry goes beyond CACHE_SIZE */
  private touch(key: string, entry: Seen): void {
    this.seen.delete(key);
    this.seen.set(key, entry);
    if (this.seen.size > CACHE_SIZE) this.seen.delete(this.seen.keys().next().value!);
  }

  private enqueue(write: () => Promise<void>, reason: string, name: string): void {
    if (this.pending >= MAX_PENDING) {
      this.log(`event recorder: too many pending events, dropping ${reason} for ${name}`);
      return;
    }
    this.pending++;
    this.chain = this.chain
      .then(write)
      .catch((err) => this.log(`event recorder: could not write ${reason} event for ${name}: ${(err as Error)?.message ?? err}`))
      .finally(() => {
        this.pending--;
      });
  }
}
