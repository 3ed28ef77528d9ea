// ReplicaSet (apps/v1): defaults, validation, generation bookkeeping, field selectors, table.

import type { KindStrategy, KObject } from '../strategy.js';
import { nonNegative } from '../validation/field.js';
import { formatLabelSelector } from '../labels.js';
import { defaultPodTemplate } from './pod-defaults.js';
import { AGE_COLUMN, CONTAINERS_COLUMN, IMAGES_COLUMN, NAME_COLUMN, SELECTOR_COLUMN, ageOf, col, containerCells, int, nameOf } from './table.js';
import { bumpGeneration, clearStatus, initGeneration, selectorImmutable, validateSelectorAndTemplate } from './workload.js';

/** Desired/Current/Ready columns shared by ReplicaSets and ReplicationControllers */
export const REPLICA_COLUMNS = [
  NAME_COLUMN,
  col('Desired', 'integer', 'Number of replicas wanted.'),
  col('Current', 'integer', 'Number of replicas that exist.'),
  col('Ready', 'integer', 'Number of ready replicas.'),
  AGE_COLUMN,
  CONTAINERS_COLUMN,
  IMAGES_COLUMN,
  SELECTOR_COLUMN,
];

export const replicaSetStrategy: KindStrategy = {
  defaults(rs) {
    const spec: KObject = (rs.spec ??= {});
    if (spec.replicas == null) spec.replicas = 1;
    defaultPodTemplate(spec.template);
  },

  validate(rs, old) {
    const spec: KObject = rs.spec ?? {};
    const errs = [
      ...nonNegative(spec.replicas, 'spec.replicas'),
      ...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'),
      ...validateSelectorAndTemplate(spec, 'deployment', 'ReplicaSet'),
    ];
    if (old) errs.push(...selectorImmutable(rs, old));
    return errs;
  },

  prepareForCreate(rs) {
    clearStatus(rs);
    initGeneration(rs);
  },

  prepareForUpdate(rs, old) {
    bumpGeneration(rs, old);
  },

  selectableFields(rs) {
    return { 'status.replicas': String(int(rs?.status?.replicas)) };
  },

  table: {
    columns: REPLICA_COLUMNS,
    cells(rs, now) {
      const spec: KObject = rs.spec ?? {};
      const st: KObject = rs.status ?? {};
      const [names, images] = containerCells(spec.template?.spec?.containers);
      return [nameOf(rs), int(spec.replicas), int(st.replicas), int(st.readyReplicas), ageOf(rs, now), names, images, formatLabelSelector(spec.selector)];
    },
  },
};
