// An in-memory API for scheduler tests and the bench fixture: fake clientset, informers and event recorder over one object store.

import type { ResourceInfo } from '../../api/resources.js';
import type { KObject } from '../../api/strategy.js';
import type { EventHandler, IndexFunc, Informer, InformerFactory, Lister, ResourceClient } from '../../client/types.js';
import type { Clientset, EventRecorder } from '../framework/interfaces.js';

/** An API error with an HTTP code, as ClientError carries one. */
export class FakeApiError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

export interface RecordedEvent {
  obj: KObject;
  type: string;
  reason: string;
  message: string;
}

function keyOf(info: ResourceInfo, obj: KObject): string {
  const name = obj?.metadata?.name ?? '';
  return info.namespaced ? `${obj?.metadata?.namespace ?? ''}/${name}` : name;
}

/** RFC 7386 merge, except that lists of objects with a "type" key merge by it (pod conditions, as strategic merge does). */
function mergeInto(target: KObject, patch: KObject, strategic: boolean): KObject {
  const out: KObject = { ...(target ?? {}) };
  for (const [k, v] of Object.entries(patch ?? {})) {
    if (v === null) delete out[k];
    else if (strategic && Array.isArray(v) && Array.isArray(out[k]) && v.every((x) => x && typeof x === 'object' && 'type' in x)) {
      const list: KObject[] = [...out[k]];
      for (const item of v) {
        const i = list.findIndex((x) => x?.type === item.type);
        if (i >= 0) list[i] = mergeInto(list[i], item, true);
        else list.push(item);
      }
      out[k] = list;
    } else if (v && typeof v === 'object' && !Array.isArray(v)) out[k] = mergeInto(out[k], v, strategic);
    else out[k] = v;
  }
  return out;
}

class FakeInformer implements Informer {
  readonly handlers: EventHandler[] = [];
  readonly lister: Lister;

  constructor(readonly info: ResourceInfo, private readonly items: Map<string, KObject>) {
    this.lister = {
      get: (key) => items.get(key),
      list: () => [...items.values()],
      listNamespace: (ns) => [...items.values()].filter((o) => (o.metadata?.namespace ?? '') === ns),
      byIndex: () => [],
    };
  }

  addEventHandler(h: EventHandler): void {
    this.handlers.push(h);
    for (const o of this.items.values()) h.onAdd?.(o);
  }

  addIndexer(_name: string, _fn: IndexFunc): void {}

  hasSynced(): boolean {
    return true;
  }

  async waitForSync(): Promise<void> {}
}

/**
 * One in-memory store behind a clientset, an informer factory and an event recorder.
 * Writes through the clientset (or create/update/remove here) update the store at once and
 * reach informer handlers on the next microtask, in write order — like a watch.
 */
export class FakeCluster {
  private readonly stores = new Map<string, Map<string, KObject>>();
  private readonly informerMap = new Map<string, FakeInformer>();
  private rv = 1;
  readonly events: RecordedEvent[] = [];
  /** every write call: "verb resource ns/name[/sub]" */
  readonly calls: string[] = [];
  /** when set, bindings fail with this error */
  failBindings: FakeApiError | undefined;
  private pendingDelivery: (() => void)[] = [];
  private deliveryScheduled = false;

  readonly recorder: EventRecorder = {
    event: (obj, type, reason, message) => {
      this.events.push({ obj, type, reason, message });
    },
  };

  readonly informers: InformerFactory = {
    informerFor: <T extends KObject>(info: ResourceInfo) => this.informer(info) as unknown as Informer<T>,
    start: () => undefined,
    waitForSync: async () => undefined,
  };

  readonly clientset: Clientset = { resource: (info) => this.client(info) };

  private store(info: ResourceInfo): Map<string, KObject> {
    let s = this.stores.get(info.resource);
    if (!s) this.stores.set(info.resource, (s = new Map()));
    return s;
  }

  private informer(info: ResourceInfo): FakeInformer {
    let i = this.informerMap.get(info.resource);
    if (!i) this.informerMap.set(info.resource, (i = new FakeInformer(info, this.store(info))));
    return i;
  }

  private deliver(info: ResourceInfo, fn: (h: EventHandler) => void): void {
    const inf = this.informerMap.get(info.resource);
    if (!inf) return;
    this.pendingDelivery.push(() => {
      for (const h of inf.handlers) fn(h);
    });
    if (!this.deliveryScheduled) {
      this.deliveryScheduled = true;
      queueMicrotask(() => {
        this.deliveryScheduled = false;
        const batch = this.pendingDelivery;
        this.pendingDelivery = [];
        for (const d of batch) d();
      });
    }
  }

