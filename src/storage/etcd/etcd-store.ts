// EtcdStore: the Store on a real etcd v3 cluster (several API servers may share it).
//
// Contracts beyond Store:
// - Values are stored raw under the given keys; revisions are etcd's (a fresh etcd starts at 1).
// - Conditional writes are single etcd transactions; an expected race comes back as a value.
//   A write whose outcome is unknown (the connection broke after sending) is thrown, never retried.
// - Results of reads at a revision carry that revision (etcd's header carries the newest one).
// - Compaction boundary as on SQLite: after compact(C), reads below C and watches after a revision
//   below C fail with CompactedError. (A watch asks etcd to start at afterRevision, not one later,
//   and drops that revision's events: etcd then refuses exactly the watches SQLite refuses.)
// - A watch survives endpoint failures: it reconnects (to the next endpoint) and resumes after the
//   last revision it delivered, so consumers see no gap or duplicate.
// - compactedRevision() costs one etcd round trip (more right after another server compacted).

import { prefixEnd } from '../key-range.js';
import {
  CompactedError,
  type DeleteResult,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type Store,
  type WatchEvent,
  type WatchOptions,
  type WriteResult,
} from '../store.js';
import {
  EtcdClient,
  endpointFailed,
  type EtcdClientOptions,
  type PbEvent,
  type PbKeyValue,
  type WatchResponse,
  type WatchStream,
} from './etcd-client.js';

const EQUAL = 0;
const TARGET_CREATE = 1;
const TARGET_MOD = 2;
const EVENT_DELETE = 1;
/** range_end that means "every key from `key` on" */
const TO_THE_END = Buffer.from([0]);
const NO_VALUE = Buffer.alloc(0);

function isCompactedErr(err: unknown): boolean {
  return /required revision has been compacted/.test(String((err as Error)?.message));
}

