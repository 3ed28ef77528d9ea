// Deployment (apps/v1): defaults, validation, generation bookkeeping, table.

import type { StatusCause } from '../status.js';
import type { KindStrategy, KObject } from '../strategy.js';
import { forbidden, goQuote, goRepr, invalid, nonNegative, notSupported, required } from '../validation/field.js';
import { labelSelectorFromSpec, labelSelectorToString } from '../labels.js';
import { defaultPodTemplate } from './pod-defaults.js';
import { AGE_COLUMN, CONTAINERS_COLUMN, IMAGES_COLUMN, NAME_COLUMN, SELECTOR_COLUMN, ageOf, col, containerCells, int, nameOf } from './table.js';
import { bumpGeneration, clearStatus, initGeneration, selectorImmutable, validateRollingUpdate, validateSelectorAndTemplate } from './workload.js';

function validateStrategy(strategy: KObject | undefined): StatusCause[] {
  const s = strategy ?? {};
  switch (s.type) {
    case 'Recreate':
      return s.rollingUpdate != null ? [forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'")] : [];
    case 'RollingUpdate':
      return s.rollingUpdate == null
        ? [required('spec.strategy.rollingUpdate', 'this should be defaulted and never be nil')]
        : validateRollingUpdate(s.rollingUpdate, 'spec.strategy.rollingUpdate');
    default:
      return [notSupported('spec.strategy', goRepr(`apps.DeploymentStrategy{Type:${goQuote(s.type ?? '')}, RollingUpdate:${s.rollingUpdate == null ? '(*apps.RollingUpdateDeployment)(nil)' : '(*apps.RollingUpdateDeployment)(0xc000000000)'}}`), ['Recreate', 'RollingUpdate'])];
  }
}

/** ValidateDeploymentSpec */
export function validateDeploymentSpec(spec: KObject): StatusCause[] {
  const errs: StatusCause[] = [];
  errs.push(...nonNegative(spec.replicas, 'spec.replicas'));
  errs.push(...validateSelectorAndTemplate(spec, 'deployment', 'ReplicaSet'));
  errs.push(...validateStrategy(spec.strategy));
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  if (spec.progressDeadlineSeconds != null) {
    errs.push(...nonNegative(spec.progressDeadlineSeconds, 'spec.progressDeadlineSeconds'));
    if (spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0)) errs.push(invalid('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
  }
  return errs;
}

export const deploymentStrategy: KindStrategy = {
  defaults(d) {
    const spec: KObject = (d.spec ??= {});
    if (spec.replicas == null) spec.replicas = 1;
    spec.strategy ??= {};
    spec.strategy.type ||= 'RollingUpdate';
    if (spec.strategy.type === 'RollingUpdate') {
      spec.strategy.rollingUpdate ??= {};
      if (spec.strategy.rollingUpdate.maxUnavailable == null) spec.strategy.rollingUpdate.maxUnavailable = '25%';
      if (spec.strategy.rollingUpdate.maxSurge == null) spec.strategy.rollingUpdate.maxSurge = '25%';
    }
    if (spec.revisionHistoryLimit == null) spec.revisionHistoryLimit = 10;
    if (spec.progressDeadlineSeconds == null) spec.progressDeadlineSeconds = 600;
    defaultPodTemplate(spec.template);
  },

  validate(d, old) {
    const errs = validateDeploymentSpec(d.spec ?? {});
    if (old) errs.push(...selectorImmutable(d, old));
    return errs;
  },

  prepareForCreate(d) {
    clearStatus(d);
    initGeneration(d);
  },

  prepareForUpdate(d, old) {
    // annotations count too: they are copied to the ReplicaSets
    bumpGeneration(d, old, true);
  },

  table: {
    columns: [
      NAME_COLUMN,
      col('Ready', 'string', 'Ready replicas out of desired replicas.'),
      col('Up-to-date', 'integer', 'Replicas running the current template.'),
      col('Available', 'integer', 'Replicas available to users.'),
      AGE_COLUMN,
      CONTAINERS_COLUMN,
      IMAGES_COLUMN,
      SELECTOR_COLUMN,
    ],
    cells(d, now) {
      const spec: KObject = d.spec ?? {};
      const st: KObject = d.status ?? {};
      let selector: string;
      try {
        selector = labelSelectorToString(labelSelectorFromSpec(spec.selector));
      } catch {
        selector = '<invalid>';
      }
      const [names, images] = containerCells(spec.template?.spec?.containers);
      return [nameOf(d), `${int(st.readyReplicas)}/${int(spec.replicas)}`, int(st.updatedReplicas), int(st.availableReplicas), ageOf(d, now), names, images, selector];
    },
  },
};
