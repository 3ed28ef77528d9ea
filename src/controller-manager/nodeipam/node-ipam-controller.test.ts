// Tests for the node IPAM controller's reconcile with in-memory nodes: assignment, restart rebuild, release on delete, exhaustion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/strategy.js';
import type { ResourceInfo } from '../../api/resources.js';
import type { Informer, InformerFactory, ResourceClient } from '../../client/types.js';
import { NodeIpamController } from './node-ipam-controller.js';

/** Nodes in a map behind a minimal informer; merge patches of spec land in it at once. */
function cluster(nodes: KObject[]) {
  const items = new Map<string, KObject>(nodes.map((n) => [n.metadata.name, n]));
  const events: string[] = [];
  const informer = {
    lister: { get: (k: string) => items.get(k), list: () => [...items.values()] },
    addEventHandler() {},
    addIndexer() {},
    hasSynced: () => true,
    waitForSync: async () => {},
  } as unknown as Informer;
  const informers = { informerFor: () => informer, start() {}, async waitForSync() {} } as unknown as InformerFactory;
  const clientset = {
    resource: (info: ResourceInfo) => ({
      info,
      async patch(_ns: string, name: string, _type: string, body: KObject) {
        const n = items.get(name);
        if (!n) throw Object.assign(new Error('not found'), { code: 404 });
        n.spec = { ...n.spec, ...body.spec };
        return n;
      },
    }) as unknown as ResourceClient,
  };
  const recorder = { event: (_o: KObject, type: string, reason: string) => events.push(`${type} ${reason}`) };
  return { items, events, opts: { clientset, informers, recorder } };
}
const node = (name: string, podCIDR?: string): KObject => ({ metadata: { name }, spec: podCIDR ? { podCIDR, podCIDRs: [podCIDR] } : {} });

test('nodes without a podCIDR get the next free /24; a restarted controller skips CIDRs in use', async () => {
  const { items, opts } = cluster([node('a', '10.244.0.0/24'), node('b', '10.244.2.0/24'), node('c'), node('d')]);
  const c = new NodeIpamController({ ...opts, config: { clusterCidr: '10.244.0.0/16' } });
  await c.reconcile('c');
  await c.reconcile('d');
  assert.deepEqual(items.get('c')!.spec, { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] });
  assert.equal(items.get('d')!.spec.podCIDR, '10.244.3.0/24');
  // reconciling again changes nothing
  await c.reconcile('c');
  assert.equal(items.get('c')!.spec.podCIDR, '10.244.1.0/24');
});

test('a deleted node gives its CIDR back', async () => {
  const { items, opts } = cluster([node('a'), node('b')]);
  const c = new NodeIpamController({ ...opts, config: { clusterCidr: '10.0.0.0/23' } });
  await c.reconcile('a');
  await c.reconcile('b');
  items.delete('a');
  await c.reconcile('a');
  items.set('e', node('e'));
  await c.reconcile('e');
  assert.equal(items.get('e')!.spec.podCIDR, '10.0.0.0/24');
});

test('an exhausted cluster CIDR is reported and retried later', async () => {
  const { items, events, opts } = cluster([node('a'), node('b')]);
  const c = new NodeIpamController({ ...opts, config: { clusterCidr: '10.0.0.0/24' } });
  await c.reconcile('a');
  assert.deepEqual(await c.reconcile('b'), { requeueAfterMs: 30_000 });
  assert.equal(items.get('b')!.spec.podCIDR, undefined);
  assert.deepEqual(events, ['Warning CIDRNotAvailable']);
});
