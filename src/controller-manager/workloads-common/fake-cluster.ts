// In-memory fakes of the client contracts for the workload controllers' unit tests: a cluster, its informers, a queue.

import { apiVersionOf, type ResourceInfo } from '../../api/resources.js';
import type { KObject } from '../../api/strategy.js';
import { strategyFor } from '../../api/strategies.js';
import { ApiError } from '../../api/status.js';
import { hooks } from '../../apiserver/kind-hooks.js';
import { FakeClock } from '../../client/clock.js';
import type { ClientSource } from '../../client/informer.js';
import { ClientError } from '../../client/rest-client.js';
import type { EventHandler, IndexFunc, Informer, InformerFactory, Lister, ListOptions, Reconciler, ResourceClient, WatchEvent, WatchOptions, WorkQueue } from '../../client/types.js';
import type { Recorder } from './deps.js';

function rid(info: ResourceInfo): string {
  return `${info.group}/${info.resource}`;
}

function keyFor(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o as object)) deepFreeze(v);
  }
  return o;
}

function err(code: number, reason: string, message: string): ClientError {
  return new ClientError(code, { kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message }, message);
}

/** One API request the fake served (for assertions). */
export interface Action {
  verb: 'create' | 'update' | 'updateStatus' | 'patch' | 'delete';
  resource: string;
  namespace: string;
  name: string;
  obj?: KObject;
}

/**
 * A cluster in memory: the API's create/update/status/patch/delete semantics that controllers
 * rely on (uids, generateName, resourceVersion conflicts, generation bumps and defaults from the
 * real kind strategies, status subresources, finalizers and deletionTimestamp), informers that
 * see every write at once (handlers run synchronously inside the write), and a fake clock.
 * Stored objects are deep-frozen, so a controller mutating a cached object fails loudly.
 */
export class FakeCluster implements ClientSource, InformerFactory {
  readonly clock: FakeClock;
  readonly actions: Action[] = [];
  /** return an error to make a request fail (after it was recorded) */
  failWith?: (a: Action) => Error | undefined;
  /** pods on a node get a deletionTimestamp instead of vanishing; finishDeletion() removes them */
  gracefulPodDeletion = false;
  /** while true, informers (caches and handlers) lag: events wait for deliverEvents() */
  holdEvents = false;
  private readonly held: (() => void)[] = [];
  private readonly stores = new Map<string, Map<string, KObject>>();
  private readonly informers = new Map<string, FakeInformer>();
  private readonly clients = new Map<string, FakeClient>();
  private rv = 100;
  private seq = 0;

  constructor(clock = new FakeClock(Date.parse('2024-01-01T00:00:00Z'))) {
    this.clock = clock;
  }

  resource(info: ResourceInfo): ResourceClient {
    let c = this.clients.get(rid(info));
    if (!c) this.clients.set(rid(info), (c = new FakeClient(this, info)));
    return c;
  }

  informerFor<T extends KObject = KObject>(info: ResourceInfo): Informer<T> {
    let i = this.informers.get(rid(info));
    if (!i) this.informers.set(rid(info), (i = new FakeInformer(info, new Map(this.store(info)))));
    return i as unknown as Informer<T>;
  }

  start(): void {}

  async waitForSync(): Promise<void> {}

  store(info: ResourceInfo): Map<string, KObject> {
    let s = this.stores.get(rid(info));
    if (!s) this.stores.set(rid(info), (s = new Map()));
    return s;
  }

  get(info: ResourceInfo, namespace: string, name: string): KObject | undefined {
    return this.store(info).get(keyFor(info.namespaced ? namespace : '', name));
  }

  list(info: ResourceInfo, namespace?: string): KObject[] {
    const all = [...this.store(info).values()];
    return namespace === undefined ? all : all.filter((o) => (o.metadata.namespace ?? '') === namespace);
  }

