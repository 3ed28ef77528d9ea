// ReplicationController (core/v1): defaults (selector and labels from the template), validation, table.

import type { StatusCause } from '../status.js';
import type { KindStrategy, KObject } from '../strategy.js';
import { nonNegative, required } from '../validation/field.js';
import { validateLabels } from '../validation/object-meta.js';
import { formatLabels, isEmptySelector } from '../labels.js';
import { defaultPodTemplate } from './pod-defaults.js';
import { REPLICA_COLUMNS } from './replicaset.js';
import { ageOf, containerCells, int, nameOf } from './table.js';
import { bumpGeneration, clearStatus, initGeneration, selectorFromMap, validateReplicaTemplate } from './workload.js';

/** ValidateReplicationControllerSpec */
export function validateRCSpec(spec: KObject): StatusCause[] {
  const errs: StatusCause[] = [];
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  const selector = selectorFromMap(spec.selector);
  if (isEmptySelector(selector)) errs.push(required('spec.selector'));
  errs.push(...validateLabels(spec.selector, 'spec.selector'));
  errs.push(...nonNegative(spec.replicas, 'spec.replicas'));
  errs.push(...validateReplicaTemplate(spec.template, selector, 'spec.template', 'ReplicationController'));
  return errs;
}

export const replicationControllerStrategy: KindStrategy = {
  defaults(rc) {
    const spec: KObject = (rc.spec ??= {});
    const labels = spec.template?.metadata?.labels;
    if (labels && typeof labels === 'object') {
      if (!spec.selector || Object.keys(spec.selector).length === 0) spec.selector = { ...labels };
      rc.metadata ??= {};
      if (!rc.metadata.labels || Object.keys(rc.metadata.labels).length === 0) rc.metadata.labels = { ...labels };
    }
    if (spec.replicas == null) spec.replicas = 1;
    defaultPodTemplate(spec.template);
  },

  validate(rc) {
    return validateRCSpec(rc.spec ?? {});
  },

  prepareForCreate(rc) {
    clearStatus(rc);
    initGeneration(rc);
  },

  prepareForUpdate(rc, old) {
    bumpGeneration(rc, old);
  },

  selectableFields(rc) {
    return { 'status.replicas': String(int(rc?.status?.replicas)) };
  },

  table: {
    columns: REPLICA_COLUMNS,
    cells(rc, now) {
      const spec: KObject = rc.spec ?? {};
      const st: KObject = rc.status ?? {};
      const [names, images] = containerCells(spec.template?.spec?.containers);
      return [nameOf(rc), int(spec.replicas), int(st.replicas), int(st.readyReplicas), ageOf(rc, now), names, images, formatLabels(spec.selector)];
    },
  },
};
