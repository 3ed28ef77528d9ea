// The client contracts every component codes against (client-go's informers, listers, work queue, leader election).
// Implementations: clientset.ts, informer.ts, workqueue.ts, leader-election.ts in this folder.

import type { ResourceInfo } from '../api/resources.js';
import type { KObject } from '../api/strategy.js';

/** One line of a watch stream. ERROR carries a Status (code 410: the resourceVersion is too old, relist). */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: KObject;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
}

export interface WatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  /** events strictly after this version; '' or '0' starts from now (with initial ADDED events for '' / '0' as upstream) */
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
}

/** Typed access to one resource: paths, JSON bodies, Status errors as ClientError. */
export interface ResourceClient {
  readonly info: ResourceInfo;
  get(namespace: string, name: string): Promise<KObject>;
  /** namespace '' or undefined: across all namespaces (or a cluster-scoped resource) */
  list(namespace?: string, opts?: ListOptions): Promise<KObject>;
  /**
   * Streams events to onEvent, in order, until `signal` aborts or the server ends the watch; resolves then.
   * Rejects with ClientError when the server refuses the watch (410 when resourceVersion is compacted).
   */
  watch(namespace: string | undefined, opts: WatchOptions, onEvent: (e: WatchEvent) => void, signal: AbortSignal): Promise<void>;
  create(namespace: string, obj: KObject, opts?: { dryRun?: boolean; fieldManager?: string }): Promise<KObject>;
  update(obj: KObject): Promise<KObject>;
  updateStatus(obj: KObject): Promise<KObject>;
  /** type: 'merge' | 'strategic' | 'json' | 'apply' (apply needs fieldManager; force optional) */
  patch(namespace: string, name: string, type: 'merge' | 'strategic' | 'json' | 'apply', body: unknown, opts?: { subresource?: string; fieldManager?: string; force?: boolean }): Promise<KObject>;
  delete(namespace: string, name: string, opts?: { propagationPolicy?: 'Orphan' | 'Background' | 'Foreground'; gracePeriodSeconds?: number; preconditions?: { uid?: string; resourceVersion?: string } }): Promise<void>;
  /** DELETE on the collection (namespace '' = all namespaces); selectors narrow it */
  deleteCollection(namespace: string, opts?: { labelSelector?: string; fieldSelector?: string; propagationPolicy?: 'Orphan' | 'Background' | 'Foreground'; gracePeriodSeconds?: number }): Promise<void>;
  /** POST to a subresource, e.g. pods/binding, pods/eviction */
  createSubresource(namespace: string, name: string, subresource: string, body: KObject): Promise<KObject>;
}

export interface EventHandler<T extends KObject = KObject> {
  onAdd?(obj: T): void;
  onUpdate?(oldObj: T, newObj: T): void;
  /** for a delete seen only through a relist, obj is the last known state */
  onDelete?(obj: T): void;
}

/** Index function: the index values of an object (e.g. pods by spec.nodeName). */
export type IndexFunc = (obj: KObject) => string[];

/** A read-only view of an informer's cache (client-go's Indexer/Lister). Keys are "namespace/name" ("name" for cluster objects). */
export interface Lister<T extends KObject = KObject> {
  get(key: string): T | undefined;
  list(): T[];
  /** objects in one namespace */
  listNamespace(namespace: string): T[];
  byIndex(indexName: string, value: string): T[];
}

export interface Informer<T extends KObject = KObject> {
  readonly info: ResourceInfo;
  readonly lister: Lister<T>;
  /**
   * Handlers are called in event order, after the cache is updated; they should only enqueue keys.
   * A handler added after the cache has synced first gets onAdd for every cached object.
   * resyncMs: re-deliver onUpdate(obj, obj) for every cached object at that period (0/absent: the factory's default).
   */
  addEventHandler(h: EventHandler<T>, opts?: { resyncMs?: number }): void;
  addIndexer(name: string, fn: IndexFunc): void;
  hasSynced(): boolean;
  waitForSync(signal?: AbortSignal): Promise<void>;
}

/** One informer per resource, shared by every controller of a process (client-go's SharedInformerFactory). */
export interface InformerFactory {
  informerFor<T extends KObject = KObject>(info: ResourceInfo): Informer<T>;
  /** starts every informer asked for so far (and later ones on request); runs until signal aborts */
  start(signal: AbortSignal): void;
  waitForSync(signal?: AbortSignal): Promise<void>;
}

/** client-go's rate-limited work queue: a key is processed by one worker at a time; re-adds while processing are kept. */
export interface WorkQueue<K = string> {
  add(key: K): void;
  addAfter(key: K, delayMs: number): void;
  /** add with per-key exponential backoff (5 ms doubling to 1000 s, as client-go's default controller rate limiter) */
  addRateLimited(key: K): void;
  /** forget the key's backoff history (after a success) */
  forget(key: K): void;
  /** resolves with the next key, or undefined once shut down and drained */
  get(): Promise<K | undefined>;
  done(key: K): void;
  len(): number;
  shutDown(): void;
}

/** A level-based controller (controller-runtime style): reconcile(key) is called from the queue; a throw retries with backoff. */
export interface Reconciler {
  readonly name: string;
  /** return {requeueAfterMs} to be called again later (the key's backoff is forgotten); throw TerminalError to give up */
  reconcile(key: string): Promise<void | ReconcileResult>;
}

export interface ReconcileResult {
  requeueAfterMs?: number;
}

export interface LeaderElectionConfig {
  /** Lease in this namespace and name, e.g. kube-system/kube-scheduler */
  namespace: string;
  name: string;
  identity: string;
  /** upstream defaults: 15 s, 10 s, 2 s */
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}
