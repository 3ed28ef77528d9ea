// Tests for core/v1 ↔ events.k8s.io/v1 Event conversion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coreToEventsV1, convertEvent, eventsV1ToCore } from './events.js';

const core = {
  kind: 'Event', apiVersion: 'v1',
  metadata: { name: 'web.17', namespace: 'default' },
  involvedObject: { kind: 'Pod', namespace: 'default', name: 'web', uid: 'u1', apiVersion: 'v1', fieldPath: 'spec.containers{c}' },
  reason: 'Pulled', message: 'pulled', type: 'Normal',
  source: { component: 'kubelet', host: 'n1' },
  firstTimestamp: '2024-05-01T11:00:00Z', lastTimestamp: '2024-05-01T11:05:00Z', count: 4,
  eventTime: '2024-05-01T11:00:00.123456Z', series: { count: 4, lastObservedTime: '2024-05-01T11:05:00.000001Z' },
  action: 'Pulling', related: { kind: 'Node', name: 'n1' },
  reportingComponent: 'kubelet', reportingInstance: 'n1',
};

test('core → events.k8s.io/v1 renames every field', () => {
  const v1 = coreToEventsV1(core);
  assert.deepEqual(v1, {
    kind: 'Event', apiVersion: 'events.k8s.io/v1',
    metadata: core.metadata,
    eventTime: core.eventTime, series: core.series,
    reportingController: 'kubelet', reportingInstance: 'n1', action: 'Pulling', reason: 'Pulled',
    regarding: core.involvedObject, related: core.related, note: 'pulled', type: 'Normal',
    deprecatedSource: core.source, deprecatedFirstTimestamp: core.firstTimestamp, deprecatedLastTimestamp: core.lastTimestamp, deprecatedCount: 4,
  });
});

test('round trips both ways', () => {
  assert.deepEqual(eventsV1ToCore(coreToEventsV1(core)), core);
  const v1 = coreToEventsV1(core);
  assert.deepEqual(coreToEventsV1(eventsV1ToCore(v1)), v1);
});

test('missing fields become the zero values Go serializes', () => {
  const c = eventsV1ToCore({ apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'e' }, reason: 'X', regarding: { kind: 'Pod', name: 'p' } });
  assert.equal(c.firstTimestamp, null);
  assert.equal(c.lastTimestamp, null);
  assert.equal(c.eventTime, null);
  assert.deepEqual(c.source, {});
  assert.equal(c.reportingComponent, '');
  assert.equal(c.count, undefined);
  assert.equal(convertEvent(c, 'events.k8s.io/v1').reason, 'X');
  assert.equal(convertEvent(coreToEventsV1(core), 'v1').message, 'pulled');
});
