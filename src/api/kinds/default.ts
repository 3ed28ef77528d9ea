// The strategy for kinds without their own: no defaults or extra validation, a Name/Age table.

import type { KindStrategy } from '../strategy.js';
import { NAME_COLUMN, col, nameOf } from './table.js';

/**
 * Name and Age, where Age is a `date` cell holding creationTimestamp (RFC 3339), as
 * upstream serves custom resources without printer columns; kubectl renders it as an age.
 */
export const defaultStrategy: KindStrategy = {
  table: {
    columns: [NAME_COLUMN, col('Age', 'date', 'Time since the object was created.')],
    cells(obj) {
      return [nameOf(obj), obj?.metadata?.creationTimestamp ?? null];
    },
  },
};
