// Shared informers (client-go's SharedInformerFactory/SharedIndexInformer): list+watch into an indexed cache, handlers in event order.

import { setMaxListeners } from 'node:events';
import type { ResourceInfo } from '../api/resources.js';
import { apiVersionOf } from '../api/resources.js';
import type { KObject } from '../api/strategy.js';
import { keyOf } from './object-key.js';
import { isGone } from './rest-client.js';
import type { EventHandler, IndexFunc, Informer, InformerFactory, Lister, ResourceClient, WatchEvent } from './types.js';

/** What informers need of a client (a Clientset has it). */
export interface ClientSource {
  resource(info: ResourceInfo): ResourceClient;
}

export interface InformerOptions {
  /** default resync period of handlers, ms (0: none) */
  resyncMs?: number;
  /** only this namespace (default: all) */
  namespace?: string;
  /** selectors for one resource's list and watch (client-go's tweakListOptions), e.g. pods by spec.nodeName */
  tweakListOptions?: (info: ResourceInfo) => { labelSelector?: string; fieldSelector?: string } | undefined;
  /** page size of lists (default 500) */
  pageSize?: number;
  log?: (message: string) => void;
}

/** The built-in index: objects by metadata.namespace. */
export const NAMESPACE_INDEX = 'namespace';

const namespaceIndexFunc: IndexFunc = (obj) => [obj.metadata?.namespace ?? ''];

const MIN_BACKOFF_MS = 200;
const MAX_BACKOFF_MS = 30_000;

/**
 * One shared informer per resource for a whole process. informerFor() before start() registers
 * informers that start() runs; informerFor() after start() runs the new informer at once.
 */
export class SharedInformerFactory implements InformerFactory {
  private readonly informers = new Map<string, SharedIndexInformer>();
  private signal?: AbortSignal;

  constructor(private readonly client: ClientSource, private readonly opts: InformerOptions = {}) {}

  informerFor<T extends KObject = KObject>(info: ResourceInfo): SharedIndexInformer<T> {
    const id = `${info.group}/${info.version}/${info.resource}`;
    let inf = this.informers.get(id);
    if (!inf) {
      inf = new SharedIndexInformer(this.client.resource(info), this.opts);
      this.informers.set(id, inf);
      if (this.signal && !this.signal.aborted) void inf.run(this.signal);
    }
    return inf as unknown as SharedIndexInformer<T>;
  }

  start(signal: AbortSignal): void {
    if (this.signal) return;
    this.signal = signal;
    // one abort listener per informer
    setMaxListeners(0, signal);
    for (const inf of this.informers.values()) void inf.run(signal);
  }

  /** resolves once every informer asked for so far has synced, or when signal aborts (check signal.aborted) */
  async waitForSync(signal?: AbortSignal): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.waitForSync(signal)));
  }
}

interface Registration<T extends KObject> {
  handler: EventHandler<T>;
  resyncMs: number;
  timer?: NodeJS.Timeout;
}

/**
 * Contracts:
 * - the cache holds what the server last said, keyed "namespace/name" ("name" for cluster objects);
 *   objects are shared with every reader: never mutate them (structuredClone first);
 * - handlers run synchronously, in event order, after the cache has applied the event;
 *   after a relist, objects that vanished get onDelete(last known state), changed ones onUpdate,
 *   new ones onAdd (unchanged ones — same resourceVersion — get nothing);
 * - a handler that throws is logged; the informer goes on.
 */
export class SharedIndexInformer<T extends KObject = KObject> implements Informer<T> {
  readonly info: ResourceInfo;
  readonly lister: Lister<T>;
  private readonly items = new Map<string, T>();
  private readonly indexers = new Map<string, IndexFunc>([[NAMESPACE_INDEX, namespaceIndexFunc]]);
  private readonly indices = new Map<string, Map<string, Set<string>>>([[NAMESPACE_INDEX, new Map()]]);
  private readonly handlers: Registration<T>[] = [];
  private synced = false;
  private readonly syncWaiters: (() => void)[] = [];
  private resourceVersion = '';
  private running?: AbortSignal;
  private readonly log: (m: string) => void;
  private readonly selectors: { labelSelector?: string; fieldSelector?: string };

  constructor(private readonly client: ResourceClient, private readonly opts: InformerOptions = {}) {
    this.info = client.info;
    this.log = opts.log ?? ((m) => console.error(m));
    this.selectors = opts.tweakListOptions?.(client.info) ?? {};
    const self = this;
    this.lister = {
      get: (key) => self.items.get(key),
      list: () => [...self.items.values()],
      listNamespace: (ns) => self.byIndex(NAMESPACE_INDEX, ns),
      byIndex: (name, value) => self.byIndex(name, value),
    };
  }

