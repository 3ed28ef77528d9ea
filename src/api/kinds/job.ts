// Job (batch/v1): defaults, selector generation, validation (mostly immutable spec), status/generation, table.

import type { StatusCause } from '../status.js';
import type { KindStrategy, KObject } from '../strategy.js';
import { goLabelSelector, goRepr, goStringMap, immutable, invalid, nonNegative, notSupported, required, semanticEqual } from '../validation/field.js';
import { validateLabelSelector } from '../validation/label-selector.js';
import { validatePodTemplateSpec } from '../validation/pod-spec.js';
import { formatLabelSelector } from '../labels.js';
import { humanDuration } from './duration.js';
import { defaultPodTemplate } from './pod-defaults.js';
import { AGE_COLUMN, CONTAINERS_COLUMN, IMAGES_COLUMN, NAME_COLUMN, SELECTOR_COLUMN, ageOf, col, containerCells, int, nameOf } from './table.js';
import { POD_SPEC_OPTS, bumpGeneration, clearStatus, initGeneration, parseSpecSelector, selectorMismatch } from './workload.js';

export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
export const LEGACY_JOB_NAME_LABEL = 'job-name';
export const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
export const LEGACY_CONTROLLER_UID_LABEL = 'controller-uid';

/** SetDefaults_Job (CronJob job templates get only the pod template defaults, as upstream). */
export function defaultJob(job: KObject): void {
  const spec: KObject = (job.spec ??= {});
  if (spec.completions == null && spec.parallelism == null) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  if (spec.parallelism == null) spec.parallelism = 1;
  if (spec.backoffLimit == null) spec.backoffLimit = spec.backoffLimitPerIndex != null ? 2147483647 : 6;
  const labels = spec.template?.metadata?.labels;
  job.metadata ??= {};
  if (labels && typeof labels === 'object' && (!job.metadata.labels || Object.keys(job.metadata.labels).length === 0)) job.metadata.labels = { ...labels };
  spec.completionMode ||= 'NonIndexed';
  if (spec.suspend == null) spec.suspend = false;
  for (const rule of spec.podFailurePolicy?.rules ?? []) {
    for (const c of rule?.onPodConditions ?? []) if (c && !c.status) c.status = 'True';
  }
  if (spec.podReplacementPolicy == null) spec.podReplacementPolicy = spec.podFailurePolicy != null ? 'Failed' : 'TerminatingOrFailed';
  defaultPodTemplate(spec.template);
}

/**
 * upstream's generateSelector: unless manualSelector, label the template with the job's
 * name and uid and select on the uid. Needs metadata.uid; idempotent.
 */
export function generateJobSelector(job: KObject): void {
  const spec: KObject = (job.spec ??= {});
  if (spec.manualSelector === true) return;
  const uid = job.metadata?.uid;
  if (!uid) return;
  spec.template ??= {};
  if (typeof spec.template !== 'object') return;
  spec.template.metadata ??= {};
  const labels: Record<string, string> = (spec.template.metadata.labels ??= {});
  for (const k of [LEGACY_JOB_NAME_LABEL, JOB_NAME_LABEL]) if (!(k in labels)) labels[k] = job.metadata?.name ?? '';
  for (const k of [LEGACY_CONTROLLER_UID_LABEL, CONTROLLER_UID_LABEL]) if (!(k in labels)) labels[k] = uid;
  spec.selector ??= {};
  spec.selector.matchLabels ??= {};
  if (!(CONTROLLER_UID_LABEL in spec.selector.matchLabels)) spec.selector.matchLabels[CONTROLLER_UID_LABEL] = uid;
  if (!job.metadata.labels || Object.keys(job.metadata.labels).length === 0) job.metadata.labels = { ...labels };
}

