// Lease (coordination.k8s.io/v1): validation of the lease spec, table (holder).

import type { StatusCause } from '../status.js';
import type { KindStrategy } from '../strategy.js';
import { invalid, notSupported } from '../validation/field.js';
import { AGE_COLUMN, NAME_COLUMN, ageOf, col, nameOf } from './table.js';

export const leaseStrategy: KindStrategy = {
  validate(lease) {
    const errs: StatusCause[] = [];
    const spec = lease.spec ?? {};
    if (spec.leaseDurationSeconds != null && !(spec.leaseDurationSeconds > 0)) errs.push(invalid('spec.leaseDurationSeconds', spec.leaseDurationSeconds, 'must be greater than 0'));
    if (spec.leaseTransitions != null && spec.leaseTransitions < 0) errs.push(invalid('spec.leaseTransitions', spec.leaseTransitions, 'must be greater than or equal to 0'));
    if (spec.strategy != null && spec.strategy !== 'OldestEmulationVersion') errs.push(notSupported('spec.strategy', spec.strategy, ['OldestEmulationVersion']));
    return errs;
  },
  table: {
    columns: [NAME_COLUMN, col('Holder', 'string', 'The identity of the holder.'), AGE_COLUMN],
    cells(lease, now) {
      return [nameOf(lease), lease.spec?.holderIdentity ?? '', ageOf(lease, now)];
    },
  },
};