function toBuffer(v: Uint8Array): Buffer {
  return Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

function fromPb(kv: PbKeyValue): KeyValue {
  return { key: kv.key.toString('utf8'), value: kv.value, createRevision: kv.create_revision, modRevision: kv.mod_revision };
}

function rangeOf(prefix: string): { key: Buffer; range_end: Buffer } {
  const end = prefixEnd(prefix);
  return { key: prefix === '' ? TO_THE_END : Buffer.from(prefix), range_end: end === undefined ? TO_THE_END : Buffer.from(end) };
}

export class EtcdStore implements Store {
  private readonly client: EtcdClient;
  /** a compacted revision known to be reached (compaction only moves up) */
  private knownCompacted = 0;
  private readonly watches = new Set<EtcdWatch>();
  private closed = false;

  /** `hosts` are "host:port". Connects lazily: the first call fails if no endpoint answers. */
  constructor(readonly hosts: string[], opts: EtcdClientOptions = {}) {
    this.client = new EtcdClient(hosts, opts);
  }

  async create(key: string, value: Uint8Array): Promise<WriteResult> {
    const k = Buffer.from(key);
    const res = await this.client.txn({
      compare: [{ key: k, target: TARGET_CREATE, result: EQUAL, create_revision: 0 }],
      success: [{ request_put: { key: k, value: toBuffer(value) } }],
      failure: [{ request_range: { key: k } }],
    });
    const rev = res.header.revision;
    if (!res.succeeded) return { ok: false, revision: rev, current: this.firstKv(res.responses[0]?.response_range?.kvs) };
    return { ok: true, revision: rev, kv: { key, value, createRevision: rev, modRevision: rev } };
  }

  async update(key: string, value: Uint8Array, expectedRevision: number): Promise<WriteResult> {
    const k = Buffer.from(key);
    const res = await this.client.txn({
      compare: [{ key: k, target: TARGET_MOD, result: EQUAL, mod_revision: expectedRevision }],
      success: [{ request_put: { key: k, value: toBuffer(value) } }, { request_range: { key: k, keys_only: true } }],
      failure: [{ request_range: { key: k } }],
    });
    const rev = res.header.revision;
    if (!res.succeeded) return { ok: false, revision: rev, current: this.firstKv(res.responses[0]?.response_range?.kvs) };
    const written = res.responses[1]?.response_range?.kvs[0];
    if (!written) throw new Error(`etcd: update of ${key} succeeded but the key is not there`);
    return { ok: true, revision: rev, kv: { key, value, createRevision: written.create_revision, modRevision: written.mod_revision } };
  }

  async delete(key: string, expectedRevision?: number): Promise<DeleteResult> {
    const k = Buffer.from(key);
    if (expectedRevision === undefined) {
      const res = await this.client.deleteRange({ key: k, prev_kv: true });
      const prev = res.prev_kvs[0];
      if (res.deleted === 0 || !prev) return { ok: false, revision: res.header.revision };
      return { ok: true, revision: res.header.revision, prev: fromPb(prev) };
    }
    const res = await this.client.txn({
      compare: [{ key: k, target: TARGET_MOD, result: EQUAL, mod_revision: expectedRevision }],
      success: [{ request_delete_range: { key: k, prev_kv: true } }],
      failure: [{ request_range: { key: k } }],
    });
    const rev = res.header.revision;
    if (!res.succeeded) return { ok: false, revision: rev, current: this.firstKv(res.responses[0]?.response_range?.kvs) };
    const prev = res.responses[0]?.response_delete_range?.prev_kvs[0];
    if (!prev) return { ok: false, revision: rev };
    return { ok: true, revision: rev, prev: fromPb(prev) };
  }

  async get(key: string, revision?: number): Promise<{ revision: number; kv?: KeyValue }> {
    const res = await this.read(revision, () => this.client.range({ key: Buffer.from(key), revision: revision || 0 }));
    return { revision: revision || res.header.revision, kv: this.firstKv(res.kvs) };
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    const range = rangeOf(prefix);
    if (opts.startKey !== undefined && opts.startKey > prefix) range.key = Buffer.from(opts.startKey);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    if (range.range_end !== TO_THE_END && Buffer.compare(range.key, range.range_end) >= 0) {
      return { revision: opts.revision || (await this.currentRevision()), kvs: [], more: false };
    }
    const res = await this.read(opts.revision, () => this.client.range({ ...range, limit, revision: opts.revision || 0 }));
    const kvs = res.kvs.map(fromPb);
    const result: ListResult = { revision: opts.revision || res.header.revision, kvs, more: limit > 0 && res.more };
    if (result.more) result.remaining = res.count - kvs.length;
    return result;
  }

  async count(prefix: string): Promise<{ revision: number; count: number }> {
    const res = await this.client.range({ ...rangeOf(prefix), count_only: true });
    return { revision: res.header.revision, count: res.count };
  }

  watch(prefix: string, opts: WatchOptions, onEvents: (events: WatchEvent[]) => void, onError: (err: Error) => void): void {
    if (this.closed) throw new Error('etcd store is closed');
    if (opts.signal.aborted) return;
    const w = new EtcdWatch(this.client, prefix, opts.afterRevision, onEvents, onError, () => this.watches.delete(w));
    this.watches.add(w);
    opts.signal.addEventListener('abort', () => w.stop(), { once: true });
    w.connect();
  }

  async currentRevision(): Promise<number> {
    return (await this.client.range({ key: TO_THE_END, count_only: true })).header.revision;
  }

  async compactedRevision(): Promise<number> {
    const readable = async (rev: number): Promise<boolean> => {
      try {
        await this.client.range({ key: TO_THE_END, count_only: true, revision: rev });
        return true;
      } catch (err) {
        if (isCompactedErr(err)) return false;
        throw err;
      }
    };
    // etcd does not say how far it compacted; reads below that revision fail, so search for it
    let lo = Math.max(this.knownCompacted, 1);
    if (await readable(lo)) return this.knownCompacted;
    let hi = await this.currentRevision();
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (await readable(mid)) hi = mid;
      else lo = mid;
    }
    this.knownCompacted = Math.max(this.knownCompacted, hi);
    return hi;
  }

  async compact(revision: number): Promise<void> {
    if (revision <= this.knownCompacted) return;
    try {
      await this.client.compact({ revision, physical: false });
    } catch (err) {
      if (!isCompactedErr(err)) throw err;
      return; // already compacted further by someone
    }
    this.knownCompacted = revision;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of [...this.watches]) w.stop();
    this.client.close();
  }

  private firstKv(kvs: PbKeyValue[] | undefined): KeyValue | undefined {
    return kvs && kvs.length > 0 ? fromPb(kvs[0]) : undefined;
  }

  /** A read at `revision`, with etcd's "compacted" turned into a CompactedError. */
  private async read<T>(revision: number | undefined, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (revision && isCompactedErr(err)) throw new CompactedError(revision, await this.compactedRevision().catch(() => revision + 1));
      throw err;
    }
  }
}

