// The event recorder against a real `k8ts server`: Event shape, count aggregation by PATCH, the 10-minute window, errors dropped.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, kubectlOk } from './helpers/server.js';
import type { TestServer } from './helpers/server.js';
import { findResource } from '../src/api/resources.js';
import type { KObject } from '../src/api/strategy.js';
import { Clientset } from '../src/client/clientset.js';
import { FakeClock } from '../src/client/clock.js';
import { EventRecorder } from '../src/client/event-recorder.js';

const CM = findResource('', 'v1', 'configmaps')!;
const EVENTS = findResource('', 'v1', 'events')!;
const NODES = findResource('', 'v1', 'nodes')!;

describe('event recorder against k8ts server', () => {
  let s: TestServer;
  let cs: Clientset;

  before(async () => {
    s = await startServer();
    cs = await Clientset.fromKubeconfig(s.kubeconfig, 'event-recorder-test');
  });

  after(async () => {
    cs?.close();
    await s?.stop();
  });

  async function eventsFor(namespace: string, name: string): Promise<KObject[]> {
    const list = await cs.resource(EVENTS).list(namespace, { fieldSelector: `involvedObject.name=${name}` });
    return (list.items as KObject[]).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  }

  test('writes client-go shaped Events; identical ones within 10 minutes bump count', async () => {
    const obj = await cs.resource(CM).create('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'subject' } });
    const clock = new FakeClock(Date.parse('2025-01-02T03:04:05.678Z'));
    const logs: string[] = [];
    const rec = new EventRecorder(cs, { component: 'test-controller', host: 'node-1', clock, log: (m) => logs.push(m) });

    rec.event(obj, 'Normal', 'Synced', 'synced it');
    clock.step(1000);
    rec.event(obj, 'Normal', 'Synced', 'synced it');
    clock.step(60_000);
    rec.event(obj, 'Normal', 'Synced', 'synced it');
    rec.event(obj, 'Warning', 'Failed', 'could not sync');
    await rec.flush();
    assert.deepEqual(logs, []);

    const evs = await eventsFor('default', 'subject');
    assert.equal(evs.length, 2, JSON.stringify(evs, null, 1));
    const synced = evs.find((e) => e.reason === 'Synced')!;
    assert.match(synced.metadata.name, /^subject\.[0-9a-f]+$/);
    assert.equal(BigInt(`0x${synced.metadata.name.split('.')[1]}`), BigInt(Date.parse('2025-01-02T03:04:05.678Z')) * 1_000_000n);
    assert.equal(synced.metadata.namespace, 'default');
    assert.deepEqual(synced.involvedObject, { kind: 'ConfigMap', namespace: 'default', name: 'subject', uid: obj.metadata.uid, apiVersion: 'v1', resourceVersion: obj.metadata.resourceVersion });
    assert.deepEqual(synced.source, { component: 'test-controller', host: 'node-1' });
    assert.equal(synced.type, 'Normal');
    assert.equal(synced.message, 'synced it');
    assert.equal(synced.count, 3);
    assert.equal(synced.firstTimestamp, '2025-01-02T03:04:05Z');
    assert.equal(synced.lastTimestamp, '2025-01-02T03:05:06Z');
    const failed = evs.find((e) => e.reason === 'Failed')!;
    assert.equal(failed.type, 'Warning');
    assert.equal(failed.count, 1);

    // kubectl shows them (count and source)
    const described = kubectlOk(s, ['get', 'events', '-n', 'default', '--field-selector', 'involvedObject.name=subject', '-o', 'jsonpath={range .items[*]}{.reason}:{.count}:{.source.component}{"\\n"}{end}']);
    assert.deepEqual(described.trim().split('\n').sort(), ['Failed:1:test-controller', 'Synced:3:test-controller']);

    // more than 10 minutes after the last one: a new Event
    clock.step(11 * 60_000);
    rec.event(obj, 'Normal', 'Synced', 'synced it');
    await rec.flush();
    const after = (await eventsFor('default', 'subject')).filter((e) => e.reason === 'Synced');
    assert.equal(after.length, 2);
    assert.deepEqual(after.map((e) => e.count).sort(), [1, 3]);

    // the aggregated Event was deleted meanwhile: re-created under its name with the next count
    const newest = after.find((e) => e.count === 1)!;
    await cs.resource(EVENTS).delete('default', newest.metadata.name);
    clock.step(1000);
    rec.event(obj, 'Normal', 'Synced', 'synced it');
    await rec.flush();
    const recreated = await cs.resource(EVENTS).get('default', newest.metadata.name);
    assert.equal(recreated.count, 2);
    assert.deepEqual(logs, []);
  });

  test('cluster-scoped objects get events in "default"; failures never throw', async () => {
    const node = await cs.resource(NODES).create('', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'ev-node' } });
    const logs: string[] = [];
    const rec = new EventRecorder(cs, { component: 'node-controller', log: (m) => logs.push(m) });
    rec.event(node, 'Normal', 'RegisteredNode', 'Node ev-node event: Registered Node ev-node in Controller');
    // no kind: dropped with a log line
    rec.event({ metadata: { name: 'x', namespace: 'default' } }, 'Normal', 'X', 'y');
    // a namespace that does not exist: the write fails, is logged and dropped
    rec.event({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ghost', namespace: 'no-such-ns', uid: 'u' } }, 'Warning', 'Ghost', 'boo');
    await rec.flush();
    const evs = await eventsFor('default', 'ev-node');
    assert.equal(evs.length, 1);
    assert.equal(evs[0].involvedObject.kind, 'Node');
    assert.equal(evs[0].involvedObject.namespace, undefined);
    assert.equal(evs[0].source.component, 'node-controller');
    assert.equal(logs.length, 2, logs.join('\n'));
    assert.match(logs[0], /no kind or name/);
    assert.match(logs[1], /Ghost/);
  });
});
