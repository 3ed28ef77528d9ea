// SqliteStore: the Store on one SQLite file (better-sqlite3), owned by exactly one server process.
//
// Contracts beyond Store:
// - The file has one writer: the process that opened it holds an exclusive lock (on FILE-lock)
//   until close() or death, so a second process fails fast instead of silently missing events.
// - Every write is one synchronous SQLite transaction, committed before its promise resolves.
//   WAL with synchronous=NORMAL: a commit reaches the OS (write(2) of the WAL frames) before it
//   returns, so it survives the death of this process (kill -9); only an OS crash or power loss
//   can drop the last commits, which is the trade kine and k3s make for SQLite too. Checkpoints
//   (the only fsyncs) run in a worker thread, so they never stall the event loop; writes (only
//   writes) wait for a few milliseconds now and then while the WAL is started over.
// - Revisions are the log's row ids: strictly increasing, never reused, persistent across restart.
// - Watch events of this process's writes are fanned out in process; older events are replayed
//   from the log. A watch sees every revision after `afterRevision` exactly once, in order.
// - compact(rev): get/list at a revision below `rev`, and watches after a revision below `rev`,
//   fail with CompactedError; the state as of `rev` and everything after stay readable.

import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { prefixEnd } from '../key-range.js';
import { WalCheckpointer } from './wal-checkpointer.js';
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

const SCHEMA = `
CREATE TABLE IF NOT EXISTS log (
  revision        INTEGER PRIMARY KEY,
  key             TEXT NOT NULL,
  value           BLOB,              -- NULL for a delete (tombstone)
  create_revision INTEGER NOT NULL,
  prev_revision   INTEGER NOT NULL,  -- the key's previous live version; 0 when the key was absent
  deleted         INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS log_key ON log (key, revision);
CREATE TABLE IF NOT EXISTS current (
  key             TEXT PRIMARY KEY,
  revision        INTEGER NOT NULL,
  create_revision INTEGER NOT NULL,
  value           BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
`;

/** Binds as the upper bound of "every key": SQLite sorts any TEXT before any BLOB. */
const NO_END = Buffer.from([0xff]);
/** Log rows read per replay step; the event loop runs between steps. */
const REPLAY_CHUNK = 1000;
/** Revisions compacted per transaction; the event loop runs between transactions. */
const COMPACT_CHUNK = 5000;
/** Commits between checkpoint requests (a commit adds a few pages to the WAL). */
const CHECKPOINT_EVERY = 256;

interface CurrentRow { revision: number; create_revision: number; value: Buffer }
interface KvRow { key: string; revision: number; create_revision: number; value: Buffer }
interface LogRow { revision: number; create_revision: number; value: Buffer | null; deleted: number }
interface ReplayRow {
  revision: number;
  key: string;
  value: Buffer | null;
  create_revision: number;
  prev_revision: number;
  deleted: number;
  prev_value: Buffer | null;
  prev_create: number | null;
}

/**
 * Hold an exclusive lock on FILE-lock for as long as the returned connection is open (the OS
 * drops it when the process dies). Throws if another process holds it.
 */
function lockFile(file: string): Database.Database {
  const lock = new Database(`${file}-lock`, { timeout: 500 });
  try {
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.exec(`CREATE TABLE IF NOT EXISTS owner (pid INTEGER); DELETE FROM owner; INSERT INTO owner VALUES (${process.pid})`);
    return lock;
  } catch (err) {
    lock.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY') {
      throw new Error(`SQLite store ${file} is open in another process (one server per SQLite file)`);
    }
    throw err;
  }
}

