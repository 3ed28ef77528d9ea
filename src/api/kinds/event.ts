// Event, core/v1 and events.k8s.io/v1: legacy and strict validation, field selectors, the events table.

import type { StatusCause } from '../status.js';
import type { KindStrategy, KObject } from '../strategy.js';
import { goRepr, immutable, invalid, required, deepEqual } from '../validation/field.js';
import { isDNS1123Subdomain, isQualifiedName } from '../validation/names.js';
import { EVENTS_V1_FIELD_LABELS, eventsV1ToCore, isEventsV1 } from '../conversion/events.js';
import { translateTimestampSince } from './duration.js';
import { col } from './table.js';

const REPORTING_INSTANCE_LIMIT = 128;
const ACTION_LIMIT = 128;
const REASON_LIMIT = 128;
const NOTE_LIMIT = 1024;

function toCore(ev: KObject): KObject {
  return isEventsV1(ev) ? eventsV1ToCore(ev) : ev;
}

function zeroTime(v: unknown): boolean {
  return v === undefined || v === null || v === '' || v === '0001-01-01T00:00:00Z';
}

/** legacyValidateEvent; strict=true names the reporting field as events.k8s.io does. */
function legacyValidate(ev: KObject, strict: boolean): StatusCause[] {
  const errs: StatusCause[] = [];
  const ns: string = ev.metadata?.namespace ?? '';
  const involvedNs: string = ev.involvedObject?.namespace ?? '';
  const reportingField = strict ? 'reportingController' : 'reportingComponent';
  if (zeroTime(ev.eventTime)) {
    if (!involvedNs) {
      if (ns !== '' && ns !== 'default') errs.push(invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
    } else if (ns !== involvedNs) {
      errs.push(invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
    }
  } else {
    if (!involvedNs && ns !== 'default' && ns !== 'kube-system') errs.push(invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
    const rc: string = ev.reportingComponent ?? '';
    if (!rc) errs.push(required(reportingField));
    for (const m of isQualifiedName(rc)) errs.push(invalid(reportingField, rc, m));
    const ri: string = ev.reportingInstance ?? '';
    if (!ri) errs.push(required('reportingInstance'));
    if (ri.length > REPORTING_INSTANCE_LIMIT) errs.push(invalid('reportingInstance', '', `can have at most ${REPORTING_INSTANCE_LIMIT} characters`));
    const action: string = ev.action ?? '';
    if (!action) errs.push(required('action'));
    if (action.length > ACTION_LIMIT) errs.push(invalid('action', '', `can have at most ${ACTION_LIMIT} characters`));
    const reason: string = ev.reason ?? '';
    if (!reason) errs.push(required('reason'));
    if (reason.length > REASON_LIMIT) errs.push(invalid('reason', '', `can have at most ${REASON_LIMIT} characters`));
    if ((ev.message ?? '').length > NOTE_LIMIT) errs.push(invalid('message', '', `can have at most ${NOTE_LIMIT} characters`));
  }
  for (const m of isDNS1123Subdomain(ns)) errs.push(invalid('namespace', ns, m));
  return errs;
}

function validateSeries(ev: KObject): StatusCause[] {
  const errs: StatusCause[] = [];
  if (ev.series != null) {
    if (!(ev.series.count >= 2)) errs.push(invalid('series.count', '', 'should be at least 2'));
    if (zeroTime(ev.series.lastObservedTime)) errs.push(required('series.lastObservedTime'));
  }
  return errs;
}

function strictCreate(ev: KObject): StatusCause[] {
  const errs = validateSeries(ev);
  if (zeroTime(ev.eventTime)) errs.push(required('eventTime'));
  if (ev.type !== 'Normal' && ev.type !== 'Warning') errs.push(invalid('type', '', `has invalid value: ${ev.type ?? ''}`));
  if (!zeroTime(ev.firstTimestamp)) errs.push(invalid('firstTimestamp', '', 'needs to be unset'));
  if (!zeroTime(ev.lastTimestamp)) errs.push(invalid('lastTimestamp', '', 'needs to be unset'));
  if (ev.count) errs.push(invalid('count', '', 'needs to be unset'));
  if (ev.source?.component || ev.source?.host) errs.push(invalid('source', '', 'needs to be unset'));
  return errs;
}

function strictUpdate(ev: KObject, old: KObject): StatusCause[] {
  const errs: StatusCause[] = [];
  if (!deepEqual(ev.series, old.series)) errs.push(...validateSeries(ev));
  const same = (f: string, a: unknown, b: unknown) => errs.push(...immutable(a ?? null, b ?? null, f, typeof a === 'object' && a !== null ? goRepr(JSON.stringify(a)) : a ?? ''));
  same('involvedObject', ev.involvedObject, old.involvedObject);
  same('reason', ev.reason, old.reason);
  same('message', ev.message, old.message);
  same('source', ev.source, old.source);
  same('firstTimestamp', ev.firstTimestamp, old.firstTimestamp);
  same('lastTimestamp', ev.lastTimestamp, old.lastTimestamp);
  same('count', ev.count, old.count);
  same('type', ev.type, old.type);
  const micro = (t: unknown) => (typeof t === 'string' ? Math.trunc(Date.parse(t)) : null);
  if (micro(ev.eventTime) !== micro(old.eventTime)) same('eventTime', ev.eventTime, old.eventTime);
  same('action', ev.action, old.action);
  same('related', ev.related, old.related);
  same('reportingController', ev.reportingComponent, old.reportingComponent);
  same('reportingInstance', ev.reportingInstance, old.reportingInstance);
  return errs;
}

/** The core/v1 fields Go always serializes (null timestamps, empty source and reporting strings). */
function fillCoreZeroValues(ev: KObject): void {
  if (isEventsV1(ev)) return;
  ev.involvedObject ??= {};
  ev.source ??= {};
  if (ev.firstTimestamp === undefined) ev.firstTimestamp = null;
  if (ev.lastTimestamp === undefined) ev.lastTimestamp = null;
  if (ev.eventTime === undefined) ev.eventTime = null;
  ev.reportingComponent ??= '';
  ev.reportingInstance ??= '';
}

/** upstream's event ToSelectableFields (core names); source falls back to the reporting controller */
export function eventSelectableFields(obj: KObject): Record<string, string> {
  const ev = toCore(obj ?? {});
  const io: KObject = ev.involvedObject ?? {};
  return {
    'involvedObject.kind': io.kind ?? '',
    'involvedObject.namespace': io.namespace ?? '',
    'involvedObject.name': io.name ?? '',
    'involvedObject.uid': io.uid ?? '',
    'involvedObject.apiVersion': io.apiVersion ?? '',
    'involvedObject.resourceVersion': io.resourceVersion ?? '',
    'involvedObject.fieldPath': io.fieldPath ?? '',
    reason: ev.reason ?? '',
    reportingComponent: ev.reportingComponent ?? '',
    source: ev.source?.component || ev.reportingComponent || '',
    type: ev.type ?? '',
  };
}

function microSince(t: unknown, now: Date): string {
  return translateTimestampSince(t, now);
}

function eventCells(obj: KObject, now: Date): unknown[] {
  const ev = toCore(obj);
  let first = translateTimestampSince(ev.firstTimestamp, now);
  if (zeroTime(ev.firstTimestamp)) first = microSince(ev.eventTime, now);
  let last = translateTimestampSince(ev.lastTimestamp, now);
  if (zeroTime(ev.lastTimestamp)) last = first;
  let count: number = ev.count ?? 0;
  if (ev.series != null) {
    last = microSince(ev.series.lastObservedTime, now);
    count = ev.series.count ?? 0;
  } else if (count === 0) {
    count = 1;
  }
  const io: KObject = ev.involvedObject ?? {};
  const kind = String(io.kind ?? '').toLowerCase();
  const target = io.name ? `${kind}/${io.name}` : kind;
  const component = ev.source?.component || ev.reportingComponent || '';
  const instance = ev.source?.host || ev.reportingInstance || '';
  const source = instance ? `${component}, ${instance}` : component;
  return [last, ev.type ?? '', ev.reason ?? '', target, io.fieldPath ?? '', source, String(ev.message ?? '').trim(), first, count, ev.metadata?.name ?? ''];
}

const EVENT_TABLE = {
  columns: [
    col('Last Seen', 'string', 'Time since the event was last seen.'),
    col('Type', 'string', 'Normal or Warning.'),
    col('Reason', 'string', 'Short machine-readable reason.'),
    col('Object', 'string', 'The object the event is about.'),
    col('Subobject', 'string', 'The part of the object (field path).', 1),
    col('Source', 'string', 'The component that reported the event.', 1),
    col('Message', 'string', 'Human-readable description.'),
    col('First Seen', 'string', 'Time since the event was first seen.', 1),
    col('Count', 'string', 'How many times the event occurred.', 1),
    col('Name', 'string', 'Name of the event object.', 1, 'name'),
  ],
  cells: eventCells,
};

/** core/v1 events: legacy validation only, as upstream does for the v1 API. */
export const eventStrategy: KindStrategy = {
  defaults: fillCoreZeroValues,
  validate(ev) {
    return legacyValidate(toCore(ev), false);
  },
  selectableFields: eventSelectableFields,
  table: EVENT_TABLE,
};

/** events.k8s.io/v1: strict validation; accepts the object in either shape (stored core or v1). */
export const eventsV1Strategy: KindStrategy = {
  validate(ev, old) {
    const core = toCore(ev);
    const errs = legacyValidate(core, true);
    return old ? [...errs, ...strictUpdate(core, toCore(old))] : [...errs, ...strictCreate(core)];
  },
  selectableFields(obj) {
    const core = eventSelectableFields(obj);
    const out: Record<string, string> = {};
    for (const [v1Name, coreName] of Object.entries(EVENTS_V1_FIELD_LABELS)) out[v1Name] = core[coreName] ?? '';
    return out;
  },
  table: EVENT_TABLE,
};