/** validateJobSpec: the rules shared with CronJob job templates (selector not required there). */
export function validateJobSpecCommon(spec: KObject, path: string): StatusCause[] {
  const errs: StatusCause[] = [];
  for (const f of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished', 'backoffLimitPerIndex', 'maxFailedIndexes']) {
    errs.push(...nonNegative(spec[f], `${path}.${f}`));
  }
  if (spec.activeDeadlineSeconds === 0) errs.push(invalid(`${path}.activeDeadlineSeconds`, 0, 'must be greater than 0'));
  if (spec.completionMode != null) {
    if (!['NonIndexed', 'Indexed'].includes(spec.completionMode)) errs.push(notSupported(`${path}.completionMode`, spec.completionMode, ['NonIndexed', 'Indexed']));
    if (spec.completionMode === 'Indexed' && spec.completions == null) errs.push(required(`${path}.completions`, 'when completion mode is Indexed'));
  }
  if (spec.podReplacementPolicy != null && !['TerminatingOrFailed', 'Failed'].includes(spec.podReplacementPolicy)) {
    errs.push(notSupported(`${path}.podReplacementPolicy`, spec.podReplacementPolicy, ['TerminatingOrFailed', 'Failed']));
  }
  errs.push(...validatePodTemplateSpec(spec.template, `${path}.template`, POD_SPEC_OPTS));
  const rp = spec.template?.spec?.restartPolicy;
  if (rp !== 'OnFailure' && rp !== 'Never') errs.push(notSupported(`${path}.template.spec.restartPolicy`, rp ?? '', ['OnFailure', 'Never']));
  return errs;
}

/** ValidateJobSpec: common rules + selector required and matching the template. */
export function validateJobSpec(spec: KObject, path = 'spec'): StatusCause[] {
  const errs = validateJobSpecCommon(spec, path);
  if (spec.selector == null) errs.push(required(`${path}.selector`));
  else errs.push(...validateLabelSelector(spec.selector, `${path}.selector`));
  const selector = parseSpecSelector(spec.selector);
  if (selector) errs.push(...selectorMismatch(selector, spec.template?.metadata?.labels, `${path}.template`));
  return errs;
}

function validateGeneratedSelector(job: KObject): StatusCause[] {
  const spec: KObject = job.spec ?? {};
  if (spec.manualSelector === true) return [];
  const labels = spec.template?.metadata?.labels;
  if (!labels) return [];
  const errs: StatusCause[] = [];
  const uid = job.metadata?.uid ?? '';
  if (!uid) errs.push(required('metadata.uid'));
  const has = (key: string, want: string) => {
    const p = `spec.template.metadata.labels[${key}]`;
    if (!(key in labels)) errs.push(required(p, `must be '${want}'`));
    else if (labels[key] !== want) errs.push(invalid(p, goRepr(goStringMap(labels)), `must be '${want}'`));
  };
  has(LEGACY_CONTROLLER_UID_LABEL, uid);
  has(LEGACY_JOB_NAME_LABEL, job.metadata?.name ?? '');
  has(CONTROLLER_UID_LABEL, uid);
  has(JOB_NAME_LABEL, job.metadata?.name ?? '');
  if (spec.selector?.matchLabels?.[CONTROLLER_UID_LABEL] !== uid) errs.push(invalid('spec.selector', goLabelSelector(spec.selector), '`selector` not auto-generated'));
  return errs;
}

function validateJobUpdate(job: KObject, old: KObject): StatusCause[] {
  const errs: StatusCause[] = [];
  const spec: KObject = job.spec ?? {};
  const os: KObject = old.spec ?? {};
  const elastic = spec.completionMode === 'Indexed' && os.completionMode === 'Indexed' && spec.completions === spec.parallelism && os.completions === os.parallelism;
  if (!elastic) errs.push(...immutable(spec.completions ?? null, os.completions ?? null, 'spec.completions'));
  if (!semanticEqual(spec.selector, os.selector)) errs.push(invalid('spec.selector', goLabelSelector(spec.selector), 'field is immutable'));
  // a suspended job that never started may change its scheduling directives
  const mutableScheduling = os.suspend === true && !old.status?.startTime;
  let oldTemplate: KObject | undefined = os.template;
  if (mutableScheduling && oldTemplate) {
    oldTemplate = structuredClone(oldTemplate);
    oldTemplate.metadata ??= {};
    oldTemplate.spec ??= {};
    oldTemplate.metadata.labels = spec.template?.metadata?.labels;
    oldTemplate.metadata.annotations = spec.template?.metadata?.annotations;
    for (const f of ['nodeSelector', 'tolerations', 'affinity', 'schedulingGates']) oldTemplate.spec[f] = spec.template?.spec?.[f];
  }
  if (!semanticEqual(spec.template, oldTemplate)) errs.push(invalid('spec.template', goRepr(`core.PodTemplateSpec${JSON.stringify(spec.template ?? {})}`), 'field is immutable'));
  errs.push(...immutable(spec.completionMode ?? null, os.completionMode ?? null, 'spec.completionMode'));
  errs.push(...immutable(spec.podFailurePolicy ?? null, os.podFailurePolicy ?? null, 'spec.podFailurePolicy', goRepr(JSON.stringify(spec.podFailurePolicy ?? null))));
  errs.push(...immutable(spec.backoffLimitPerIndex ?? null, os.backoffLimitPerIndex ?? null, 'spec.backoffLimitPerIndex'));
  return errs;
}

