// Tests for node health decisions with an injected clock: probe timestamps, grace periods, Unknown conditions, taints, evictions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { observeHealth, silentNodeConditions, gracePeriodFor, msUntilSilent, nodeCondition } from './node-health.js';
import { desiredTaints, evictionTime, tolerates, TAINT_UNREACHABLE, TAINT_NOT_READY } from './taints.js';
import type { KObject } from '../../api/strategy.js';

const T0 = Date.parse('2025-01-01T00:00:00Z');
const GRACE = 40_000;

function node(ready: string | undefined, heartbeat = '2025-01-01T00:00:00Z', extra: KObject = {}): KObject {
  const conditions = ready === undefined ? [] : [
    { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', lastHeartbeatTime: heartbeat, lastTransitionTime: '2025-01-01T00:00:00Z' },
    { type: 'Ready', status: ready, reason: 'KubeletReady', lastHeartbeatTime: heartbeat, lastTransitionTime: '2025-01-01T00:00:00Z' },
  ];
  return { metadata: { name: 'n1', creationTimestamp: '2024-12-31T23:59:00Z' }, spec: { ...extra }, status: { conditions } };
}

const lease = (renew: string): KObject => ({ metadata: { name: 'n1', namespace: 'kube-node-lease' }, spec: { renewTime: renew } });

test('a node first seen gets a full grace period from the controller clock', () => {
  const h = observeHealth(undefined, node('True'), lease('2024-06-01T00:00:00.000000Z'), T0);
  assert.equal(h.probeAt, T0);
  assert.equal(silentNodeConditions(node('True'), h, T0 + GRACE, GRACE), undefined, 'exactly at the grace period: still fine');
  assert.ok(silentNodeConditions(node('True'), h, T0 + GRACE + 1, GRACE));
  assert.equal(msUntilSilent(h, T0 + 10_000, GRACE), 30_000);
});

test('lease renewals move the probe time; an unchanged lease does not', () => {
  let h = observeHealth(undefined, node('True'), lease('2025-01-01T00:00:00.000000Z'), T0);
  h = observeHealth(h, node('True'), lease('2025-01-01T00:00:10.000000Z'), T0 + 10_000);
  assert.equal(h.probeAt, T0 + 10_000);
  h = observeHealth(h, node('True'), lease('2025-01-01T00:00:10.000000Z'), T0 + 30_000);
  assert.equal(h.probeAt, T0 + 10_000, 'same renewTime');
  // an older renewTime (a stale cache) does not count either
  h = observeHealth(h, node('True'), lease('2025-01-01T00:00:05.000000Z'), T0 + 35_000);
  assert.equal(h.probeAt, T0 + 10_000);
  assert.equal(silentNodeConditions(node('True'), h, T0 + 50_000, GRACE), undefined);
  const conds = silentNodeConditions(node('True'), h, T0 + 50_001, GRACE)!;
  const ready = conds.find((c) => c.type === 'Ready')!;
  assert.equal(ready.status, 'Unknown');
  assert.equal(ready.reason, 'NodeStatusUnknown');
  assert.equal(ready.message, 'Kubelet stopped posting node status.');
  assert.equal(ready.lastTransitionTime, '2025-01-01T00:00:50Z');
  assert.equal(ready.lastHeartbeatTime, '2025-01-01T00:00:00Z', 'heartbeat kept');
  assert.equal(conds.find((c) => c.type === 'MemoryPressure')!.status, 'Unknown');
  // conditions never posted are added as NeverUpdated
  const disk = conds.find((c) => c.type === 'DiskPressure')!;
  assert.equal(disk.status, 'Unknown');
  assert.equal(disk.reason, 'NodeStatusNeverUpdated');
});

test('a new Ready heartbeat also counts; conditions already Unknown are not rewritten', () => {
  let h = observeHealth(undefined, node('True', '2025-01-01T00:00:00Z'), undefined, T0);
  h = observeHealth(h, node('True', '2025-01-01T00:00:20Z'), undefined, T0 + 20_000);
  assert.equal(h.probeAt, T0 + 20_000);
  const unknown = node('True');
  unknown.status.conditions = silentNodeConditions(unknown, h, T0 + 61_000, GRACE);
  for (const t of ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure']) assert.equal(nodeCondition(unknown, t)?.status, 'Unknown', t);
  assert.equal(silentNodeConditions(unknown, h, T0 + 120_000, GRACE), undefined);
});

test('a node that never posted Ready counts from its creation with the startup grace', () => {
  const n = node(undefined);
  assert.equal(gracePeriodFor(n, GRACE, 60_000), 60_000);
  assert.equal(gracePeriodFor(node('True'), GRACE, 60_000), GRACE);
  const h = observeHealth(undefined, n, undefined, T0);
  assert.equal(h.probeAt, Date.parse('2024-12-31T23:59:00Z'));
  const conds = silentNodeConditions(n, h, T0 + 1000, 60_000)!;
  assert.equal(conds.find((c) => c.type === 'Ready')!.reason, 'NodeStatusNeverUpdated');
  assert.equal(conds.find((c) => c.type === 'Ready')!.message, 'Kubelet never posted node status.');
});

test('taints follow the Ready condition, keep timeAdded and leave foreign taints alone', () => {
  const foreign = { key: 'example.com/gpu', value: 'x', effect: 'NoSchedule' };
  const unknown = node('Unknown', undefined, { taints: [foreign] });
  const t1 = desiredTaints(unknown, T0, false)!;
  assert.deepEqual(t1, [foreign, { key: TAINT_UNREACHABLE, effect: 'NoSchedule' }, { key: TAINT_UNREACHABLE, effect: 'NoExecute', timeAdded: '2025-01-01T00:00:00Z' }]);
  unknown.spec.taints = t1;
  assert.equal(desiredTaints(unknown, T0 + 5000, false), undefined, 'already right');
  // Ready=False swaps unreachable for not-ready
  const notReady = node('False', undefined, { taints: t1 });
  assert.deepEqual(desiredTaints(notReady, T0 + 5000, false)!.map((t) => `${t.key}:${t.effect}`), ['example.com/gpu:NoSchedule', `${TAINT_NOT_READY}:NoSchedule`, `${TAINT_NOT_READY}:NoExecute`]);
  // Ready again: only the foreign taint stays
  assert.deepEqual(desiredTaints(node('True', undefined, { taints: t1 }), T0, false), [foreign]);
  // full disruption: no NoExecute taint (and an existing one is taken off)
  assert.deepEqual(desiredTaints(node('Unknown', undefined, { taints: t1 }), T0, true), [foreign, t1[1]]);
  // no Ready condition yet: nothing
  assert.equal(desiredTaints(node(undefined), T0, false), undefined);
  // cordon and pressure conditions
  const cordoned = node('True', undefined, { unschedulable: true });
  cordoned.status.conditions[0].status = 'True';
  assert.deepEqual(desiredTaints(cordoned, T0, false)!.map((t) => t.key), ['node.kubernetes.io/memory-pressure', 'node.kubernetes.io/unschedulable']);
});

test('tolerations match taints as upstream', () => {
  const taint = { key: TAINT_UNREACHABLE, effect: 'NoExecute' };
  assert.equal(tolerates({ key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute' }, taint), true);
  assert.equal(tolerates({ key: TAINT_UNREACHABLE, operator: 'Exists' }, taint), true, 'empty effect matches all');
  assert.equal(tolerates({ operator: 'Exists' }, taint), true, 'empty key with Exists matches all');
  assert.equal(tolerates({ key: TAINT_UNREACHABLE, effect: 'NoSchedule', operator: 'Exists' }, taint), false);
  assert.equal(tolerates({ key: 'k', value: 'v', effect: 'NoExecute' }, { key: 'k', value: 'v', effect: 'NoExecute' }), true);
  assert.equal(tolerates({ key: 'k', value: 'w', operator: 'Equal' }, { key: 'k', value: 'v', effect: 'NoExecute' }), false);
  assert.equal(tolerates({ value: 'v' }, { key: 'k', value: 'v', effect: 'NoExecute' }), false, 'empty key needs Exists');
});

test('eviction time honours tolerationSeconds from the taint time; no toleration means at once', () => {
  const taints = [{ key: TAINT_UNREACHABLE, effect: 'NoExecute', timeAdded: '2025-01-01T00:00:00Z' }];
  const pod = (tolerations?: KObject[]) => ({ spec: { tolerations } });
  assert.equal(evictionTime(pod(), taints, T0 + 99), 0);
  assert.equal(evictionTime(pod([{ key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }]), taints, 0), T0 + 300_000);
  assert.equal(evictionTime(pod([{ key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute' }]), taints, 0), undefined, 'tolerated forever');
  assert.equal(evictionTime(pod([{ operator: 'Exists', tolerationSeconds: 10 }, { key: TAINT_UNREACHABLE, operator: 'Exists', tolerationSeconds: 5 }]), taints, 0), T0 + 5000, 'the shortest applies');
  assert.equal(evictionTime(pod([{ key: TAINT_UNREACHABLE, operator: 'Exists', tolerationSeconds: -1 }]), taints, 0), 0);
  assert.equal(evictionTime(pod([{ key: 'other', operator: 'Exists', tolerationSeconds: 100 }]), taints, 0), 0, 'a toleration for another taint does not help');
  // a taint without timeAdded counts from when the controller first saw it
  assert.equal(evictionTime(pod([{ key: TAINT_UNREACHABLE, operator: 'Exists', tolerationSeconds: 1 }]), [{ key: TAINT_UNREACHABLE, effect: 'NoExecute' }], T0 + 7000), T0 + 8000);
  // two NoExecute taints: both must be tolerated
  const two = [...taints, { key: TAINT_NOT_READY, effect: 'NoExecute', timeAdded: '2025-01-01T00:00:10Z' }];
  assert.equal(evictionTime(pod([{ key: TAINT_UNREACHABLE, operator: 'Exists', tolerationSeconds: 300 }]), two, 0), 0);
  assert.equal(evictionTime(pod([{ operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }]), two, 0), T0 + 30_000);
  assert.equal(evictionTime(pod(), [], 0), undefined, 'no NoExecute taint');
});
