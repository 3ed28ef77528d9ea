// The client contracts every component codes against (client-go's informers, listers, work queue, leader election).
// Implementations: clientset.ts, informer.ts, workqueue.ts, leader-election.ts in this folder.

import type { ResourceInfo } from '../api/resources.js';
import type { KObject } from '../api/strategy.js';

/** Typed access to one resource: paths, JSON bodies, Status errors as ClientError. */
export interface ResourceClient {
  readonly info: ResourceInfo;
  get(namespace: string, name: string): Promise<KObject>;
  list(namespace?: string, opts?: { labelSelector?: string; fieldSelector?: string; limit?: number; continue?: string; resourceVersion?: string }): Promise<KObject>;
  create(namespace: string, obj: KObject, opts?: { dryRun?: boolean; fieldManager?: string }): Promise<KObject>;
  update(obj: KObject): Promise<KObject>;
  updateStatus(obj: KObject): Promise<KObject>;
  /** type: 'merge' | 'strategic' | 'json' | 'apply' (apply needs fieldManager; force optional) */
  patch(namespace: string, name: string, type: 'merge' | 'strategic' | 'json' | 'apply', body: unknown, opts?: { subresource?: string; fieldManager?: string; force?: boolean }): Promise<KObject>;
  delete(namespace: string, name: string, opts?: { propagationPolicy?: 'Orphan' | 'Background' | 'Foreground'; gracePeriodSeconds?: number; preconditions?: { uid?: string; resourceVersion?: string } }): Promise<void>;
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
  /** handlers are called in event order, after the cache is updated; they should only enqueue keys */
  addEventHandler(h: EventHandler<T>): void;
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
  reconcile(key: string): Promise<void>;
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
