// The Store interface: the only thing the API server needs from a backend (in the spirit of kine).
//
// Keys are strings such as "/registry/configmaps/default/cm1"; values are opaque bytes (the API
// server stores JSON). Every write gets a new, strictly increasing, cluster-wide revision; every
// result carries the revision of the store it was read at. Expected races (the key exists, the
// revision moved on) are returned as values, never thrown; a thrown error is a real failure.

export interface KeyValue {
  key: string;
  value: Uint8Array;
  /** revision at which the key was created (stays the same across updates) */
  createRevision: number;
  /** revision of the last write to the key: the object's resourceVersion */
  modRevision: number;
}

export type WriteResult =
  | { ok: true; revision: number; kv: KeyValue }
  /** the precondition failed; `current` is the key as it is now (undefined when absent) */
  | { ok: false; revision: number; current?: KeyValue };

export type DeleteResult =
  | { ok: true; revision: number; prev: KeyValue }
  | { ok: false; revision: number; current?: KeyValue };

export interface ListOptions {
  /** read as of this revision (0 or undefined: the latest) */
  revision?: number;
  /** at most this many items (0 or undefined: no limit) */
  limit?: number;
  /** start at this key (inclusive); used for continue tokens */
  startKey?: string;
}

export interface ListResult {
  revision: number;
  kvs: KeyValue[];
  /** true when `limit` cut the result short */
  more: boolean;
  /** number of keys left after the returned ones (only when `more`) */
  remaining?: number;
}

export interface WatchEvent {
  type: 'PUT' | 'DELETE';
  /** the key after the event; for DELETE, value is the last value and modRevision the delete's revision */
  kv: KeyValue;
  /** the value before the event (for PUT of an existing key, and for DELETE) */
  prev?: KeyValue;
}

export interface WatchOptions {
  /** deliver every event with revision > afterRevision, then live events, in revision order */
  afterRevision: number;
  signal: AbortSignal;
}

/** Thrown (or passed to onError) when a revision asked for has been compacted away: HTTP 410. */
export class CompactedError extends Error {
  constructor(public readonly requested: number, public readonly compacted: number) {
    super(`required revision ${requested} has been compacted (compacted up to ${compacted})`);
    this.name = 'CompactedError';
  }
}

/** Thrown for a request the backend does not support, named so (kine refuses by name too). */
export class UnsupportedError extends Error {
  constructor(what: string) {
    super(`unsupported store request: ${what}`);
    this.name = 'UnsupportedError';
  }
}

export interface Store {
  /** create the key only if it does not exist */
  create(key: string, value: Uint8Array): Promise<WriteResult>;
  /** replace the value only if the key's modRevision is still `expectedRevision` */
  update(key: string, value: Uint8Array, expectedRevision: number): Promise<WriteResult>;
  /** delete the key; with `expectedRevision`, only if its modRevision is still that */
  delete(key: string, expectedRevision?: number): Promise<DeleteResult>;
  /** the key at `revision` (latest when absent); kv undefined when it does not exist */
  get(key: string, revision?: number): Promise<{ revision: number; kv?: KeyValue }>;
  /** keys that start with `prefix`, in key order */
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;
  /** number of keys under `prefix` now */
  count(prefix: string): Promise<{ revision: number; count: number }>;
  /**
   * Stream events for keys under `prefix`. `onEvents` receives batches in revision order
   * (one batch per transaction). If `afterRevision` is compacted, onError gets a CompactedError
   * and the watch ends. The watch ends when `signal` aborts.
   */
  watch(prefix: string, opts: WatchOptions, onEvents: (events: WatchEvent[]) => void, onError: (err: Error) => void): void;
  /** the newest revision */
  currentRevision(): Promise<number>;
  /** the oldest revision still readable (everything at or below it may be gone) */
  compactedRevision(): Promise<number>;
  /** drop history at and below `revision` */
  compact(revision: number): Promise<void>;
  close(): Promise<void>;
}