function condTrue(job: KObject, type: string): boolean {
  return (job.status?.conditions ?? []).some((c: KObject) => c?.type === type && c?.status === 'True');
}

/** printJob's STATUS cell */
export function jobStatusCell(job: KObject): string {
  if (condTrue(job, 'Complete')) return 'Complete';
  if (condTrue(job, 'Failed')) return 'Failed';
  if (job.metadata?.deletionTimestamp) return 'Terminating';
  if (condTrue(job, 'Suspended')) return 'Suspended';
  if (condTrue(job, 'FailureTarget')) return 'FailureTarget';
  if (condTrue(job, 'SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
}

/** printJob's COMPLETIONS and DURATION cells */
export function jobCompletionCells(job: KObject, now: Date): [string, string] {
  const spec: KObject = job.spec ?? {};
  const succeeded = int(job.status?.succeeded);
  let completions: string;
  if (spec.completions != null) completions = `${succeeded}/${spec.completions}`;
  else if (spec.parallelism == null) completions = `${succeeded}/1`;
  else if (spec.parallelism > 1) completions = `${succeeded}/1 of ${spec.parallelism}`;
  else completions = `${succeeded}/1`;
  const start = Date.parse(job.status?.startTime ?? '');
  const end = Date.parse(job.status?.completionTime ?? '');
  let duration = '';
  if (!Number.isNaN(start)) duration = humanDuration((Number.isNaN(end) ? now.getTime() : end) - start);
  return [completions, duration];
}

export const jobStrategy: KindStrategy = {
  defaults: defaultJob,

  validate(job, old) {
    if (!old) {
      // upstream generates the selector during create validation, once the uid is known;
      // without a uid yet, validate a copy with a placeholder so the rest is still checked
      const target = job.metadata?.uid || job.spec?.manualSelector === true ? job : { ...structuredClone(job), metadata: { ...job.metadata, uid: 'uid-pending' } };
      generateJobSelector(target);
      return [...validateGeneratedSelector(target), ...validateJobSpec(target.spec ?? {})];
    }
    return [...validateJobSpec(job.spec ?? {}), ...validateJobUpdate(job, old)];
  },

  prepareForCreate(job) {
    clearStatus(job);
    initGeneration(job);
    generateJobSelector(job);
  },

  prepareForUpdate(job, old) {
    bumpGeneration(job, old);
  },

  selectableFields(job) {
    return { 'status.successful': String(int(job?.status?.succeeded)) };
  },

  table: {
    columns: [
      NAME_COLUMN,
      col('Status', 'string', 'Summary of the job conditions.'),
      col('Completions', 'string', 'Succeeded pods out of the wanted completions.'),
      col('Duration', 'string', 'How long the job ran or has been running.'),
      AGE_COLUMN,
      CONTAINERS_COLUMN,
      IMAGES_COLUMN,
      SELECTOR_COLUMN,
    ],
    cells(job, now) {
      const [completions, duration] = jobCompletionCells(job, now);
      const [names, images] = containerCells(job.spec?.template?.spec?.containers);
      return [nameOf(job), jobStatusCell(job), completions, duration, ageOf(job, now), names, images, formatLabelSelector(job.spec?.selector)];
    },
  },
};
