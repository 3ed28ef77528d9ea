// Informers against a real `k8ts server`: paginated list + watch, ordered events, onDelete, indexers, resync, relist after compaction.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.js';
import type { TestServer } from './helpers/server.js';
import { waitFor } from './api-conformance.js';
import { findResource } from '../src/api/resources.js';
import type { ResourceInfo } from '../src/api/resources.js';
import type { KObject } from '../src/api/strategy.js';
import { Clientset } from '../src/client/clientset.js';
import { SharedInformerFactory } from '../src/client/informer.js';
import type { ClientSource } from '../src/client/informer.js';
import { isGone } from '../src/client/rest-client.js';
import type { ResourceClient } from '../src/client/types.js';

const CM = findResource('', 'v1', 'configmaps')!;
const NS = 'inf';

function cm(name: string, labels: Record<string, string> = {}, data: Record<string, string> = {}): KObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS, labels }, data };
}

/**
 * A client whose watches the test can cut and hold down (as a network outage would), and whose
 * list and watch calls are recorded.
 */
class FaultyClients implements ClientSource {
  hold = false;
  readonly lists: KObject[] = [];
  readonly watches: string[] = [];
  private readonly active = new Set<AbortController>();

  constructor(private readonly cs: Clientset) {}

  resource(info: ResourceInfo): ResourceClient {
    const rc = this.cs.resource(info);
    const self = this;
    const wrapped: ResourceClient = Object.create(rc);
    wrapped.list = (ns, opts) => {
      self.lists.push({ ...opts });
      return rc.list(ns, opts);
    };
    wrapped.watch = async (ns, opts, onEvent, signal) => {
      while (self.hold && !signal.aborted) await new Promise((r) => setTimeout(r, 20));
      self.watches.push(opts.resourceVersion ?? '');
      const ac = new AbortController();
      const stop = () => ac.abort();
      signal.addEventListener('abort', stop, { once: true });
      self.active.add(ac);
      try {
        await rc.watch(ns, opts, onEvent, ac.signal);
      } finally {
        self.active.delete(ac);
        signal.removeEventListener('abort', stop);
      }
    };
    return wrapped;
  }

  /** cuts every open watch; with hold set, new ones wait */
  dropWatches(): void {
    for (const ac of this.active) ac.abort();
  }
}

