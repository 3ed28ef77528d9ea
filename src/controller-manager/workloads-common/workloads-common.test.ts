// Unit tests of the helpers shared by the workload controllers.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/strategy.js';
import { FakeClock } from '../../client/clock.js';
import { canonicalJson, computeHash, fnv32a, safeEncodeString } from './hash.js';
import { scaledValue } from './int-or-percent.js';
import { Expectations } from './expectations.js';
import { comparePodsForDeletion, isPodAvailable, slowStartBatch } from './pods.js';
import { nodeMatchesPod, toleratesTaint } from './scheduling.js';

test('hashes are stable and key-order independent; the collision count changes them', () => {
  assert.equal(fnv32a(new TextEncoder().encode('')), 0x811c9dc5);
  assert.equal(fnv32a(new TextEncoder().encode('a')), 0xe40c292c);
  assert.equal(safeEncodeString('0123456789'), '456789bcdf');
  const a = { metadata: { labels: { app: 'x', tier: 'y' } }, spec: { containers: [{ name: 'c', image: 'i' }] } };
  const b = { spec: { containers: [{ image: 'i', name: 'c' }] }, metadata: { labels: { tier: 'y', app: 'x' } } };
  assert.equal(canonicalJson(a), canonicalJson(b));
  assert.equal(computeHash(a), computeHash(b));
  assert.match(computeHash(a), /^[bcdfghjklmnpqrstvwxz2456789]+$/);
  assert.notEqual(computeHash(a, 1), computeHash(a));
  assert.equal(computeHash(a, 1), computeHash(b, 1));
});

test('int-or-percent: surge rounds up, unavailable down', () => {
  assert.equal(scaledValue('25%', 10, true), 3);
  assert.equal(scaledValue('25%', 10, false), 2);
  assert.equal(scaledValue(4, 10, true), 4);
  assert.equal(scaledValue('0%', 10, true), 0);
  assert.equal(scaledValue(undefined, 10, true, 7), 7);
});

test('expectations: met when observed, lapse after the TTL', () => {
  const clock = new FakeClock();
  const e = new Expectations(clock, 1000);
  assert.ok(e.satisfied('a'));
  e.expectCreations('a', 2);
  assert.ok(!e.satisfied('a'));
  e.creationObserved('a');
  e.creationObserved('a');
  assert.ok(e.satisfied('a'));
  e.expectDeletions('a', ['ns/p1']);
  e.deletionObserved('a', 'ns/other');
  assert.ok(!e.satisfied('a'));
  clock.step(1001);
  assert.ok(e.satisfied('a'));
});

test('availability needs minReadySeconds of readiness; slow start doubles and stops at a failure', async () => {
  const t0 = Date.parse('2024-01-01T00:00:00Z');
  const pod: KObject = { status: { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2024-01-01T00:00:00Z' }] } };
  assert.ok(isPodAvailable(pod, 0, t0));
  assert.ok(!isPodAvailable(pod, 10, t0 + 10_000));
  assert.ok(isPodAvailable(pod, 10, t0 + 10_001));
  const calls: number[] = [];
  const r = await slowStartBatch(20, 1, async (i) => {
    calls.push(i);
    if (i === 5) throw new Error('no');
  });
  // batches 1, 2, 4: the third batch (3..6) holds the failure
  assert.deepEqual(calls, [0, 1, 2, 3, 4, 5, 6]);
  assert.equal(r.successes, 6);
});

test('deletion ranking: unscheduled, pending, not ready, then newest ready first', () => {
  const now = Date.parse('2024-01-02T00:00:00Z');
  const mk = (name: string, s: KObject): KObject => ({ metadata: { name, uid: name, creationTimestamp: '2024-01-01T00:00:00Z' }, ...s });
  const ready = (t: string) => ({ phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: t }] });
  const pods = [
    mk('old-ready', { spec: { nodeName: 'n' }, status: ready('2024-01-01T00:00:00Z') }),
    mk('new-ready', { spec: { nodeName: 'n' }, status: ready('2024-01-01T23:59:00Z') }),
    mk('not-ready', { spec: { nodeName: 'n' }, status: { phase: 'Running' } }),
    mk('pending', { spec: { nodeName: 'n' }, status: { phase: 'Pending' } }),
    mk('unscheduled', { spec: {}, status: { phase: 'Pending' } }),
  ];
  const sorted = [...pods].sort((a, b) => comparePodsForDeletion(a, b, 0, 0, now)).map((p) => p.metadata.name);
  assert.deepEqual(sorted, ['unscheduled', 'pending', 'not-ready', 'new-ready', 'old-ready']);
});

test('node predicates: selector, affinity terms, tolerations', () => {
  const node = { metadata: { name: 'n1', labels: { zone: 'a', size: '8' } } };
  assert.ok(nodeMatchesPod({ nodeSelector: { zone: 'a' } }, node));
  assert.ok(!nodeMatchesPod({ nodeSelector: { zone: 'b' } }, node));
  const aff = (terms: KObject[]) => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } });
  assert.ok(nodeMatchesPod(aff([{ matchExpressions: [{ key: 'size', operator: 'Gt', values: ['4'] }] }]), node));
  assert.ok(!nodeMatchesPod(aff([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] }]), node));
  assert.ok(nodeMatchesPod(aff([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] }, { matchExpressions: [{ key: 'zone', operator: 'Exists' }] }]), node));
  assert.ok(toleratesTaint({ operator: 'Exists' }, { key: 'k', effect: 'NoSchedule' }));
  assert.ok(toleratesTaint({ key: 'k', value: 'v', effect: 'NoSchedule' }, { key: 'k', value: 'v', effect: 'NoSchedule' }));
  assert.ok(!toleratesTaint({ key: 'k', value: 'v', effect: 'NoExecute' }, { key: 'k', value: 'v', effect: 'NoSchedule' }));
});
