// The per-kind hooks the API server calls (upstream's REST strategies and table convertors).
// Each built-in kind has one KindStrategy in src/api/kinds/; kinds without one get the defaults.

import type { StatusCause } from './status.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KObject = Record<string, any>;

export interface TableColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string;
  description: string;
  /** 0: always shown; 1: only with `-o wide` */
  priority: number;
}

export interface TableConvertor {
  columns: TableColumn[];
  /** one cell per column, in order; `now` makes ages testable */
  cells(obj: KObject, now: Date): unknown[];
}

export interface KindStrategy {
  /** fill defaults in place, as upstream's defaulters do (runs on create, update, patch, apply) */
  defaults?(obj: KObject): void;
  /**
   * Field errors for the object (old is set on update). Metadata (name, labels, annotations)
   * is validated generically before this runs; return only kind-specific causes, with
   * upstream's field paths and wording, e.g.
   * {reason: 'FieldValueRequired', field: 'spec.containers', message: 'Required value'}.
   */
  validate?(obj: KObject, old?: KObject): StatusCause[];
  /** on create: clear or initialise what clients may not set (e.g. pod status phase Pending) */
  prepareForCreate?(obj: KObject): void;
  /** on update of the main resource: e.g. bump metadata.generation when spec changed */
  prepareForUpdate?(obj: KObject, old: KObject): void;
  /**
   * Field values that field selectors may match, beyond metadata.name and metadata.namespace
   * (which every kind has), e.g. pods: {'spec.nodeName': ..., 'status.phase': ...}.
   */
  selectableFields?(obj: KObject): Record<string, string>;
  table?: TableConvertor;
}