  addEventHandler(handler: EventHandler<T>, opts: { resyncMs?: number } = {}): void {
    const reg: Registration<T> = { handler, resyncMs: opts.resyncMs || this.opts.resyncMs || 0 };
    this.handlers.push(reg);
    if (this.synced) for (const obj of this.items.values()) this.call(reg, 'onAdd', obj);
    if (this.running && !this.running.aborted) this.startResync(reg);
  }

  /**
   * Adds an index; objects already cached are indexed at once. Index functions must be pure and fast.
   * Adding the same function under the same name again is a no-op (controllers may share an index); another function throws.
   */
  addIndexer(name: string, fn: IndexFunc): void {
    const existing = this.indexers.get(name);
    if (existing === fn) return;
    if (existing) throw new Error(`informer ${this.info.resource}: index "${name}" already exists`);
    this.indexers.set(name, fn);
    const index = new Map<string, Set<string>>();
    this.indices.set(name, index);
    for (const [key, obj] of this.items) for (const v of fn(obj)) addTo(index, v, key);
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** resolves once the first list is in the cache, or when signal aborts (check signal.aborted) */
  waitForSync(signal?: AbortSignal): Promise<void> {
    if (this.synced || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        signal?.removeEventListener('abort', done);
        resolve();
      };
      this.syncWaiters.push(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** the resourceVersion the cache is at (from the last list, event or bookmark) */
  lastSyncResourceVersion(): string {
    return this.resourceVersion;
  }

  /** list, then watch from the list's resourceVersion, until signal aborts; relists on 410 and errors (with backoff) */
  async run(signal: AbortSignal): Promise<void> {
    if (this.running) return;
    this.running = signal;
    for (const reg of this.handlers) this.startResync(reg);
    const stopResync = () => {
      for (const reg of this.handlers) clearInterval(reg.timer);
    };
    signal.addEventListener('abort', stopResync, { once: true });
    let backoff = MIN_BACKOFF_MS;
    const fail = async (what: string, err: unknown) => {
      if (signal.aborted) return;
      this.log(`informer ${this.info.resource}: ${what}: ${(err as Error)?.message ?? err}; retrying in ${backoff} ms`);
      await sleep(backoff * (1 + Math.random() * 0.2), signal);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    };
    while (!signal.aborted) {
      try {
        await this.listAndReplace();
      } catch (err) {
        await fail('list', err);
        continue;
      }
      // watch from the last known resourceVersion until it is too old or fails
      for (;;) {
        if (signal.aborted) return;
        const started = Date.now();
        const r = await this.watchOnce(signal);
        if (signal.aborted) return;
        if (r.outcome === 'expired') break; // relist at once
        if (r.outcome === 'error') {
          await fail('watch', r.error);
          break;
        }
        // the server ended the watch (timeout): watch again from where we are
        if (r.events > 0 || Date.now() - started > 1000) backoff = MIN_BACKOFF_MS;
        else {
          // ended at once: do not spin
          await sleep(backoff, signal);
          backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        }
      }
    }
  }

  private async listAndReplace(): Promise<void> {
    const ns = this.opts.namespace ?? '';
    const pageSize = this.opts.pageSize ?? 500;
    let items: KObject[] = [];
    let rv = '';
    let cont = '';
    for (;;) {
      let page: KObject;
      try {
        page = await this.client.list(ns, { ...this.selectors, limit: pageSize, continue: cont || undefined });
      } catch (err) {
        if (!cont || !isGone(err)) throw err;
        // the continue token expired between pages: one unpaginated list instead
        page = await this.client.list(ns, { ...this.selectors });
        items = [];
        cont = '';
      }
      for (const o of page.items ?? []) items.push(o);
      rv = String(page.metadata?.resourceVersion ?? '');
      cont = String(page.metadata?.continue ?? '');
      if (!cont) break;
    }
    this.replace(items.map((o) => this.typed(o)), rv);
  }

  /** Makes the cache equal the list, delivering the differences. */
  private replace(list: T[], rv: string): void {
    const fresh = new Map<string, T>();
    for (const o of list) fresh.set(keyOf(o), o);
    for (const [key, old] of [...this.items]) {
      if (fresh.has(key)) continue;
      this.store(key, undefined);
      this.notify('onDelete', old);
    }
    for (const [key, obj] of fresh) {
      const old = this.items.get(key);
      this.store(key, obj);
      if (!old) this.notify('onAdd', obj);
      else if (old.metadata?.resourceVersion !== obj.metadata?.resourceVersion) this.notify('onUpdate', obj, old);
    }
    this.resourceVersion = rv;
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncWaiters.splice(0)) w();
    }
  }

  private async watchOnce(signal: AbortSignal): Promise<{ outcome: 'ended' | 'expired' | 'error'; events: number; error?: unknown }> {
    const local = new AbortController();
    const stop = () => local.abort();
    signal.addEventListener('abort', stop, { once: true });
    let outcome: 'ended' | 'expired' | 'error' = 'ended';
    let error: unknown;
    let events = 0;
    const onEvent = (e: WatchEvent) => {
      if (local.signal.aborted) return;
      events++;
      if (e.type === 'ERROR') {
        const code = Number(e.object?.code ?? 0);
        outcome = code === 410 ? 'expired' : 'error';
        error = new Error(`watch error ${code}: ${e.object?.message ?? ''}`);
        local.abort();
        return;
      }
      const rv = e.object?.metadata?.resourceVersion;
      if (e.type === 'BOOKMARK') {
        if (rv) this.resourceVersion = String(rv);
        return;
      }
      if (e.type !== 'ADDED' && e.type !== 'MODIFIED' && e.type !== 'DELETED') return;
      const obj = this.typed(e.object);
      const key = keyOf(obj);
      if (e.type === 'DELETED') {
        this.store(key, undefined);
        if (rv) this.resourceVersion = String(rv);
        this.notify('onDelete', obj);
      } else {
        const old = this.items.get(key);
        this.store(key, obj);
        if (rv) this.resourceVersion = String(rv);
        if (old) this.notify('onUpdate', obj, old);
        else this.notify('onAdd', obj);
      }
    };
    try {
      const timeoutSeconds = 300 + Math.floor(Math.random() * 300);
      await this.client.watch(this.opts.namespace, { ...this.selectors, resourceVersion: this.resourceVersion, allowWatchBookmarks: true, timeoutSeconds }, onEvent, local.signal);
    } catch (err) {
      if (outcome === 'ended' && !local.signal.aborted) {
        outcome = isGone(err) ? 'expired' : 'error';
        error = err;
      }
    } finally {
      signal.removeEventListener('abort', stop);
    }
    return { outcome, events, error };
  }

  /** list items may lack kind/apiVersion: fill them from the resource */
  private typed(o: KObject): T {
    if (!o.kind) o.kind = this.info.kind;
    if (!o.apiVersion) o.apiVersion = apiVersionOf(this.info);
    return o as T;
  }

  private store(key: string, obj: T | undefined): void {
    const old = this.items.get(key);
    if (obj) this.items.set(key, obj);
    else this.items.delete(key);
    for (const [name, fn] of this.indexers) {
      const index = this.indices.get(name)!;
      const before = old ? fn(old) : [];
      const after = obj ? fn(obj) : [];
      for (const v of before) if (!after.includes(v)) removeFrom(index, v, key);
      for (const v of after) addTo(index, v, key);
    }
  }

  private byIndex(name: string, value: string): T[] {
    const index = this.indices.get(name);
    if (!index) throw new Error(`informer ${this.info.resource}: no index "${name}"`);
    const keys = index.get(value);
    if (!keys) return [];
    const out: T[] = [];
    for (const k of keys) {
      const o = this.items.get(k);
      if (o) out.push(o);
    }
    return out;
  }

  private notify(kind: 'onAdd' | 'onUpdate' | 'onDelete', obj: T, old?: T): void {
    for (const reg of this.handlers) this.call(reg, kind, obj, old);
  }

  private call(reg: Registration<T>, kind: 'onAdd' | 'onUpdate' | 'onDelete', obj: T, old?: T): void {
    try {
      if (kind === 'onUpdate') reg.handler.onUpdate?.(old!, obj);
      else reg.handler[kind]?.(obj);
    } catch (err) {
      this.log(`informer ${this.info.resource}: ${kind} handler: ${(err as Error)?.stack ?? err}`);
    }
  }

  private startResync(reg: Registration<T>): void {
    if (!reg.resyncMs || reg.timer) return;
    reg.timer = setInterval(() => {
      if (!this.synced) return;
      for (const obj of this.items.values()) this.call(reg, 'onUpdate', obj, obj);
    }, reg.resyncMs);
    reg.timer.unref();
  }
}

function addTo(index: Map<string, Set<string>>, value: string, key: string): void {
  let s = index.get(value);
  if (!s) index.set(value, (s = new Set()));
  s.add(key);
}

function removeFrom(index: Map<string, Set<string>>, value: string, key: string): void {
  const s = index.get(value);
  if (!s) return;
  s.delete(key);
  if (s.size === 0) index.delete(value);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
