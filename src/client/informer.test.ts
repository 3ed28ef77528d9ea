// Tests for the informer's reflector logic on a scripted client: ERROR events, dropped watches, bookmarks, handler failures.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findResource } from '../api/resources.js';
import type { KObject } from '../api/strategy.js';
import { SharedInformerFactory } from './informer.js';
import type { ResourceClient, WatchEvent, WatchOptions } from './types.js';

const CM = findResource('', 'v1', 'configmaps')!;

function cm(name: string, rv: number): KObject {
  return { metadata: { name, namespace: 'ns', resourceVersion: String(rv), uid: `uid-${name}` } };
}

/** A fake API: list answers from `state`; each watch runs the next script step. */
class Scripted {
  state = new Map<string, KObject>();
  rv = 10;
  lists = 0;
  watches: string[] = [];
  steps: ((emit: (e: WatchEvent) => void, opts: WatchOptions) => Promise<void>)[] = [];

  client(): ResourceClient {
    return {
      info: CM,
      list: async () => {
        this.lists++;
        return { metadata: { resourceVersion: String(this.rv) }, items: [...this.state.values()] };
      },
      watch: async (_ns: string | undefined, opts: WatchOptions, onEvent: (e: WatchEvent) => void, signal: AbortSignal) => {
        this.watches.push(opts.resourceVersion ?? '');
        const step = this.steps.shift();
        if (step) return step(onEvent, opts);
        await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
      },
    } as unknown as ResourceClient;
  }
}

async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('bookmarks move the resourceVersion; an ERROR 410 relists and delivers what vanished as onDelete', async () => {
  const api = new Scripted();
  api.state.set('a', cm('a', 5));
  api.state.set('b', cm('b', 6));
  // watch 1: an event, a bookmark, then the server ends the watch (timeout): resume from the bookmark
  api.steps.push(async (emit) => {
    emit({ type: 'MODIFIED', object: cm('a', 11) });
    emit({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '20' } } });
  });
  // watch 2: too old
  api.steps.push(async (emit) => {
    api.state.delete('b');
    api.state.set('a', cm('a', 30));
    api.state.set('c', cm('c', 31));
    api.rv = 31;
    emit({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' } });
  });
  const factory = new SharedInformerFactory({ resource: () => api.client() }, { log: () => {} });
  const inf = factory.informerFor(CM);
  const seen: string[] = [];
  inf.addEventHandler({
    onAdd: (o) => seen.push(`add ${o.metadata.name}@${o.metadata.resourceVersion}`),
    onUpdate: (old, o) => seen.push(`update ${o.metadata.name} ${old.metadata.resourceVersion}->${o.metadata.resourceVersion}`),
    onDelete: (o) => seen.push(`delete ${o.metadata.name}@${o.metadata.resourceVersion}`),
  });
  inf.addEventHandler({
    onAdd: () => {
      throw new Error('a broken handler does not stop the others');
    },
  });
  const ac = new AbortController();
  factory.start(ac.signal);
  await until(() => api.watches.length >= 3, 'third watch');
  ac.abort();
  assert.deepEqual(api.watches, ['10', '20', '31']);
  assert.equal(api.lists, 2);
  assert.deepEqual(seen, ['add a@5', 'add b@6', 'update a 5->11', 'delete b@6', 'update a 11->30', 'add c@31']);
  assert.equal(inf.lister.get('ns/a')?.kind, 'ConfigMap', 'kind filled in from the resource');
  assert.deepEqual(inf.lister.listNamespace('ns').map((o) => o.metadata.name).sort(), ['a', 'c']);
});

test('a failed watch backs off and relists; waitForSync resolves on abort', async () => {
  const api = new Scripted();
  api.state.set('a', cm('a', 5));
  api.steps.push(async () => {
    throw new Error('connect ECONNREFUSED');
  });
  const logs: string[] = [];
  const factory = new SharedInformerFactory({ resource: () => api.client() }, { log: (m) => logs.push(m) });
  const inf = factory.informerFor(CM);
  const ac = new AbortController();
  factory.start(ac.signal);
  await until(() => api.lists === 2 && api.watches.length === 2, 'relist after the failed watch');
  assert.match(logs[0], /informer configmaps: watch: connect ECONNREFUSED; retrying in 200 ms/);
  assert.equal(inf.hasSynced(), true);
  ac.abort();

  // an informer that never syncs: waitForSync gives up when its signal aborts
  const never = new SharedInformerFactory({ resource: () => ({ info: CM, list: () => new Promise(() => {}) }) as unknown as ResourceClient });
  never.informerFor(CM);
  const stop = new AbortController();
  never.start(stop.signal);
  const waiting = never.waitForSync(stop.signal);
  stop.abort();
  await waiting;
});
