// Building blocks for the server-side tables: the common columns and cell formatters upstream's printers share.

import type { KObject, TableColumn } from '../strategy.js';
import { translateTimestampSince } from './duration.js';

/** A column; descriptions are our own short wording. */
export function col(name: string, type: TableColumn['type'], description: string, priority = 0, format?: string): TableColumn {
  const c: TableColumn = { name, type, description, priority };
  if (format) c.format = format;
  return c;
}

export const NAME_COLUMN = col('Name', 'string', 'Name of the object, unique within its namespace.', 0, 'name');
export const AGE_COLUMN = col('Age', 'string', 'Time since the object was created.');
export const CONTAINERS_COLUMN = col('Containers', 'string', 'Names of the containers in the pod template.', 1);
export const IMAGES_COLUMN = col('Images', 'string', 'Images of the containers in the pod template.', 1);
export const SELECTOR_COLUMN = col('Selector', 'string', 'Label selector of the pods this object manages.', 1);
export const CREATED_AT_COLUMN = col('Created At', 'date', 'When the object was created.');

export function nameOf(obj: KObject): string {
  return obj?.metadata?.name ?? '';
}

export function ageOf(obj: KObject, now: Date): string {
  return translateTimestampSince(obj?.metadata?.creationTimestamp, now);
}

/** creationTimestamp as RFC 3339 in UTC (the "Created At" date cell) */
export function createdAt(obj: KObject): string {
  const ts = obj?.metadata?.creationTimestamp;
  if (typeof ts !== 'string') return '0001-01-01T00:00:00Z';
  const t = Date.parse(ts);
  return Number.isNaN(t) ? ts : new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** layoutContainerCells: comma-joined names and images */
export function containerCells(containers: unknown): [string, string] {
  const list = Array.isArray(containers) ? containers : [];
  return [list.map((c: KObject) => c?.name ?? '').join(','), list.map((c: KObject) => c?.image ?? '').join(',')];
}

/** An integer cell: upstream prints int64 values; absent numbers are 0. */
export function int(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : 0;
}

/** printBoolPtr: "<unset>" | "True" | "False" */
export function boolPtr(v: unknown): string {
  if (v === undefined || v === null) return '<unset>';
  return v ? 'True' : 'False';
}

/** strings joined with "," and a "+ N more..." tail beyond max (listWithMoreString) */
export function listWithMore(list: string[], more: boolean, count: number, max: number): string {
  const ret = list.join(',');
  if (more) return `${ret} + ${count - max} more...`;
  return ret === '' ? '<unset>' : ret;
}