  /** Resolves once every event written so far has reached the handlers. */
  async settle(): Promise<void> {
    for (let i = 0; i < 10; i++) await Promise.resolve();
  }

  get(info: ResourceInfo, key: string): KObject | undefined {
    return this.store(info).get(key);
  }

  list(info: ResourceInfo): KObject[] {
    return [...this.store(info).values()];
  }

  create(info: ResourceInfo, obj: KObject): KObject {
    const o: KObject = structuredClone(obj);
    o.metadata ??= {};
    o.metadata.uid ??= `uid-${o.metadata.name}-${this.rv}`;
    o.metadata.creationTimestamp ??= new Date(1_700_000_000_000 + this.rv).toISOString().replace(/\.\d{3}Z$/, 'Z');
    o.metadata.resourceVersion = String(++this.rv);
    const k = keyOf(info, o);
    if (this.store(info).has(k)) throw new FakeApiError(409, `${info.resource} "${o.metadata.name}" already exists`);
    this.store(info).set(k, o);
    this.deliver(info, (h) => h.onAdd?.(o));
    return o;
  }

  update(info: ResourceInfo, obj: KObject): KObject {
    return this.replace(info, structuredClone(obj));
  }

  /** stores o (not copied: the caller built it fresh) as the new version */
  private replace(info: ResourceInfo, o: KObject): KObject {
    const k = keyOf(info, o);
    const old = this.store(info).get(k);
    if (!old) throw new FakeApiError(404, `${info.resource} "${o.metadata?.name}" not found`);
    o.metadata = { ...o.metadata, resourceVersion: String(++this.rv) };
    this.store(info).set(k, o);
    this.deliver(info, (h) => h.onUpdate?.(old, o));
    return o;
  }

  remove(info: ResourceInfo, key: string): void {
    const old = this.store(info).get(key);
    if (!old) throw new FakeApiError(404, `${info.resource} "${key}" not found`);
    this.store(info).delete(key);
    this.deliver(info, (h) => h.onDelete?.(old));
  }

  private client(info: ResourceInfo): ResourceClient {
    const key = (ns: string, name: string) => (info.namespaced ? `${ns}/${name}` : name);
    const must = (ns: string, name: string) => {
      const o = this.store(info).get(key(ns, name));
      if (!o) throw new FakeApiError(404, `${info.resource} "${name}" not found`);
      return o;
    };
    return {
      info,
      get: async (ns, name) => structuredClone(must(ns, name)),
      list: async () => ({ items: this.list(info) }),
      watch: async () => {
        throw new FakeApiError(405, 'watch is not supported by the fake');
      },
      create: async (ns, obj) => {
        this.calls.push(`create ${info.resource} ${ns}/${obj.metadata?.name}`);
        return this.create(info, { ...obj, metadata: { ...obj.metadata, namespace: ns || obj.metadata?.namespace } });
      },
      update: async (obj) => this.update(info, obj),
      updateStatus: async (obj) => {
        const cur = must(obj.metadata?.namespace ?? '', obj.metadata?.name ?? '');
        return this.update(info, { ...cur, status: obj.status });
      },
      patch: async (ns, name, type, body, opts) => {
        this.calls.push(`patch ${info.resource} ${ns}/${name}${opts?.subresource ? '/' + opts.subresource : ''}`);
        const cur = must(ns, name);
        return this.update(info, mergeInto(cur, body as KObject, type === 'strategic'));
      },
      delete: async (ns, name) => {
        this.calls.push(`delete ${info.resource} ${ns}/${name}`);
        this.remove(info, key(ns, name));
      },
      deleteCollection: async () => undefined,
      createSubresource: async (ns, name, sub, body) => {
        this.calls.push(`create ${info.resource} ${ns}/${name}/${sub}`);
        if (sub !== 'binding') throw new FakeApiError(404, `subresource ${sub} not supported by the fake`);
        if (this.failBindings) throw this.failBindings;
        const cur = must(ns, name);
        if (cur.spec?.nodeName) throw new FakeApiError(409, `pod ${name} is already assigned to node "${cur.spec.nodeName}"`);
        const conds = (cur.status?.conditions ?? []).filter((c: KObject) => c.type !== 'PodScheduled');
        this.replace(info, { ...cur, spec: { ...cur.spec, nodeName: body.target?.name }, status: { ...cur.status, conditions: [...conds, { type: 'PodScheduled', status: 'True' }] } });
        return { kind: 'Status', status: 'Success' };
      },
    };
  }
}