  now(): string {
    return new Date(this.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  /** Creates an object as a client would (defaults, uid, generateName); returns the stored copy. */
  create(info: ResourceInfo, obj: KObject): KObject {
    const o = structuredClone(obj);
    o.apiVersion ??= apiVersionOf(info);
    o.kind ??= info.kind;
    o.metadata ??= {};
    if (!info.namespaced) delete o.metadata.namespace;
    else o.metadata.namespace ??= 'default';
    if (!o.metadata.name) {
      if (!o.metadata.generateName) throw err(422, 'Invalid', 'name or generateName is required');
      o.metadata.name = o.metadata.generateName + (this.seq++).toString(36).padStart(5, 'x');
    }
    const key = keyFor(o.metadata.namespace, o.metadata.name);
    if (this.store(info).has(key)) throw err(409, 'AlreadyExists', `${info.resource}${info.group ? '.' + info.group : ''} "${o.metadata.name}" already exists`);
    const s = strategyFor(info.group, info.kind);
    s.defaults?.(o);
    o.metadata.uid = `uid-${(this.seq++).toString(36)}`;
    o.metadata.creationTimestamp = this.now();
    delete o.metadata.deletionTimestamp;
    s.prepareForCreate?.(o);
    this.validate(info, o);
    return this.put(info, o, 'add');
  }

  /** Replaces an object (main resource or status), as PUT does. */
  update(info: ResourceInfo, obj: KObject, part: 'main' | 'status'): KObject {
    const cur = this.get(info, obj.metadata?.namespace ?? '', obj.metadata?.name ?? '');
    if (!cur) throw err(404, 'NotFound', `${info.resource} "${obj.metadata?.name}" not found`);
    if (obj.metadata?.resourceVersion && obj.metadata.resourceVersion !== cur.metadata.resourceVersion) {
      throw err(409, 'Conflict', `Operation cannot be fulfilled on ${info.resource} "${cur.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`);
    }
    let o: KObject;
    if (part === 'status') {
      o = structuredClone(cur);
      o.status = structuredClone(obj.status);
    } else {
      o = structuredClone(obj);
      o.apiVersion ??= apiVersionOf(info);
      o.kind ??= info.kind;
      for (const f of ['uid', 'creationTimestamp', 'namespace', 'name', 'generation', 'deletionTimestamp']) {
        if (cur.metadata[f] === undefined) delete o.metadata[f];
        else o.metadata[f] = cur.metadata[f];
      }
      if (cur.status !== undefined && info.subresources.includes('status')) o.status = structuredClone(cur.status);
      const s = strategyFor(info.group, info.kind);
      s.defaults?.(o);
      s.prepareForUpdate?.(o, cur);
      this.validate(info, o, cur);
      if (cur.metadata.deletionTimestamp) {
        const added = (o.metadata.finalizers ?? []).filter((f: string) => !(cur.metadata.finalizers ?? []).includes(f));
        if (added.length) throw err(422, 'Invalid', 'no new finalizers can be added if the object is being deleted');
      }
    }
    if (JSON.stringify(o) === JSON.stringify(cur)) return cur;
    if (o.metadata.deletionTimestamp && !(o.metadata.finalizers ?? []).length) {
      this.remove(info, cur);
      return o;
    }
    return this.put(info, o, 'update', cur);
  }

  patch(info: ResourceInfo, namespace: string, name: string, type: string, body: unknown): KObject {
    const cur = this.get(info, namespace, name);
    if (!cur) throw err(404, 'NotFound', `${info.resource} "${name}" not found`);
    const contentType = { merge: 'application/merge-patch+json', strategic: 'application/strategic-merge-patch+json', json: 'application/json-patch+json' }[type];
    if (!contentType) throw err(415, 'UnsupportedMediaType', `patch type ${type}`);
    let next: KObject;
    try {
      next = hooks.patch(info, contentType, structuredClone(cur), structuredClone(body));
    } catch (e) {
      if (e instanceof ApiError) throw err(e.code, e.reason, e.message);
      throw e;
    }
    if (next.metadata?.uid !== cur.metadata.uid) throw err(422, 'Invalid', 'metadata.uid: Invalid value: field is immutable');
    next.metadata.resourceVersion = cur.metadata.resourceVersion;
    return this.update(info, next, 'main');
  }

  /** DELETE: with finalizers (or a graceful pod) sets deletionTimestamp; otherwise removes. */
  delete(info: ResourceInfo, namespace: string, name: string, opts: { preconditions?: { uid?: string }; propagationPolicy?: string } = {}): void {
    const cur = this.get(info, namespace, name);
    if (!cur) throw err(404, 'NotFound', `${info.resource} "${name}" not found`);
    if (opts.preconditions?.uid && opts.preconditions.uid !== cur.metadata.uid) throw err(409, 'Conflict', 'Precondition failed: UID in precondition');
    const graceful = this.gracefulPodDeletion && info.resource === 'pods' && !info.group && cur.spec?.nodeName && !['Succeeded', 'Failed'].includes(cur.status?.phase);
    const finalizers: string[] = [...(cur.metadata.finalizers ?? [])];
    if (opts.propagationPolicy === 'Foreground' && !finalizers.includes('foregroundDeletion')) finalizers.push('foregroundDeletion');
    if (finalizers.length || graceful) {
      if (cur.metadata.deletionTimestamp) return;
      const o = structuredClone(cur);
      o.metadata.deletionTimestamp = this.now();
      if (graceful) o.metadata.deletionGracePeriodSeconds = 30;
      o.metadata.finalizers = finalizers.length ? finalizers : undefined;
      if (!o.metadata.finalizers) delete o.metadata.finalizers;
      this.put(info, o, 'update', cur);
      return;
    }
    this.remove(info, cur);
  }

  /** Completes a graceful deletion (the kubelet's part) once no finalizers remain. */
  finishDeletion(info: ResourceInfo, namespace: string, name: string): void {
    const cur = this.get(info, namespace, name);
    if (cur?.metadata.deletionTimestamp && !(cur.metadata.finalizers ?? []).length) this.remove(info, cur);
  }

  /** Test-side change of any part of an object (pod status, node labels …), seen by informers. */
  mutate(info: ResourceInfo, namespace: string, name: string, fn: (o: KObject) => void): KObject {
    const cur = this.get(info, namespace, name);
    if (!cur) throw new Error(`mutate: ${info.resource} ${namespace}/${name} not found`);
    const o = structuredClone(cur);
    fn(o);
    if (o.metadata.deletionTimestamp && !(o.metadata.finalizers ?? []).length && cur.metadata.deletionTimestamp) {
      this.remove(info, cur);
      return o;
    }
    return this.put(info, o, 'update', cur);
  }

  private validate(info: ResourceInfo, o: KObject, old?: KObject): void {
    const causes = strategyFor(info.group, info.kind).validate?.(o, old) ?? [];
    if (causes.length) {
      const msg = `${info.kind} "${o.metadata?.name}" is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}`;
      throw new ClientError(422, { kind: 'Status', code: 422, reason: 'Invalid', message: msg, details: { causes } }, msg);
    }
  }

  private put(info: ResourceInfo, o: KObject, how: 'add' | 'update', old?: KObject): KObject {
    o.metadata.resourceVersion = String(++this.rv);
    deepFreeze(o);
    this.store(info).set(keyFor(o.metadata.namespace, o.metadata.name), o);
    this.deliver(info, how === 'add' ? 'onAdd' : 'onUpdate', o, old);
    return o;
  }

  private remove(info: ResourceInfo, cur: KObject): void {
    this.store(info).delete(keyFor(cur.metadata.namespace, cur.metadata.name));
    this.deliver(info, 'onDelete', cur);
  }

  private deliver(info: ResourceInfo, kind: 'onAdd' | 'onUpdate' | 'onDelete', obj: KObject, old?: KObject): void {
    const inf = this.informers.get(rid(info));
    if (!inf) return;
    if (this.holdEvents) this.held.push(() => inf.notify(kind, obj, old));
    else inf.notify(kind, obj, old);
  }

  /** delivers the events held while holdEvents was set, in order */
  deliverEvents(): void {
    for (const f of this.held.splice(0)) f();
  }

  /** record an action, failing it when failWith says so */
  act(a: Action): void {
    this.actions.push(a);
    const e = this.failWith?.(a);
    if (e) throw e;
  }

  /** actions of one verb on one resource */
  actionsOf(verb: Action['verb'], resource: string): Action[] {
    return this.actions.filter((a) => a.verb === verb && a.resource === resource);
  }
}

class FakeClient implements ResourceClient {
  constructor(private readonly c: FakeCluster, readonly info: ResourceInfo) {}

  async get(namespace: string, name: string): Promise<KObject> {
    const o = this.c.get(this.info, namespace, name);
    if (!o) throw err(404, 'NotFound', `${this.info.resource} "${name}" not found`);
    return structuredClone(o);
  }

  async list(namespace?: string, _opts?: ListOptions): Promise<KObject> {
    return { items: this.c.list(this.info, namespace || undefined).map((o) => structuredClone(o)), metadata: {} };
  }

  async watch(_ns: string | undefined, _opts: WatchOptions, _onEvent: (e: WatchEvent) => void, _signal: AbortSignal): Promise<void> {
    throw new Error('FakeClient.watch: use the fake informers');
  }

  async create(namespace: string, obj: KObject): Promise<KObject> {
    const o = { ...obj, metadata: { ...(obj.metadata ?? {}), namespace: namespace || obj.metadata?.namespace } };
    this.c.act({ verb: 'create', resource: this.info.resource, namespace, name: o.metadata.name ?? o.metadata.generateName ?? '', obj: structuredClone(o) });
    return structuredClone(this.c.create(this.info, o));
  }

  async update(obj: KObject): Promise<KObject> {
    this.c.act({ verb: 'update', resource: this.info.resource, namespace: obj.metadata?.namespace ?? '', name: obj.metadata?.name ?? '', obj: structuredClone(obj) });
    return structuredClone(this.c.update(this.info, obj, 'main'));
  }

  async updateStatus(obj: KObject): Promise<KObject> {
    this.c.act({ verb: 'updateStatus', resource: this.info.resource, namespace: obj.metadata?.namespace ?? '', name: obj.metadata?.name ?? '', obj: structuredClone(obj) });
    return structuredClone(this.c.update(this.info, obj, 'status'));
  }

  async patch(namespace: string, name: string, type: 'merge' | 'strategic' | 'json' | 'apply', body: unknown): Promise<KObject> {
    this.c.act({ verb: 'patch', resource: this.info.resource, namespace, name, obj: structuredClone(body) as KObject });
    return structuredClone(this.c.patch(this.info, namespace, name, type, body));
  }

  async delete(namespace: string, name: string, opts?: { preconditions?: { uid?: string }; propagationPolicy?: string }): Promise<void> {
    this.c.act({ verb: 'delete', resource: this.info.resource, namespace, name });
    this.c.delete(this.info, namespace, name, opts);
  }

  async deleteCollection(): Promise<void> {
    throw new Error('FakeClient.deleteCollection: not supported');
  }

  async createSubresource(): Promise<KObject> {
    throw new Error('FakeClient.createSubresource: not supported');
  }
}

class FakeInformer implements Informer {
  readonly lister: Lister;
  private readonly handlers: EventHandler[] = [];
  private readonly indexers = new Map<string, IndexFunc>();

  constructor(readonly info: ResourceInfo, private readonly items: Map<string, KObject>) {
    this.lister = {
      get: (key) => this.items.get(key),
      list: () => [...this.items.values()],
      listNamespace: (ns) => [...this.items.values()].filter((o) => (o.metadata.namespace ?? '') === ns),
      byIndex: (name, value) => {
        const fn = this.indexers.get(name);
        if (!fn) throw new Error(`index ${name} does not exist`);
        return [...this.items.values()].filter((o) => fn(o).includes(value));
      },
    };
  }

  addEventHandler(h: EventHandler): void {
    this.handlers.push(h);
    for (const o of this.items.values()) h.onAdd?.(o);
  }

  addIndexer(name: string, fn: IndexFunc): void {
    if (this.indexers.has(name)) throw new Error(`informer ${this.info.resource}: index "${name}" already exists`);
    this.indexers.set(name, fn);
  }

  hasSynced(): boolean {
    return true;
  }

  async waitForSync(): Promise<void> {}

  notify(kind: 'onAdd' | 'onUpdate' | 'onDelete', obj: KObject, old?: KObject): void {
    const key = keyFor(obj.metadata.namespace, obj.metadata.name);
    if (kind === 'onDelete') this.items.delete(key);
    else this.items.set(key, obj);
    for (const h of this.handlers) {
      if (kind === 'onUpdate') h.onUpdate?.(old!, obj);
      else h[kind]?.(obj);
    }
  }
}

/** A work queue for tests: a FIFO set of keys; delayed adds wait in `delayed` until fireDelayed(). */
export class FakeQueue implements WorkQueue<string> {
  readonly keys = new Set<string>();
  readonly delayed = new Map<string, number>();
  rateLimited = 0;

  add(key: string): void {
    this.keys.add(key);
  }

  addAfter(key: string, delayMs: number): void {
    if (delayMs <= 0) return this.add(key);
    const cur = this.delayed.get(key);
    if (cur === undefined || delayMs < cur) this.delayed.set(key, delayMs);
  }

  addRateLimited(key: string): void {
    this.rateLimited++;
    this.keys.add(key);
  }

  forget(): void {}

  async get(): Promise<string | undefined> {
    const k = this.keys.values().next().value;
    if (k !== undefined) this.keys.delete(k);
    return k;
  }

  done(): void {}

  len(): number {
    return this.keys.size;
  }

  shutDown(): void {}

  /** moves every delayed key (or those due within ms) into the queue */
  fireDelayed(withinMs = Infinity): void {
    for (const [k, d] of [...this.delayed]) {
      if (d <= withinMs) {
        this.delayed.delete(k);
        this.keys.add(k);
      }
    }
  }
}

/** Events recorded in memory as "Type Reason: message" strings. */
export class FakeRecorder implements Recorder {
  readonly events: string[] = [];

  event(obj: KObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    if (!obj?.kind || !obj?.metadata?.name) throw new Error(`event ${reason} about an object without kind or name`);
    this.events.push(`${type} ${reason}: ${message}`);
  }

  has(prefix: string): boolean {
    return this.events.some((e) => e.startsWith(prefix));
  }
}

/**
 * Runs reconcilers on their queues until every queue is empty (a controller-runtime loop without
 * workers): a thrown error re-queues the key; the result's requeueAfterMs goes to `delayed`.
 * Throws when the loop does not settle within maxRounds reconciles.
 */
export async function runUntilQuiet(pairs: [Reconciler, FakeQueue][], maxRounds = 2000, afterEach?: () => void): Promise<void> {
  let rounds = 0;
  for (;;) {
    let worked = false;
    for (const [r, q] of pairs) {
      const key = await q.get();
      if (key === undefined) continue;
      worked = true;
      if (++rounds > maxRounds) throw new Error(`runUntilQuiet: no quiet after ${maxRounds} reconciles (last ${r.name} ${key})`);
      try {
        const res = await r.reconcile(key);
        if (res && res.requeueAfterMs !== undefined) q.addAfter(key, res.requeueAfterMs);
      } catch (e) {
        q.addRateLimited(key);
        if (q.rateLimited > maxRounds / 2) throw e;
      }
      afterEach?.();
    }
    if (!worked) return;
  }
}

/** The kubelet's and scheduler's part for tests: binds a pod to a node and marks it Running and Ready. */
export function makePodReady(c: FakeCluster, pods: ResourceInfo, pod: KObject, node = 'node-1'): KObject {
  return c.mutate(pods, pod.metadata.namespace, pod.metadata.name, (p) => {
    p.spec.nodeName ||= node;
    p.status = { ...(p.status ?? {}), phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: c.now() }] };
  });
}