/** One Store watch on its own etcd Watch stream; reconnects and resumes after the last revision delivered. */
class EtcdWatch {
  private stream: WatchStream | undefined;
  private endpoint = 0;
  private done = false;
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly range: { key: Buffer; range_end: Buffer };

  constructor(
    private readonly client: EtcdClient,
    prefix: string,
    /** the last revision delivered (or known to have nothing for this watch) */
    private cursor: number,
    private readonly onEvents: (events: WatchEvent[]) => void,
    private readonly onError: (err: Error) => void,
    private readonly detach: () => void,
  ) {
    this.range = rangeOf(prefix);
  }

  connect(): void {
    this.timer = undefined;
    if (this.done) return;
    let opened: { stream: WatchStream; endpoint: number };
    try {
      opened = this.client.watchStream();
    } catch (err) {
      return this.fail(err as Error);
    }
    const { stream, endpoint } = opened;
    this.stream = stream;
    this.endpoint = endpoint;
    stream.on('data', (res: WatchResponse) => this.onResponse(stream, res));
    stream.on('error', (err: Error) => this.onBroken(stream, err));
    stream.on('end', () => this.onBroken(stream, new Error('etcd ended the watch stream')));
    // start at the cursor itself (0 would mean "now"), so etcd refuses a cursor below its compaction
    stream.write({
      create_request: { ...this.range, start_revision: Math.max(this.cursor, 1), prev_kv: true, progress_notify: true },
    });
  }

  stop(): void {
    if (this.done) return;
    this.done = true;
    this.detach();
    if (this.timer) clearTimeout(this.timer);
    const s = this.stream;
    this.stream = undefined;
    s?.cancel();
  }

  private fail(err: Error): void {
    if (this.done) return;
    this.stop();
    this.onError(err);
  }

  private onResponse(stream: WatchStream, res: WatchResponse): void {
    if (stream !== this.stream || this.done) return;
    if (res.created) this.failures = 0;
    if (res.canceled) {
      if (res.compact_revision > 0) return this.fail(new CompactedError(this.cursor, res.compact_revision));
      return this.fail(new Error(`etcd canceled the watch: ${res.cancel_reason || 'no reason given'}`));
    }
    if (res.events.length === 0) {
      // a progress notification: every event up to header.revision has been sent
      if (!res.created && res.header.revision > this.cursor) this.cursor = res.header.revision;
      return;
    }
    let batch: WatchEvent[] = [];
    let batchRev = 0;
    const flush = () => {
      if (batch.length === 0) return;
      this.cursor = batchRev;
      const events = batch;
      batch = [];
      try {
        this.onEvents(events);
      } catch (err) {
        this.fail(err instanceof Error ? err : new Error(String(err)));
      }
    };
    for (const ev of res.events) {
      const rev = ev.kv.mod_revision;
      if (rev <= this.cursor) continue; // already delivered (or the start revision itself)
      if (rev !== batchRev) {
        flush();
        if (this.done) return;
        batchRev = rev;
      }
      batch.push(toEvent(ev));
    }
    flush();
  }

  private onBroken(stream: WatchStream, err: Error): void {
    if (stream !== this.stream || this.done) return;
    this.stream = undefined;
    stream.cancel();
    if (endpointFailed(err) || /ended the watch stream/.test(err.message)) this.client.reportFailure(this.endpoint);
    const delay = Math.min(50 * 2 ** this.failures, 2000);
    this.failures++;
    this.timer = setTimeout(() => this.connect(), delay);
  }
}

function toEvent(ev: PbEvent): WatchEvent {
  const prev = ev.prev_kv && ev.prev_kv.key.length > 0 ? fromPb(ev.prev_kv) : undefined;
  if (ev.type === EVENT_DELETE) {
    return {
      type: 'DELETE',
      kv: { key: ev.kv.key.toString('utf8'), value: prev?.value ?? NO_VALUE, createRevision: prev?.createRevision ?? 0, modRevision: ev.kv.mod_revision },
      prev,
    };
  }
  return { type: 'PUT', kv: fromPb(ev.kv), prev };
}