function toBuffer(v: Uint8Array): Buffer {
  return Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

/** One watch: events after `cursor`, replayed from the log until it is `live`, then fanned out. */
class Subscriber {
  live = false;
  done = false;
  private queue: WatchEvent[][] = [];
  private scheduled = false;

  constructor(
    readonly prefix: string,
    public cursor: number,
    private readonly onEvents: (events: WatchEvent[]) => void,
    private readonly onError: (err: Error) => void,
    readonly detach: () => void,
  ) {}

  /** Queue one revision's events; revisions at or below the cursor were delivered already. */
  push(revision: number, events: WatchEvent[]): void {
    if (this.done || revision <= this.cursor) return;
    this.cursor = revision;
    this.queue.push(events);
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  private flush(): void {
    this.scheduled = false;
    const batches = this.queue;
    this.queue = [];
    for (const events of batches) {
      if (this.done) return;
      try {
        this.onEvents(events);
      } catch (err) {
        this.fail(err instanceof Error ? err : new Error(String(err)));
      }
    }
  }

  /** End the watch with an error; batches not yet delivered are dropped. */
  fail(err: Error): void {
    if (this.done) return;
    this.done = true;
    this.detach();
    queueMicrotask(() => this.onError(err));
  }

  /** End the watch silently. */
  stop(): void {
    if (this.done) return;
    this.done = true;
    this.detach();
  }
}

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private rev: number;
  private compacted: number;
  /** physical compaction is done up to here (it trails `compacted` only after a crash mid-way) */
  private compactDone: number;
  private compaction: Promise<void> = Promise.resolve();
  private readonly subs = new Set<Subscriber>();
  private closed = false;
  private readonly lock: Database.Database | undefined;
  private readonly checkpointer: WalCheckpointer | undefined;
  private sinceCheckpoint = 0;
  /** writes waiting while the checkpointer restarts the WAL (undefined: writes go straight in) */
  private held: (() => void)[] | undefined;

  private readonly q;
  private readonly txCreate: (key: string, value: Buffer, rev: number) => boolean;
  private readonly txUpdate: (key: string, value: Buffer, rev: number, expected: number) => number | undefined;
  private readonly txDelete: (key: string, rev: number, expected: number | undefined) => CurrentRow | undefined;

  /** Opens (creating when absent) the store in `file`; throws if another process has it open. */
  constructor(readonly file: string) {
    const memory = file === ':memory:' || file === '';
    if (!memory) {
      mkdirSync(dirname(file), { recursive: true });
      this.lock = lockFile(file);
    }
    let db: Database.Database | undefined;
    try {
      db = new Database(file, { timeout: 5000 });
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('cache_size = -16384');
      if (!memory) {
        db.pragma('wal_autocheckpoint = 0');
        db.pragma('journal_size_limit = 67108864');
      }
      db.exec(SCHEMA);
    } catch (err) {
      db?.close();
      this.lock?.close();
      throw err;
    }
    this.db = db;
    this.q = {
      insertCurrent: db.prepare<[string, number, number, Buffer]>(
        'INSERT INTO current (key, revision, create_revision, value) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO NOTHING'),
      getCurrent: db.prepare<[string], CurrentRow>('SELECT revision, create_revision, value FROM current WHERE key = ?'),
      updateCurrent: db.prepare<[number, Buffer, string, number], { create_revision: number }>(
        'UPDATE current SET revision = ?, value = ? WHERE key = ? AND revision = ? RETURNING create_revision'),
      deleteCurrent: db.prepare<[string], CurrentRow>(
        'DELETE FROM current WHERE key = ? RETURNING revision, create_revision, value'),
      deleteCurrentIf: db.prepare<[string, number], CurrentRow>(
        'DELETE FROM current WHERE key = ? AND revision = ? RETURNING revision, create_revision, value'),
      insertLog: db.prepare<[number, string, Buffer | null, number, number, number]>(
        'INSERT INTO log (revision, key, value, create_revision, prev_revision, deleted) VALUES (?, ?, ?, ?, ?, ?)'),
      logValue: db.prepare<[number], Buffer | null>('SELECT value FROM log WHERE revision = ?').pluck(),
      getAt: db.prepare<[string, number], LogRow>(
        'SELECT revision, create_revision, value, deleted FROM log WHERE key = ? AND revision <= ? ORDER BY revision DESC LIMIT 1'),
      list: db.prepare<[string, string | Buffer, number], KvRow>(
        'SELECT key, revision, create_revision, value FROM current WHERE key >= ? AND key < ? ORDER BY key LIMIT ?'),
      countAfter: db.prepare<[string, string | Buffer], number>(
        'SELECT count(*) FROM current WHERE key > ? AND key < ?').pluck(),
      count: db.prepare<[string, string | Buffer], number>(
        'SELECT count(*) FROM current WHERE key >= ? AND key < ?').pluck(),
      // the latest version at or below a revision of each key in a range (SQLite takes the bare
      // columns from the max() row)
      listAt: db.prepare<[string, string | Buffer, number, number], KvRow>(
        `SELECT key, revision, create_revision, value FROM (
           SELECT key, max(revision) AS revision, create_revision, value, deleted FROM log
           WHERE key >= ? AND key < ? AND revision <= ? GROUP BY key)
         WHERE deleted = 0 ORDER BY key LIMIT ?`),
      countAfterAt: db.prepare<[string, string | Buffer, number], number>(
        `SELECT count(*) FROM (
           SELECT max(revision), deleted FROM log WHERE key > ? AND key < ? AND revision <= ? GROUP BY key)
         WHERE deleted = 0`).pluck(),
      // scan by revision (the "+" keeps SQLite off the key index), with each event's previous version
      replay: db.prepare<[number, number, string, string | Buffer, number], ReplayRow>(
        `SELECT l.revision, l.key, l.value, l.create_revision, l.prev_revision, l.deleted,
                p.value AS prev_value, p.create_revision AS prev_create
         FROM log l LEFT JOIN log p ON p.revision = l.prev_revision
         WHERE l.revision > ? AND l.revision <= ? AND +l.key >= ? AND +l.key < ?
         ORDER BY l.revision LIMIT ?`),
      maxRevision: db.prepare<[], number | null>('SELECT max(revision) FROM log').pluck(),
      getMeta: db.prepare<[string], number>('SELECT value FROM meta WHERE name = ?').pluck(),
      setMeta: db.prepare<[string, number]>(
        'INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value'),
      // compaction of (lo, hi]: versions superseded at or below hi, and deletes at or below hi
      // (except the newest row, which carries the revision counter across restarts)
      compactSuperseded: db.prepare<[number, number]>(
        'DELETE FROM log WHERE revision IN (SELECT prev_revision FROM log WHERE revision > ? AND revision <= ? AND prev_revision > 0)'),
      compactTombstones: db.prepare<[number, number, number]>(
        'DELETE FROM log WHERE revision > ? AND revision <= ? AND deleted = 1 AND revision < ?'),
    };
    const q = this.q;
    this.txCreate = db.transaction((key: string, value: Buffer, rev: number) => {
      if (q.insertCurrent.run(key, rev, rev, value).changes === 0) return false;
      q.insertLog.run(rev, key, value, rev, 0, 0);
      return true;
    });
    this.txUpdate = db.transaction((key: string, value: Buffer, rev: number, expected: number) => {
      const row = q.updateCurrent.get(rev, value, key, expected);
      if (!row) return undefined;
      q.insertLog.run(rev, key, value, row.create_revision, expected, 0);
      return row.create_revision;
    });
    this.txDelete = db.transaction((key: string, rev: number, expected: number | undefined) => {
      const row = expected === undefined ? q.deleteCurrent.get(key) : q.deleteCurrentIf.get(key, expected);
      if (!row) return undefined;
      q.insertLog.run(rev, key, null, row.create_revision, row.revision, 1);
      return row;
    });

    if (!memory) {
      this.checkpointer = new WalCheckpointer(file, {
        pause: () => { this.held ??= []; },
        resume: () => {
          const held = this.held ?? [];
          this.held = undefined;
          for (const go of held) go();
        },
        onFailure: (err) => {
          console.error(`SQLite store ${file}: checkpoint worker failed (${err.message}); checkpointing inline`);
          if (!this.closed) db.pragma('wal_autocheckpoint = 1000');
        },
      });
    }
    this.compacted = q.getMeta.get('compact') ?? 0;
    this.compactDone = q.getMeta.get('compact_done') ?? 0;
    this.rev = Math.max(q.maxRevision.get() ?? 0, this.compacted);
  }

  async create(key: string, value: Uint8Array): Promise<WriteResult> {
    this.assertOpen();
    if (this.held) await this.writeTurn();
    const rev = this.rev + 1;
    if (!this.txCreate(key, toBuffer(value), rev)) {
      return { ok: false, revision: this.rev, current: this.latest(key) };
    }
    this.committed(rev);
    const kv: KeyValue = { key, value, createRevision: rev, modRevision: rev };
    if (this.subs.size > 0) this.publish(rev, key, () => ({ type: 'PUT', kv }));
    return { ok: true, revision: rev, kv };
  }

  async update(key: string, value: Uint8Array, expectedRevision: number): Promise<WriteResult> {
    this.assertOpen();
    if (this.held) await this.writeTurn();
    const rev = this.rev + 1;
    const createRevision = this.txUpdate(key, toBuffer(value), rev, expectedRevision);
    if (createRevision === undefined) {
      return { ok: false, revision: this.rev, current: this.latest(key) };
    }
    this.committed(rev);
    const kv: KeyValue = { key, value, createRevision, modRevision: rev };
    if (this.subs.size > 0) {
      this.publish(rev, key, () => ({
        type: 'PUT',
        kv,
        prev: { key, value: this.q.logValue.get(expectedRevision) ?? Buffer.alloc(0), createRevision, modRevision: expectedRevision },
      }));
    }
    return { ok: true, revision: rev, kv };
  }

  async delete(key: string, expectedRevision?: number): Promise<DeleteResult> {
    this.assertOpen();
    if (this.held) await this.writeTurn();
    const rev = this.rev + 1;
    const row = this.txDelete(key, rev, expectedRevision);
    if (!row) {
      return { ok: false, revision: this.rev, current: expectedRevision === undefined ? undefined : this.latest(key) };
    }
    this.committed(rev);
    const prev: KeyValue = { key, value: row.value, createRevision: row.create_revision, modRevision: row.revision };
    if (this.subs.size > 0) {
      this.publish(rev, key, () => ({ type: 'DELETE', kv: { ...prev, modRevision: rev }, prev }));
    }
    return { ok: true, revision: rev, prev };
  }

  async get(key: string, revision?: number): Promise<{ revision: number; kv?: KeyValue }> {
    this.assertOpen();
    if (!revision || revision === this.rev) return { revision: this.rev, kv: this.latest(key) };
    this.checkReadable(revision);
    const row = this.q.getAt.get(key, revision);
    if (!row || row.deleted) return { revision };
    return { revision, kv: { key, value: row.value!, createRevision: row.create_revision, modRevision: row.revision } };
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.assertOpen();
    const revision = opts.revision && opts.revision !== this.rev ? opts.revision : 0;
    if (revision) this.checkReadable(revision);
    const end = prefixEnd(prefix) ?? NO_END;
    const start = opts.startKey !== undefined && opts.startKey > prefix ? opts.startKey : prefix;
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const rows = revision
      ? this.q.listAt.all(start, end, revision, limit ? limit + 1 : -1)
      : this.q.list.all(start, end, limit ? limit + 1 : -1);
    const more = limit > 0 && rows.length > limit;
    if (more) rows.length = limit;
    const kvs = rows.map((r) => ({ key: r.key, value: r.value, createRevision: r.create_revision, modRevision: r.revision }));
    const result: ListResult = { revision: revision || this.rev, kvs, more };
    if (more) {
      const last = rows[rows.length - 1].key;
      result.remaining = revision ? this.q.countAfterAt.get(last, end, revision)! : this.q.countAfter.get(last, end)!;
    }
    return result;
  }

  async count(prefix: string): Promise<{ revision: number; count: number }> {
    this.assertOpen();
    return { revision: this.rev, count: this.q.count.get(prefix, prefixEnd(prefix) ?? NO_END)! };
  }

  watch(prefix: string, opts: WatchOptions, onEvents: (events: WatchEvent[]) => void, onError: (err: Error) => void): void {
    this.assertOpen();
    const { signal } = opts;
    if (signal.aborted) return;
    const abort = () => sub.stop();
    const sub: Subscriber = new Subscriber(prefix, opts.afterRevision, onEvents, onError, () => {
      this.subs.delete(sub);
      signal.removeEventListener('abort', abort);
    });
    signal.addEventListener('abort', abort, { once: true });
    this.subs.add(sub);
    queueMicrotask(() => this.catchUp(sub));
  }

  async currentRevision(): Promise<number> {
    this.assertOpen();
    return this.rev;
  }

  async compactedRevision(): Promise<number> {
    this.assertOpen();
    return this.compacted;
  }

  async compact(revision: number): Promise<void> {
    this.assertOpen();
    if (revision > this.rev) throw new Error(`cannot compact to revision ${revision}: it is a future revision (current ${this.rev})`);
    if (revision > this.compacted) {
      if (this.held) await this.writeTurn();
      this.compacted = Math.max(this.compacted, revision);
      this.q.setMeta.run('compact', this.compacted);
      // watches still replaying older history learn at their next step
    }
    const run = this.compaction.then(() => this.compactPhysically());
    this.compaction = run.catch(() => {});
    return run;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const sub of [...this.subs]) sub.stop();
    await this.compaction;
    await this.checkpointer?.close();
    this.db.close();
    this.lock?.close();
  }

  /** Wait while the WAL is being restarted (the event loop keeps serving reads and watches). */
  private async writeTurn(): Promise<void> {
    while (this.held) await new Promise<void>((resolve) => this.held!.push(resolve));
    this.assertOpen();
  }

  private committed(rev: number): void {
    this.rev = rev;
    if (this.checkpointer && ++this.sinceCheckpoint >= CHECKPOINT_EVERY) {
      this.sinceCheckpoint = 0;
      this.checkpointer.request();
    }
  }

  /** The key as it is now. */
  private latest(key: string): KeyValue | undefined {
    const row = this.q.getCurrent.get(key);
    return row && { key, value: row.value, createRevision: row.create_revision, modRevision: row.revision };
  }

  private checkReadable(revision: number): void {
    if (revision > this.rev) throw new Error(`required revision ${revision} is a future revision (current ${this.rev})`);
    if (revision < this.compacted) throw new CompactedError(revision, this.compacted);
  }

  /** Fan one committed write out to the live watches of its key; the event is built only if one wants it. */
  private publish(revision: number, key: string, event: () => WatchEvent): void {
    let ev: WatchEvent | undefined;
    for (const sub of this.subs) {
      if (!sub.live || !key.startsWith(sub.prefix)) continue;
      ev ??= event();
      sub.push(revision, [ev]);
    }
  }

  /**
   * Replay the log after the watch's cursor, one chunk per turn of the event loop. The step that
   * reaches the newest revision turns the watch live in the same synchronous run, so no write can
   * fall between replay and fan-out.
   */
  private catchUp(sub: Subscriber): void {
    if (sub.done) return;
    if (this.closed) return sub.stop();
    if (sub.cursor < this.compacted) return sub.fail(new CompactedError(sub.cursor, this.compacted));
    const upTo = this.rev;
    if (sub.cursor >= upTo) {
      sub.live = true;
      return;
    }
    const end = prefixEnd(sub.prefix) ?? NO_END;
    const rows = this.q.replay.all(sub.cursor, upTo, sub.prefix, end, REPLAY_CHUNK);
    let batch: WatchEvent[] = [];
    let batchRev = 0;
    for (const r of rows) {
      if (r.revision !== batchRev && batch.length > 0) {
        sub.push(batchRev, batch);
        batch = [];
      }
      batchRev = r.revision;
      const prev: KeyValue | undefined = r.prev_revision > 0 && r.prev_value
        ? { key: r.key, value: r.prev_value, createRevision: r.prev_create!, modRevision: r.prev_revision }
        : undefined;
      if (r.deleted) {
        batch.push({
          type: 'DELETE',
          kv: { key: r.key, value: prev?.value ?? Buffer.alloc(0), createRevision: r.create_revision, modRevision: r.revision },
          prev,
        });
      } else {
        batch.push({ type: 'PUT', kv: { key: r.key, value: r.value!, createRevision: r.create_revision, modRevision: r.revision }, prev });
      }
    }
    if (batch.length > 0) sub.push(batchRev, batch);
    if (rows.length < REPLAY_CHUNK) {
      // everything up to upTo is delivered (rows of other prefixes were skipped)
      sub.cursor = upTo;
      sub.live = true;
      return;
    }
    setImmediate(() => this.catchUp(sub));
  }

  /** Delete the history made unreadable by `compacted`, a chunk of revisions per transaction. */
  private async compactPhysically(): Promise<void> {
    const step = this.db.transaction((lo: number, hi: number, newest: number) => {
      this.q.compactSuperseded.run(lo, hi);
      this.q.compactTombstones.run(lo, hi, newest);
      this.q.setMeta.run('compact_done', hi);
    });
    while (!this.closed && this.compactDone < this.compacted) {
      if (this.held) await this.writeTurn();
      const hi = Math.min(this.compacted, this.compactDone + COMPACT_CHUNK);
      step(this.compactDone, hi, this.rev);
      this.compactDone = hi;
      this.checkpointer?.request();
      if (this.compactDone < this.compacted) await new Promise((r) => setImmediate(r));
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`SQLite store ${this.file} is closed`);
  }
}
