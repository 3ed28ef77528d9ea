// ServiceAccount: validation of secret references, table.

import type { StatusCause } from '../status.js';
import type { KindStrategy } from '../strategy.js';
import { required } from '../validation/field.js';
import { AGE_COLUMN, NAME_COLUMN, ageOf, col, nameOf } from './table.js';

export const serviceAccountStrategy: KindStrategy = {
  validate(sa) {
    const errs: StatusCause[] = [];
    (Array.isArray(sa.imagePullSecrets) ? sa.imagePullSecrets : []).forEach((r: { name?: string }, i: number) => {
      if (!r?.name) errs.push(required(`imagePullSecrets[${i}].name`));
    });
    return errs;
  },

  table: {
    columns: [NAME_COLUMN, col('Secrets', 'string', 'Number of secrets referenced.'), AGE_COLUMN],
    cells(sa, now) {
      return [nameOf(sa), Array.isArray(sa.secrets) ? sa.secrets.length : 0, ageOf(sa, now)];
    },
  },
};
