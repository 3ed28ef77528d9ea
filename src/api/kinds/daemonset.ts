// DaemonSet (apps/v1): defaults, validation, generation and template-generation bookkeeping, table.

import type { StatusCause } from '../status.js';
import type { KindStrategy, KObject } from '../strategy.js';
import { forbidden, goQuote, goRepr, invalid, nonNegative, notSupported, required, semanticEqual, goIntOrString, goLabelSelector } from '../validation/field.js';
import { validateLabelSelector } from '../validation/label-selector.js';
import { validatePodTemplateSpec } from '../validation/pod-spec.js';
import { formatLabelSelector, formatLabels } from '../labels.js';
import { defaultPodTemplate } from './pod-defaults.js';
import { AGE_COLUMN, CONTAINERS_COLUMN, IMAGES_COLUMN, NAME_COLUMN, SELECTOR_COLUMN, ageOf, col, containerCells, int, nameOf } from './table.js';
import {
  POD_SPEC_OPTS, bumpGeneration, clearStatus, initGeneration, intOrPercentValue, notMoreThan100Percent, parseSpecSelector,
  restartAlways, selectorImmutable, selectorMismatch, validatePositiveIntOrPercent,
} from './workload.js';

/** apps/v1 keeps the internal templateGeneration in this annotation */
export const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';

function validateUpdateStrategy(s: KObject | undefined): StatusCause[] {
  const st = s ?? {};
  const p = 'spec.updateStrategy';
  switch (st.type) {
    case 'OnDelete':
      return [];
    case 'RollingUpdate': {
      const ru = st.rollingUpdate;
      if (ru == null) return [required(`${p}.rollingUpdate`)];
      const errs: StatusCause[] = [];
      errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, `${p}.rollingUpdate.maxUnavailable`));
      errs.push(...validatePositiveIntOrPercent(ru.maxSurge, `${p}.rollingUpdate.maxSurge`));
      errs.push(...notMoreThan100Percent(ru.maxUnavailable, `${p}.rollingUpdate.maxUnavailable`));
      errs.push(...notMoreThan100Percent(ru.maxSurge, `${p}.rollingUpdate.maxSurge`));
      const hasUnavailable = intOrPercentValue(ru.maxUnavailable) !== 0;
      const hasSurge = intOrPercentValue(ru.maxSurge) !== 0;
      if (hasUnavailable && hasSurge) errs.push(invalid(`${p}.rollingUpdate.maxSurge`, goIntOrString(ru.maxSurge), 'may not be set when maxUnavailable is non-zero'));
      if (!hasUnavailable && !hasSurge) errs.push(required(`${p}.rollingUpdate.maxUnavailable`, 'cannot be 0 when maxSurge is 0'));
      return errs;
    }
    default:
      return [notSupported(p, goRepr(`apps.DaemonSetUpdateStrategy{Type:${goQuote(st.type ?? '')}, RollingUpdate:(*apps.RollingUpdateDaemonSet)(nil)}`), ['RollingUpdate', 'OnDelete'])];
  }
}

/** ValidateDaemonSetSpec */
export function validateDaemonSetSpec(spec: KObject): StatusCause[] {
  const errs: StatusCause[] = [];
  errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  const selector = parseSpecSelector(spec.selector);
  // a missing selector selects nothing, so it never matches the template
  if (selector) errs.push(...selectorMismatch(selector, spec.template?.metadata?.labels, 'spec.template'));
  if (spec.selector != null && Object.keys(spec.selector.matchLabels ?? {}).length + (spec.selector.matchExpressions ?? []).length === 0) {
    errs.push(invalid('spec.selector', goLabelSelector(spec.selector), 'empty selector is invalid for daemonset'));
  }
  errs.push(...validatePodTemplateSpec(spec.template, 'spec.template', POD_SPEC_OPTS));
  errs.push(...restartAlways(spec.template, 'spec.template'));
  if (spec.template?.spec?.activeDeadlineSeconds != null) errs.push(forbidden('spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in DaemonSet is not Supported'));
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validateUpdateStrategy(spec.updateStrategy));
  errs.push(...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  return errs;
}

export const daemonSetStrategy: KindStrategy = {
  defaults(ds) {
    const spec: KObject = (ds.spec ??= {});
    spec.updateStrategy ??= {};
    spec.updateStrategy.type ||= 'RollingUpdate';
    if (spec.updateStrategy.type === 'RollingUpdate') {
      spec.updateStrategy.rollingUpdate ??= {};
      if (spec.updateStrategy.rollingUpdate.maxUnavailable == null) spec.updateStrategy.rollingUpdate.maxUnavailable = 1;
      if (spec.updateStrategy.rollingUpdate.maxSurge == null) spec.updateStrategy.rollingUpdate.maxSurge = 0;
    }
    if (spec.revisionHistoryLimit == null) spec.revisionHistoryLimit = 10;
    defaultPodTemplate(spec.template);
  },

  validate(ds, old) {
    const errs = validateDaemonSetSpec(ds.spec ?? {});
    if (old) errs.push(...selectorImmutable(ds, old));
    return errs;
  },

  prepareForCreate(ds) {
    clearStatus(ds);
    initGeneration(ds);
    ds.metadata.annotations ??= {};
    ds.metadata.annotations[TEMPLATE_GENERATION_ANNOTATION] = '1';
  },

  prepareForUpdate(ds, old) {
    bumpGeneration(ds, old);
    const oldTG = Number(old?.metadata?.annotations?.[TEMPLATE_GENERATION_ANNOTATION] ?? '1') || 1;
    const tg = semanticEqual(ds.spec?.template, old?.spec?.template) ? oldTG : oldTG + 1;
    ds.metadata.annotations ??= {};
    ds.metadata.annotations[TEMPLATE_GENERATION_ANNOTATION] = String(tg);
  },

  table: {
    columns: [
      NAME_COLUMN,
      col('Desired', 'integer', 'Nodes that should run the daemon pod.'),
      col('Current', 'integer', 'Nodes running at least one daemon pod.'),
      col('Ready', 'integer', 'Nodes with a ready daemon pod.'),
      col('Up-to-date', 'integer', 'Nodes running the updated daemon pod.'),
      col('Available', 'integer', 'Nodes with an available daemon pod.'),
      col('Node Selector', 'string', 'Node labels the daemon pods are restricted to.'),
      AGE_COLUMN,
      CONTAINERS_COLUMN,
      IMAGES_COLUMN,
      SELECTOR_COLUMN,
    ],
    cells(ds, now) {
      const spec: KObject = ds.spec ?? {};
      const st: KObject = ds.status ?? {};
      const [names, images] = containerCells(spec.template?.spec?.containers);
      return [
        nameOf(ds), int(st.desiredNumberScheduled), int(st.currentNumberScheduled), int(st.numberReady), int(st.updatedNumberScheduled),
        int(st.numberAvailable), formatLabels(spec.template?.spec?.nodeSelector), ageOf(ds, now), names, images, formatLabelSelector(spec.selector),
      ];
    },
  },
};
