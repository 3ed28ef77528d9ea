// PriorityClass (scheduling.k8s.io/v1): defaults, validation (reserved system- names, value range, immutability), table.

import type { StatusCause } from '../status.js';
import type { KindStrategy } from '../strategy.js';
import { forbidden, immutable, notSupported } from '../validation/field.js';
import { AGE_COLUMN, NAME_COLUMN, ageOf, col, nameOf } from './table.js';

export const HIGHEST_USER_DEFINABLE_PRIORITY = 1000000000;
export const SYSTEM_PRIORITY_CLASSES: Record<string, number> = { 'system-node-critical': 2000001000, 'system-cluster-critical': 2000000000 };

export const priorityClassStrategy: KindStrategy = {
  defaults(pc) {
    pc.preemptionPolicy ||= 'PreemptLowerPriority';
  },
  validate(pc, old) {
    const errs: StatusCause[] = [];
    const name: string = pc.metadata?.name ?? '';
    const value = typeof pc.value === 'number' ? pc.value : 0;
    if (name.startsWith('system-')) {
      let err: string | undefined;
      if (!(name in SYSTEM_PRIORITY_CLASSES)) err = `${name} is not a known system priority class`;
      else if (value !== SYSTEM_PRIORITY_CLASSES[name]) err = `value of ${name} PriorityClass must be ${SYSTEM_PRIORITY_CLASSES[name]}`;
      else if (pc.globalDefault === true) err = `globalDefault of ${name} PriorityClass must be false`;
      if (err) errs.push(forbidden('metadata.name', `priority class names with 'system-' prefix are reserved for system use only. error: ${err}`));
    } else if (value > HIGHEST_USER_DEFINABLE_PRIORITY) {
      errs.push(forbidden('value', `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`));
    }
    if (pc.preemptionPolicy != null && !['PreemptLowerPriority', 'Never'].includes(pc.preemptionPolicy)) {
      errs.push(notSupported('preemptionPolicy', pc.preemptionPolicy, ['PreemptLowerPriority', 'Never']));
    }
    if (old) {
      if (value !== (old.value ?? 0)) errs.push(forbidden('value', 'may not be changed in an update.'));
      errs.push(...immutable(pc.preemptionPolicy ?? null, old.preemptionPolicy ?? null, 'preemptionPolicy'));
    }
    return errs;
  },
  table: {
    columns: [
      NAME_COLUMN,
      col('Value', 'integer', 'The priority value.'),
      col('Global-Default', 'boolean', 'Whether this is the default priority class.'),
      AGE_COLUMN,
      col('PreemptionPolicy', 'string', 'Whether pods of this class preempt others.'),
    ],
    cells(pc, now) {
      return [nameOf(pc), typeof pc.value === 'number' ? pc.value : 0, pc.globalDefault === true, ageOf(pc, now), pc.preemptionPolicy ?? '<unset>'];
    },
  },
};
