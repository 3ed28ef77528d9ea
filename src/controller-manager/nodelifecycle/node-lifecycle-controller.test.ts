// Tests for the node lifecycle controller's reconcile with a fake clock and in-memory informers: Unknown, taints, evictions, recovery.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/strategy.js';
import type { ResourceInfo } from '../../api/resources.js';
import { FakeClock } from '../../client/clock.js';
import type { EventHandler, IndexFunc, Informer, InformerFactory, Lister, ResourceClient } from '../../client/types.js';
import { NodeLifecycleController } from './node-lifecycle-controller.js';

/** An informer over a map; the fake client writes into it directly, as a server plus watch would. */
class FakeInformer implements Informer {
  readonly items = new Map<string, KObject>();
  private readonly handlers: EventHandler[] = [];
  private readonly indexers = new Map<string, IndexFunc>();
  readonly lister: Lister;
  constructor(readonly info: ResourceInfo) {
    const list = () => [...this.items.values()];
    this.lister = {
      get: (k) => this.items.get(k),
      list,
      listNamespace: (ns) => list().filter((o) => o.metadata.namespace === ns),
      byIndex: (name, value) => list().filter((o) => this.indexers.get(name)!(o).includes(value)),
    };
  }
  addEventHandler(h: EventHandler): void {
    this.handlers.push(h);
  }
  addIndexer(name: string, fn: IndexFunc): void {
    this.indexers.set(name, fn);
  }
  hasSynced(): boolean {
    return true;
  }
  async waitForSync(): Promise<void> {}
  set(obj: KObject): KObject {
    const key = obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : obj.metadata.name;
    const old = this.items.get(key);
    const stored = structuredClone({ ...obj, metadata: { ...obj.metadata, resourceVersion: String(Number(old?.metadata.resourceVersion ?? 0) + 1) } });
    this.items.set(key, stored);
    for (const h of this.handlers) old ? h.onUpdate?.(old, stored) : h.onAdd?.(stored);
    return stored;
  }
}

function fakeCluster() {
  const informers = new Map<string, FakeInformer>();
  const calls: string[] = [];
  const factory: InformerFactory = {
    informerFor<T extends KObject>(info: ResourceInfo) {
      if (!informers.has(info.resource)) informers.set(info.resource, new FakeInformer(info));
      return informers.get(info.resource)! as unknown as Informer<T>;
    },
    start() {},
    async waitForSync() {},
  };
  const inf = (r: string) => informers.get(r)!;
  const clientset = {
    resource(info: ResourceInfo): ResourceClient {
      const i = () => factory.informerFor(info) as unknown as FakeInformer;
      return {
        info,
        async update(obj: KObject) {
          calls.push(`update ${info.resource} ${obj.metadata.name}`);
          return i().set(obj);
        },
        async updateStatus(obj: KObject) {
          calls.push(`status ${info.resource} ${obj.metadata.name}`);
          return i().set(obj);
        },
        async delete(ns: string, name: string) {
          calls.push(`delete ${info.resource} ${name}`);
          const o = i().items.get(`${ns}/${name}`)!;
          i().set({ ...o, metadata: { ...o.metadata, deletionTimestamp: '2025-01-01T01:00:00Z' } });
        },
      } as unknown as ResourceClient;
    },
  };
  return { factory, clientset, inf, calls };
}

const T0 = Date.parse('2025-01-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

function readyNode(name: string, at: number): KObject {
  return { metadata: { name, creationTimestamp: iso(T0 - 60_000) }, spec: {}, status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: iso(at), lastTransitionTime: iso(T0 - 60_000) }] } };
}
const lease = (name: string, at: number): KObject => ({ metadata: { name, namespace: 'kube-node-lease' }, spec: { renewTime: new Date(at).toISOString() } });
/** tolerationSeconds: undefined = no toleration, null = tolerated forever */
function pod(name: string, node: string, tolerationSeconds?: number | null): KObject {
  const tolerations = tolerationSeconds === undefined ? [] : [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', ...(tolerationSeconds === null ? {} : { tolerationSeconds }) }];
  return { metadata: { name, namespace: 'default', uid: `uid-${name}` }, spec: { nodeName: node, tolerations }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } };
}

