// Pieces shared by the workload kinds (Deployment, ReplicaSet, RC, DaemonSet, StatefulSet, Job, CronJob):
// generation bookkeeping, selector-vs-template checks, template restart-policy rules, rolling-update values.

import type { StatusCause } from '../status.js';
import type { KObject } from '../strategy.js';
import { forbidden, goIntOrString, goLabelSelector, goStringMap, goRepr, invalid, notSupported, required, semanticEqual } from '../validation/field.js';
import { isValidPercent } from '../validation/names.js';
import { validateLabelSelector } from '../validation/label-selector.js';
import { validatePodTemplateSpec } from '../validation/pod-spec.js';
import { labelSelectorFromSpec, matchLabelSelector, isEmptySelector, selectorFromSet, type LabelSelector } from '../labels.js';
import { volumeSourceKeys } from './pod-defaults.js';

/** On create: generation starts at 1. */
export function initGeneration(obj: KObject): void {
  obj.metadata ??= {};
  obj.metadata.generation = 1;
}

/** On update: generation = old + 1 when the spec (or, for Deployments, annotations) changed, else old's. */
export function bumpGeneration(obj: KObject, old: KObject, alsoAnnotations = false): void {
  obj.metadata ??= {};
  const oldGen = typeof old?.metadata?.generation === 'number' ? old.metadata.generation : 0;
  const changed = !semanticEqual(obj.spec, old?.spec) || (alsoAnnotations && !semanticEqual(obj.metadata.annotations, old?.metadata?.annotations));
  obj.metadata.generation = changed ? oldGen + 1 : oldGen;
}

/** Resets status to empty on create, as the workload strategies do. */
export function clearStatus(obj: KObject): void {
  obj.status = {};
}

/** The parsed selector, or undefined when it does not parse. */
export function parseSpecSelector(sel: unknown): LabelSelector | undefined {
  try {
    return labelSelectorFromSpec(sel as never);
  } catch {
    return undefined;
  }
}

const mapRepr = (labels: unknown) => goRepr(goStringMap((labels ?? null) as Record<string, string> | null));

/** `<path>.metadata.labels: Invalid value: map[...]{...}: \`selector\` does not match template \`labels\`` */
export function selectorMismatch(selector: LabelSelector, templateLabels: unknown, templatePath: string): StatusCause[] {
  if (isEmptySelector(selector)) return [];
  if (matchLabelSelector(selector, (templateLabels ?? {}) as Record<string, string>)) return [];
  return [invalid(`${templatePath}.metadata.labels`, mapRepr(templateLabels), '`selector` does not match template `labels`')];
}

export const POD_SPEC_OPTS = { volumeSourceKeys: volumeSourceKeys() };

/**
 * The apps/v1 selector + template rules (Deployment, ReplicaSet): selector required and
 * non-empty, template labels matched, template valid, restartPolicy Always, no activeDeadlineSeconds.
 */
export function validateSelectorAndTemplate(spec: KObject, kindWord: string, owner: string): StatusCause[] {
  const errs: StatusCause[] = [];
  if (spec.selector == null) errs.push(required('spec.selector'));
  else {
    errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
    const n = Object.keys(spec.selector.matchLabels ?? {}).length + (spec.selector.matchExpressions ?? []).length;
    if (n === 0) errs.push(invalid('spec.selector', goLabelSelector(spec.selector), `empty selector is invalid for ${kindWord}`));
  }
  const selector = parseSpecSelector(spec.selector);
  if (!selector) errs.push(invalid('spec.selector', goLabelSelector(spec.selector), 'invalid label selector'));
  else errs.push(...validateReplicaTemplate(spec.template, selector, 'spec.template', owner));
  return errs;
}

/** ValidatePodTemplateSpecForReplicaSet / ForRC */
export function validateReplicaTemplate(template: KObject | undefined, selector: LabelSelector, path: string, owner: string): StatusCause[] {
  if (!template) return [required(path)];
  const errs: StatusCause[] = [];
  errs.push(...selectorMismatch(selector, template.metadata?.labels, path));
  errs.push(...validatePodTemplateSpec(template, path, POD_SPEC_OPTS));
  errs.push(...restartAlways(template, path));
  if (template.spec?.activeDeadlineSeconds != null) errs.push(forbidden(`${path}.spec.activeDeadlineSeconds`, `activeDeadlineSeconds in ${owner} is not Supported`));
  return errs;
}

/** template restartPolicy must be Always for long-running workloads */
export function restartAlways(template: KObject | undefined, path: string): StatusCause[] {
  const rp = template?.spec?.restartPolicy;
  return rp !== 'Always' ? [notSupported(`${path}.spec.restartPolicy`, rp ?? '', ['Always'])] : [];
}

/** RC selectors are plain maps */
export function selectorFromMap(m: unknown): LabelSelector {
  return selectorFromSet((m ?? {}) as Record<string, string>);
}

/** ValidatePositiveIntOrPercent */
export function validatePositiveIntOrPercent(v: unknown, path: string): StatusCause[] {
  if (typeof v === 'string') return isValidPercent(v).map((m) => invalid(path, goIntOrString(v), m));
  if (typeof v === 'number') return v < 0 ? [invalid(path, v, 'must be greater than or equal to 0')] : [];
  if (v == null) return [];
  return [invalid(path, goIntOrString(v), "must be an integer or percentage (e.g '5%')")];
}

/** the numeric part of an int-or-percent ("25%" → 25, 3 → 3) */
export function intOrPercentValue(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const n = parseInt(v.replace('%', ''), 10);
    return Number.isNaN(n) ? -1 : n;
  }
  return 0;
}

/** IsNotMoreThan100Percent */
export function notMoreThan100Percent(v: unknown, path: string): StatusCause[] {
  if (typeof v !== 'string' || !v.endsWith('%')) return [];
  return intOrPercentValue(v) > 100 ? [invalid(path, goIntOrString(v), 'must not be greater than 100%')] : [];
}

/** ValidateRollingUpdateDeployment / DaemonSet: neither both zero nor more than 100% unavailable. */
export function validateRollingUpdate(ru: KObject, path: string): StatusCause[] {
  const errs: StatusCause[] = [];
  errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, `${path}.maxUnavailable`));
  errs.push(...validatePositiveIntOrPercent(ru.maxSurge, `${path}.maxSurge`));
  if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
    errs.push(invalid(`${path}.maxUnavailable`, goIntOrString(ru.maxUnavailable ?? 0), 'may not be 0 when `maxSurge` is 0'));
  }
  errs.push(...notMoreThan100Percent(ru.maxUnavailable, `${path}.maxUnavailable`));
  return errs;
}

/** selector may not change on update (apps/v1) */
export function selectorImmutable(obj: KObject, old: KObject): StatusCause[] {
  return semanticEqual(obj.spec?.selector, old?.spec?.selector) ? [] : [invalid('spec.selector', goLabelSelector(obj.spec?.selector), 'field is immutable')];
}