describe('informers against k8ts server', () => {
  let s: TestServer;
  let cs: Clientset;
  const stop = new AbortController();

  before(async () => {
    s = await startServer({ extraArgs: ['--etcd-compaction-interval', '1s'] });
    cs = await Clientset.fromKubeconfig(s.kubeconfig, 'informer-test');
    await cs.resource(findResource('', 'v1', 'namespaces')!).create('', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  });

  after(async () => {
    stop.abort();
    cs?.close();
    await s?.stop();
  });

  test('list (paginated) + watch, events in order, onDelete, indexers, resync, relist after compaction', async () => {
    const cms = cs.resource(CM);
    for (const n of ['a', 'b', 'c']) await cms.create(NS, cm(n, { app: n === 'c' ? 'db' : 'web' }, { v: '0' }));

    const faulty = new FaultyClients(cs);
    const factory = new SharedInformerFactory(faulty, { namespace: NS, pageSize: 2 });
    const inf = factory.informerFor(CM);
    inf.addIndexer('app', (o) => (o.metadata?.labels?.app ? [o.metadata.labels.app] : []));
    const seen: string[] = [];
    const deleted = new Map<string, KObject>();
    inf.addEventHandler({
      onAdd: (o) => {
        assert.equal(inf.lister.get(`${NS}/${o.metadata.name}`), o, 'the cache is updated before handlers run');
        seen.push(`ADD ${o.metadata.name}`);
      },
      onUpdate: (old, o) => {
        assert.equal(inf.lister.get(`${NS}/${o.metadata.name}`), o);
        seen.push(`UPDATE ${o.metadata.name} ${old.data?.v}->${o.data?.v}`);
      },
      onDelete: (o) => {
        assert.equal(inf.lister.get(`${NS}/${o.metadata.name}`), undefined);
        seen.push(`DELETE ${o.metadata.name}`);
        deleted.set(o.metadata.name, o);
      },
    });
    factory.start(stop.signal);
    await factory.waitForSync(stop.signal);
    assert.equal(inf.hasSynced(), true);

    // the first list came in pages of 2 (limit + continue)
    assert.equal(faulty.lists[0].limit, 2);
    assert.ok(faulty.lists.some((l) => l.continue), JSON.stringify(faulty.lists));
    assert.deepEqual(inf.lister.list().map((o) => o.metadata.name).sort(), ['a', 'b', 'c']);
    assert.deepEqual(seen.slice().sort(), ['ADD a', 'ADD b', 'ADD c']);
    assert.equal(inf.lister.list()[0].kind, 'ConfigMap');

    // built-in namespace index and a custom one
    assert.equal(inf.lister.listNamespace(NS).length, 3);
    assert.equal(inf.lister.listNamespace('default').length, 0);
    assert.deepEqual(inf.lister.byIndex('app', 'web').map((o) => o.metadata.name).sort(), ['a', 'b']);

    // a handler added after sync gets the cached objects as adds
    const late: string[] = [];
    inf.addEventHandler({ onAdd: (o) => late.push(o.metadata.name) });
    assert.deepEqual(late.sort(), ['a', 'b', 'c']);

    // watch: every change, in order, with growing resourceVersions
    seen.length = 0;
    await cms.create(NS, cm('x', { app: 'web' }, { v: '1' }));
    for (const v of ['2', '3']) {
      const cur = await cms.get(NS, 'x');
      await cms.update({ ...cur, data: { v } });
    }
    await cms.patch(NS, 'x', 'merge', { metadata: { labels: { app: 'db' } } });
    await cms.delete(NS, 'x');
    await waitFor(() => seen.includes('DELETE x'), 10_000, () => seen.join(', '));
    assert.deepEqual(seen, ['ADD x', 'UPDATE x 1->2', 'UPDATE x 2->3', 'UPDATE x 3->3', 'DELETE x']);
    assert.deepEqual(inf.lister.byIndex('app', 'db').map((o) => o.metadata.name), ['c'], 'index follows label changes and deletes');

    // resync re-delivers onUpdate(obj, obj) for cached objects
    const resynced = new Set<string>();
    inf.addEventHandler({ onUpdate: (old, o) => old === o && resynced.add(o.metadata.name) }, { resyncMs: 100 });
    await waitFor(() => resynced.size === 3, 5000, () => [...resynced].join(','));

    // cut the watch and keep it down while things change and the store compacts past our resourceVersion
    const rvBefore = inf.lastSyncResourceVersion();
    faulty.hold = true;
    faulty.dropWatches();
    const lastA = inf.lister.get(`${NS}/a`)!;
    seen.length = 0;
    await cms.delete(NS, 'a');
    const b = await cms.get(NS, 'b');
    await cms.update({ ...b, data: { v: 'changed' } });
    await cms.create(NS, cm('new', { app: 'web' }, { v: 'n' }));
    await waitFor(async () => {
      try {
        await cms.watch(NS, { resourceVersion: rvBefore }, () => {}, AbortSignal.timeout(200));
        return false;
      } catch (err) {
        return isGone(err);
      }
    }, 15_000, () => `resourceVersion ${rvBefore} not compacted yet`);
    assert.equal(seen.length, 0, `nothing seen while the watch is down: ${seen.join(', ')}`);
    const watchesBefore = faulty.watches.length;
    const listsBefore = faulty.lists.length;
    faulty.hold = false;

    // the informer gets 410, relists, and delivers the differences
    await waitFor(() => seen.includes('DELETE a') && seen.includes('ADD new') && seen.some((e) => e.startsWith('UPDATE b')), 15_000, () => seen.join(', '));
    assert.ok(faulty.lists.length > listsBefore, 'relisted');
    assert.equal(faulty.watches[watchesBefore], rvBefore, 'first tried to resume from the old resourceVersion');
    assert.equal(deleted.get('a')?.metadata.uid, lastA.metadata.uid, 'onDelete got the last known state');
    assert.equal(deleted.get('a')?.metadata.resourceVersion, lastA.metadata.resourceVersion);
    assert.ok(seen.includes('UPDATE b 0->changed'), seen.join(', '));

    // the cache now equals a fresh LIST
    const fresh = await cms.list(NS);
    const view = (objs: KObject[]) => objs.map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`).sort();
    assert.deepEqual(view(inf.lister.list()), view(fresh.items));
    assert.deepEqual(inf.lister.byIndex('app', 'web').map((o) => o.metadata.name).sort(), ['b', 'new']);

    // and it watches again: a later change arrives
    seen.length = 0;
    await cms.delete(NS, 'new');
    await waitFor(() => seen.includes('DELETE new'), 10_000, () => seen.join(', '));
    assert.ok(Number(inf.lastSyncResourceVersion()) > Number(rvBefore));
  });
});