test('a silent node goes Unknown, is tainted, its pods go NotReady and are evicted on their toleration schedule; it recovers', async () => {
  const clock = new FakeClock(T0);
  const { factory, clientset, inf, calls } = fakeCluster();
  const c = new NodeLifecycleController({ clientset, informers: factory, config: { clock, nodeMonitorGracePeriodMs: 40_000 } });
  inf('nodes').set(readyNode('n1', T0));
  inf('nodes').set(readyNode('n2', T0));
  inf('leases').set(lease('n1', T0));
  inf('pods').set(pod('forever', 'n1', null));
  inf('pods').set(pod('ten', 'n1', 10));
  inf('pods').set(pod('none', 'n1'));
  inf('pods').set(pod('other', 'n2'));

  let r = await c.reconcile('n1');
  assert.deepEqual(r, { requeueAfterMs: 40_100 }, 'healthy: look again when the grace period would run out');
  clock.step(20_000);
  inf('leases').set(lease('n1', T0 + 20_000));
  r = await c.reconcile('n1');
  assert.deepEqual(r, { requeueAfterMs: 40_100 }, 'a renewal restarts the grace period');
  assert.equal(calls.length, 0);

  clock.step(40_001);
  r = await c.reconcile('n1');
  const n1 = inf('nodes').items.get('n1')!;
  const ready = n1.status.conditions.find((x: KObject) => x.type === 'Ready');
  assert.equal(ready.status, 'Unknown');
  assert.equal(ready.reason, 'NodeStatusUnknown');
  assert.deepEqual(n1.spec.taints.map((t: KObject) => `${t.key}:${t.effect}`), ['node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute']);
  assert.equal(n1.spec.taints[1].timeAdded, iso(T0 + 60_000));
  // every pod NotReady; the one without a toleration evicted at once, after a DisruptionTarget condition
  for (const name of ['forever', 'ten', 'none']) {
    const p = inf('pods').items.get(`default/${name}`)!;
    assert.equal(p.status.conditions.find((x: KObject) => x.type === 'Ready').status, 'False', name);
  }
  const none = inf('pods').items.get('default/none')!;
  assert.ok(none.metadata.deletionTimestamp);
  assert.equal(none.status.conditions.find((x: KObject) => x.type === 'DisruptionTarget').reason, 'DeletionByTaintManager');
  assert.equal(inf('pods').items.get('default/other')!.status.conditions[0].status, 'True', 'other nodes untouched');
  // the taint's timeAdded has second precision: T0+60 s, so the 10 s toleration ends at T0+70 s
  assert.deepEqual(r, { requeueAfterMs: 9_999 }, 'next: the 10 s toleration');
  assert.ok(calls.includes('delete pods none') && !calls.includes('delete pods ten'));

  clock.step(10_000);
  r = await c.reconcile('n1');
  assert.ok(inf('pods').items.get('default/ten')!.metadata.deletionTimestamp);
  assert.equal(inf('pods').items.get('default/forever')!.metadata.deletionTimestamp, undefined, 'tolerates forever');
  assert.equal(r, undefined, 'nothing more to wait for: the next renewal wakes it');

  // the kubelet comes back: lease renewed and Ready posted
  clock.step(5000);
  inf('leases').set(lease('n1', clock.now()));
  const back = structuredClone(inf('nodes').items.get('n1')!);
  back.status.conditions = readyNode('n1', clock.now()).status.conditions;
  inf('nodes').set(back);
  r = await c.reconcile('n1');
  assert.equal(inf('nodes').items.get('n1')!.spec.taints, undefined, 'taints removed');
  assert.deepEqual(r, { requeueAfterMs: 40_100 });
});

test('full disruption (no node Ready): NoSchedule only, nobody evicted', async () => {
  const clock = new FakeClock(T0);
  const { factory, clientset, inf, calls } = fakeCluster();
  const c = new NodeLifecycleController({ clientset, informers: factory, config: { clock, nodeMonitorGracePeriodMs: 40_000 } });
  inf('nodes').set(readyNode('solo', T0));
  inf('pods').set(pod('p', 'solo'));
  await c.reconcile('solo');
  clock.step(41_000);
  await c.reconcile('solo');
  const solo = inf('nodes').items.get('solo')!;
  assert.equal(solo.status.conditions[0].status, 'Unknown');
  assert.deepEqual(solo.spec.taints.map((t: KObject) => `${t.key}:${t.effect}`), ['node.kubernetes.io/unreachable:NoSchedule']);
  assert.ok(!calls.some((x) => x.startsWith('delete')));
});

test('a node that never posted Ready gets the startup grace, then NeverUpdated conditions', async () => {
  const clock = new FakeClock(T0);
  const { factory, clientset, inf } = fakeCluster();
  const c = new NodeLifecycleController({ clientset, informers: factory, config: { clock, nodeMonitorGracePeriodMs: 40_000, nodeStartupGracePeriodMs: 120_000 } });
  inf('nodes').set({ metadata: { name: 'new', creationTimestamp: iso(T0) }, spec: {}, status: {} });
  assert.deepEqual(await c.reconcile('new'), { requeueAfterMs: 120_100 });
  clock.step(120_001);
  await c.reconcile('new');
  const ready = inf('nodes').items.get('new')!.status.conditions.find((x: KObject) => x.type === 'Ready');
  assert.equal(ready.reason, 'NodeStatusNeverUpdated');
  assert.equal(ready.message, 'Kubelet never posted node status.');
});
