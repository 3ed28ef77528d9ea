// Tests for EndpointSlice planning: conditions, ≤ 100 endpoints a slice, little churn, placeholder, labels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/strategy.js';
import { desiredGroups, planSlices, sliceLabels } from './slice-planner.js';

const svc: KObject = { metadata: { name: 'web', namespace: 'ns', uid: 'svc-uid', labels: { team: 'a' } }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] } };

function pod(i: number, extra: KObject = {}): KObject {
  return {
    metadata: { name: `p${i}`, namespace: 'ns', uid: `u${i}`, labels: { app: 'web' }, ...(extra.metadata ?? {}) },
    spec: { nodeName: `n${i % 3}` },
    status: { phase: 'Running', podIP: `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`, conditions: [{ type: 'Ready', status: extra.ready === false ? 'False' : 'True' }] },
  };
}
const zone = (n: string) => (n === 'n0' ? 'zone-a' : undefined);
const total = (slices: KObject[]) => slices.reduce((n, s) => n + s.endpoints.length, 0);

test('endpoint conditions: ready, serving, terminating; node, zone and targetRef', () => {
  const groups = desiredGroups(svc, [pod(0), pod(1, { ready: false }), pod(2, { metadata: { deletionTimestamp: '2025-01-01T00:00:00Z' } })], zone);
  assert.equal(groups.size, 1);
  const [g] = [...groups.values()];
  assert.equal(g.addressType, 'IPv4');
  assert.deepEqual(g.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
  const eps = [...g.endpoints.values()];
  assert.deepEqual(eps[0], { addresses: ['10.0.0.1'], conditions: { ready: true, serving: true, terminating: false }, targetRef: { kind: 'Pod', namespace: 'ns', name: 'p0', uid: 'u0' }, nodeName: 'n0', zone: 'zone-a' });
  assert.deepEqual(eps[1].conditions, { ready: false, serving: false, terminating: false });
  assert.deepEqual(eps[2].conditions, { ready: false, serving: true, terminating: true });
  const pub = desiredGroups({ ...svc, spec: { ...svc.spec, publishNotReadyAddresses: true } }, [pod(1, { ready: false })], zone);
  assert.deepEqual([...[...pub.values()][0].endpoints.values()][0].conditions, { ready: true, serving: true, terminating: false });
});

test('250 endpoints make slices of at most 100, labelled and owned by the Service', () => {
  const pods = Array.from({ length: 250 }, (_, i) => pod(i));
  const plan = planSlices(svc, [], desiredGroups(svc, pods, zone), 100, { 'endpoints.kubernetes.io/last-change-trigger-time': 't' });
  assert.deepEqual(plan.create.map((s) => s.endpoints.length), [100, 100, 50]);
  assert.equal(plan.update.length + plan.delete.length, 0);
  const s = plan.create[0];
  assert.equal(s.metadata.generateName, 'web-');
  assert.deepEqual(s.metadata.labels, { team: 'a', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
  assert.deepEqual(s.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'svc-uid', controller: true, blockOwnerDeletion: true }]);
  assert.equal(s.metadata.annotations['endpoints.kubernetes.io/last-change-trigger-time'], 't');
  assert.equal(s.addressType, 'IPv4');
});

test('changes touch few slices: endpoints stay where they are, new ones fill gaps, emptied slices go', () => {
  const pods = Array.from({ length: 250 }, (_, i) => pod(i));
  const created = planSlices(svc, [], desiredGroups(svc, pods, zone), 100).create.map((s, i) => ({ ...s, metadata: { ...s.metadata, name: `web-${i}`, uid: `s${i}` } }));
  // nothing changed: nothing to do
  const same = planSlices(svc, created, desiredGroups(svc, pods, zone), 100);
  assert.deepEqual([same.create.length, same.update.length, same.delete.length], [0, 0, 0]);
  // one pod goes not-ready: only its slice is rewritten
  const changed = pods.map((p, i) => (i === 150 ? pod(150, { ready: false }) : p));
  const one = planSlices(svc, created, desiredGroups(svc, changed, zone), 100);
  assert.deepEqual(one.update.map((s) => s.metadata.name), ['web-1']);
  assert.equal(one.create.length + one.delete.length, 0);
  // ten pods leave the first slice and ten arrive: they fill the slice being changed, no new slice
  const moved = [...pods.slice(10), ...Array.from({ length: 10 }, (_, i) => pod(1000 + i))];
  const fill = planSlices(svc, created, desiredGroups(svc, moved, zone), 100);
  assert.deepEqual(fill.update.map((s) => s.metadata.name), ['web-0']);
  assert.equal(fill.update[0].endpoints.length, 100);
  assert.equal(fill.create.length, 0);
  // the last slice's pods all go: that slice is deleted
  const fewer = planSlices(svc, created, desiredGroups(svc, pods.slice(0, 200), zone), 100);
  assert.deepEqual(fewer.delete.map((s) => s.metadata.name), ['web-2']);
  assert.equal(total(fewer.update), 0);
});

test('no endpoints: one empty placeholder slice; a slice owned by an older Service of the same name goes', () => {
  const plan = planSlices(svc, [], desiredGroups(svc, [], zone), 100);
  assert.equal(plan.create.length, 1);
  assert.deepEqual(plan.create[0].endpoints, []);
  assert.equal(plan.create[0].ports, undefined);
  const placeholder = { ...plan.create[0], metadata: { ...plan.create[0].metadata, name: 'web-x' } };
  const again = planSlices(svc, [placeholder], desiredGroups(svc, [], zone), 100);
  assert.deepEqual([again.create.length, again.update.length, again.delete.length], [0, 0, 0]);
  const stale = { ...placeholder, metadata: { ...placeholder.metadata, name: 'web-old', ownerReferences: [{ kind: 'Service', name: 'web', uid: 'old-uid' }] } };
  const withPod = planSlices(svc, [stale, placeholder], desiredGroups(svc, [pod(1)], zone), 100);
  assert.deepEqual(withPod.delete.map((s) => s.metadata.name).sort(), ['web-old', 'web-x']);
  assert.equal(withPod.create.length, 1);
});

test('headless Services carry the headless label; the Service cannot override service-name', () => {
  const headless = { ...svc, metadata: { ...svc.metadata, labels: { 'kubernetes.io/service-name': 'evil' } }, spec: { ...svc.spec, clusterIP: 'None' } };
  assert.deepEqual(sliceLabels(headless), { 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io', 'service.kubernetes.io/headless': '' });
});
