// Conversion between core/v1 Event (the stored form) and events.k8s.io/v1 Event, field for field as upstream.

import type { KObject } from '../strategy.js';

/** True when the object is written in the events.k8s.io/v1 shape. */
export function isEventsV1(obj: KObject): boolean {
  return typeof obj?.apiVersion === 'string' && obj.apiVersion.startsWith('events.k8s.io/');
}

function copyIf(out: KObject, key: string, v: unknown): void {
  if (v !== undefined) out[key] = structuredClone(v);
}

/**
 * events.k8s.io/v1 → core/v1: note→message, regarding→involvedObject,
 * reportingController→reportingComponent, deprecatedSource→source,
 * deprecatedFirstTimestamp/LastTimestamp/Count → firstTimestamp/lastTimestamp/count.
 * Fields Go always serializes are present (null timestamps, empty source/strings).
 */
export function eventsV1ToCore(ev: KObject): KObject {
  const out: KObject = { kind: 'Event', apiVersion: 'v1' };
  copyIf(out, 'metadata', ev.metadata ?? {});
  out.involvedObject = structuredClone(ev.regarding ?? {});
  copyIf(out, 'reason', ev.reason);
  copyIf(out, 'message', ev.note);
  out.source = structuredClone(ev.deprecatedSource ?? {});
  out.firstTimestamp = ev.deprecatedFirstTimestamp ?? null;
  out.lastTimestamp = ev.deprecatedLastTimestamp ?? null;
  if (ev.deprecatedCount) out.count = ev.deprecatedCount;
  copyIf(out, 'type', ev.type);
  out.eventTime = ev.eventTime ?? null;
  copyIf(out, 'series', ev.series);
  copyIf(out, 'action', ev.action);
  copyIf(out, 'related', ev.related);
  out.reportingComponent = ev.reportingController ?? '';
  out.reportingInstance = ev.reportingInstance ?? '';
  return out;
}

/** core/v1 → events.k8s.io/v1, the inverse of eventsV1ToCore. */
export function coreToEventsV1(ev: KObject): KObject {
  const out: KObject = { kind: 'Event', apiVersion: 'events.k8s.io/v1' };
  copyIf(out, 'metadata', ev.metadata ?? {});
  out.eventTime = ev.eventTime ?? null;
  copyIf(out, 'series', ev.series);
  if (ev.reportingComponent) out.reportingController = ev.reportingComponent;
  if (ev.reportingInstance) out.reportingInstance = ev.reportingInstance;
  copyIf(out, 'action', ev.action);
  copyIf(out, 'reason', ev.reason);
  out.regarding = structuredClone(ev.involvedObject ?? {});
  copyIf(out, 'related', ev.related);
  copyIf(out, 'note', ev.message);
  copyIf(out, 'type', ev.type);
  out.deprecatedSource = structuredClone(ev.source ?? {});
  out.deprecatedFirstTimestamp = ev.firstTimestamp ?? null;
  out.deprecatedLastTimestamp = ev.lastTimestamp ?? null;
  if (ev.count) out.deprecatedCount = ev.count;
  return out;
}

/** Converts to the requested apiVersion ("v1" or "events.k8s.io/v1"), whichever shape the input has. */
export function convertEvent(ev: KObject, toApiVersion: string): KObject {
  const core = isEventsV1(ev) ? eventsV1ToCore(ev) : ev;
  return toApiVersion.startsWith('events.k8s.io/') ? coreToEventsV1(core) : { ...structuredClone(core), apiVersion: 'v1', kind: 'Event' };
}

/** events.k8s.io/v1 field-selector names → the stored (core) names, as upstream maps them. */
export const EVENTS_V1_FIELD_LABELS: Record<string, string> = {
  reason: 'reason',
  'regarding.kind': 'involvedObject.kind',
  'regarding.namespace': 'involvedObject.namespace',
  'regarding.name': 'involvedObject.name',
  'regarding.uid': 'involvedObject.uid',
  'regarding.apiVersion': 'involvedObject.apiVersion',
  'regarding.resourceVersion': 'involvedObject.resourceVersion',
  'regarding.fieldPath': 'involvedObject.fieldPath',
  reportingController: 'reportingComponent',
  type: 'type',
};
