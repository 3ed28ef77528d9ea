// StatefulSet (apps/v1): defaults (incl. claim templates), validation (only some spec fields mutable), table.

import type { StatusCause } from '../status.js';
import type { KindStrategy, KObject } from '../strategy.js';
import { forbidden, goLabelSelector, goRepr, invalid, nonNegative, notSupported, required, semanticEqual } from '../validation/field.js';
import { validateLabelSelector } from '../validation/label-selector.js';
import { validateAnnotations, validateLabels } from '../validation/object-meta.js';
import { defaultPVCSpec, defaultPodTemplate } from './pod-defaults.js';
import { AGE_COLUMN, CONTAINERS_COLUMN, IMAGES_COLUMN, NAME_COLUMN, ageOf, col, containerCells, int, nameOf } from './table.js';
import { bumpGeneration, clearStatus, initGeneration, parseSpecSelector, restartAlways, selectorMismatch } from './workload.js';

const STS_UPDATE_FORBIDDEN = "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

/** ValidateStatefulSetSpec */
export function validateStatefulSetSpec(spec: KObject): StatusCause[] {
  const errs: StatusCause[] = [];
  switch (spec.podManagementPolicy ?? '') {
    case '':
      errs.push(required('spec.podManagementPolicy'));
      break;
    case 'OrderedReady':
    case 'Parallel':
      break;
    default:
      errs.push(invalid('spec.podManagementPolicy', spec.podManagementPolicy, "must be 'OrderedReady' or 'Parallel'"));
  }
  const us: KObject = spec.updateStrategy ?? {};
  switch (us.type ?? '') {
    case '':
      errs.push(required('spec.updateStrategy'));
      break;
    case 'OnDelete':
      if (us.rollingUpdate != null) errs.push(invalid('spec.updateStrategy.rollingUpdate', goRepr(JSON.stringify(us.rollingUpdate)), "only allowed for updateStrategy 'RollingUpdate'"));
      break;
    case 'RollingUpdate':
      if (us.rollingUpdate?.partition != null) errs.push(...nonNegative(us.rollingUpdate.partition, 'spec.updateStrategy.rollingUpdate.partition'));
      break;
    default:
      errs.push(invalid('spec.updateStrategy', goRepr(JSON.stringify(us)), "must be 'RollingUpdate' or 'OnDelete'"));
  }
  const rp = spec.persistentVolumeClaimRetentionPolicy;
  if (rp != null) {
    for (const f of ['whenDeleted', 'whenScaled']) {
      if (!['Retain', 'Delete'].includes(rp[f])) errs.push(notSupported(`spec.persistentVolumeClaimRetentionPolicy.${f}`, rp[f] ?? '', ['Retain', 'Delete']));
    }
  }
  if (spec.ordinals != null) errs.push(...nonNegative(spec.ordinals.start, 'spec.ordinals.start'));
  errs.push(...nonNegative(spec.replicas, 'spec.replicas'));
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  if (spec.selector == null) errs.push(required('spec.selector'));
  else {
    errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
    if (Object.keys(spec.selector.matchLabels ?? {}).length + (spec.selector.matchExpressions ?? []).length === 0) {
      errs.push(invalid('spec.selector', goLabelSelector(spec.selector), 'empty selector is invalid for statefulset'));
    }
  }
  const selector = parseSpecSelector(spec.selector);
  if (!selector) errs.push(invalid('spec.selector', goLabelSelector(spec.selector), ''));
  else {
    errs.push(...selectorMismatch(selector, spec.template?.metadata?.labels, 'spec.template'));
    // upstream checks only the template's labels and annotations here: its volumes are
    // completed by volumeClaimTemplates, so the pod spec is validated when pods are created
    errs.push(...validateLabels(spec.template?.metadata?.labels, 'spec.template.labels'));
    errs.push(...validateAnnotations(spec.template?.metadata?.annotations, 'spec.template.annotations'));
  }
  errs.push(...restartAlways(spec.template, 'spec.template'));
  if (spec.template?.spec?.activeDeadlineSeconds != null) errs.push(forbidden('spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in StatefulSet is not Supported'));
  (Array.isArray(spec.volumeClaimTemplates) ? spec.volumeClaimTemplates : []).forEach((t: KObject, i: number) => {
    if (!t?.metadata?.name) errs.push(required(`spec.volumeClaimTemplates[${i}].metadata.name`, 'name or generateName is required'));
  });
  return errs;
}

function validateStatefulSetUpdate(sts: KObject, old: KObject): StatusCause[] {
  const strip = (spec: KObject | undefined) => {
    const s = { ...(spec ?? {}) };
    for (const f of ['replicas', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds', 'ordinals']) delete s[f];
    return s;
  };
  return semanticEqual(strip(sts.spec), strip(old.spec)) ? [] : [forbidden('spec', STS_UPDATE_FORBIDDEN)];
}

export const statefulSetStrategy: KindStrategy = {
  defaults(sts) {
    const spec: KObject = (sts.spec ??= {});
    spec.podManagementPolicy ||= 'OrderedReady';
    spec.updateStrategy ??= {};
    if (!spec.updateStrategy.type) {
      spec.updateStrategy.type = 'RollingUpdate';
      spec.updateStrategy.rollingUpdate ??= {};
    }
    if (spec.updateStrategy.type === 'RollingUpdate' && spec.updateStrategy.rollingUpdate && spec.updateStrategy.rollingUpdate.partition == null) {
      spec.updateStrategy.rollingUpdate.partition = 0;
    }
    spec.persistentVolumeClaimRetentionPolicy ??= {};
    spec.persistentVolumeClaimRetentionPolicy.whenDeleted ||= 'Retain';
    spec.persistentVolumeClaimRetentionPolicy.whenScaled ||= 'Retain';
    if (spec.replicas == null) spec.replicas = 1;
    if (spec.revisionHistoryLimit == null) spec.revisionHistoryLimit = 10;
    defaultPodTemplate(spec.template);
    for (const t of Array.isArray(spec.volumeClaimTemplates) ? spec.volumeClaimTemplates : []) {
      if (!t || typeof t !== 'object') continue;
      t.spec ??= {};
      defaultPVCSpec(t.spec);
      t.status ??= {};
      t.status.phase ||= 'Pending';
    }
  },

  validate(sts, old) {
    const errs = validateStatefulSetSpec(sts.spec ?? {});
    if (old) errs.push(...validateStatefulSetUpdate(sts, old));
    return errs;
  },

  prepareForCreate(sts) {
    clearStatus(sts);
    initGeneration(sts);
  },

  prepareForUpdate(sts, old) {
    bumpGeneration(sts, old);
  },

  table: {
    columns: [
      NAME_COLUMN,
      col('Ready', 'string', 'Ready replicas out of desired replicas.'),
      AGE_COLUMN,
      CONTAINERS_COLUMN,
      IMAGES_COLUMN,
    ],
    cells(sts, now) {
      const spec: KObject = sts.spec ?? {};
      const [names, images] = containerCells(spec.template?.spec?.containers);
      return [nameOf(sts), `${int(sts.status?.readyReplicas)}/${int(spec.replicas)}`, ageOf(sts, now), names, images];
    },
  },
};
