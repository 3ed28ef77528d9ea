// CronJob (batch/v1): defaults, validation (schedule, time zone, job template), generation, table.

import type { StatusCause } from '../status.js';
import type { KindStrategy, KObject } from '../strategy.js';
import { goLabelSelector, invalid, nonNegative, notSupported, required } from '../validation/field.js';
import { formatLabelSelector } from '../labels.js';
import { translateTimestampSince } from './duration.js';
import { cronScheduleError } from './cron.js';
import { validateJobSpecCommon } from './job.js';
import { defaultPodTemplate } from './pod-defaults.js';
import { AGE_COLUMN, CONTAINERS_COLUMN, IMAGES_COLUMN, NAME_COLUMN, SELECTOR_COLUMN, ageOf, boolPtr, col, containerCells, nameOf } from './table.js';
import { bumpGeneration, clearStatus, initGeneration } from './workload.js';

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function validateTimeZone(tz: unknown): StatusCause[] {
  if (tz == null) return [];
  const p = 'spec.timeZone';
  if (tz === '') return [invalid(p, '', 'timeZone must be nil or non-empty string')];
  const s = String(tz);
  for (const part of s.split('/')) {
    if (part === '.' || part === '..' || part.startsWith('-') || !/^[A-Za-z\.\-_0-9+]{1,14}$/.test(part)) return [invalid(p, s, `unknown time zone ${s}`)];
  }
  if (s.toLowerCase() === 'local') return [invalid(p, s, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones')];
  if (!validTimeZone(s)) return [invalid(p, s, `unknown time zone ${s}`)];
  return [];
}

/** validateCronJobSpec */
export function validateCronJobSpec(cj: KObject, old?: KObject): StatusCause[] {
  const errs: StatusCause[] = [];
  const spec: KObject = cj.spec ?? {};
  const name: string = cj.metadata?.name ?? '';
  if (name.length > 52) errs.push(invalid('metadata.name', name, 'must be no more than 52 characters'));
  if (!spec.schedule) errs.push(required('spec.schedule'));
  else {
    const e = cronScheduleError(spec.schedule);
    if (e) errs.push(invalid('spec.schedule', spec.schedule, e));
    const hasTZ = String(spec.schedule).includes('TZ');
    if (hasTZ && spec.timeZone != null) errs.push(invalid('spec.schedule', spec.schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
    else if (hasTZ && !String(old?.spec?.schedule ?? '').includes('TZ')) errs.push(invalid('spec.schedule', spec.schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  }
  errs.push(...nonNegative(spec.startingDeadlineSeconds, 'spec.startingDeadlineSeconds'));
  if (!old || old.spec?.timeZone !== spec.timeZone) errs.push(...validateTimeZone(spec.timeZone));
  const cp = spec.concurrencyPolicy ?? '';
  if (cp === '') errs.push(required('spec.concurrencyPolicy'));
  else if (!['Allow', 'Forbid', 'Replace'].includes(cp)) errs.push(notSupported('spec.concurrencyPolicy', cp, ['Allow', 'Forbid', 'Replace']));
  const jt: KObject = spec.jobTemplate ?? {};
  errs.push(...validateJobSpecCommon(jt.spec ?? {}, 'spec.jobTemplate.spec'));
  if (jt.spec?.selector != null) errs.push(invalid('spec.jobTemplate.spec.selector', goLabelSelector(jt.spec.selector), '`selector` will be auto-generated'));
  if (jt.spec?.manualSelector === true) errs.push(notSupported('spec.jobTemplate.spec.manualSelector', true, ['nil', 'false']));
  errs.push(...nonNegative(spec.successfulJobsHistoryLimit, 'spec.successfulJobsHistoryLimit'));
  errs.push(...nonNegative(spec.failedJobsHistoryLimit, 'spec.failedJobsHistoryLimit'));
  return errs;
}

export const cronJobStrategy: KindStrategy = {
  defaults(cj) {
    const spec: KObject = (cj.spec ??= {});
    spec.concurrencyPolicy ||= 'Allow';
    if (spec.suspend == null) spec.suspend = false;
    if (spec.successfulJobsHistoryLimit == null) spec.successfulJobsHistoryLimit = 3;
    if (spec.failedJobsHistoryLimit == null) spec.failedJobsHistoryLimit = 1;
    defaultPodTemplate(spec.jobTemplate?.spec?.template);
  },

  validate(cj, old) {
    return validateCronJobSpec(cj, old);
  },

  prepareForCreate(cj) {
    clearStatus(cj);
    initGeneration(cj);
  },

  prepareForUpdate(cj, old) {
    bumpGeneration(cj, old);
  },

  table: {
    columns: [
      NAME_COLUMN,
      col('Schedule', 'string', 'The cron schedule.'),
      col('Timezone', 'string', 'The time zone of the schedule.'),
      col('Suspend', 'boolean', 'Whether new runs are suspended.'),
      col('Active', 'integer', 'Number of running jobs.'),
      col('Last Schedule', 'string', 'Time since the last scheduled run.'),
      AGE_COLUMN,
      CONTAINERS_COLUMN,
      IMAGES_COLUMN,
      SELECTOR_COLUMN,
    ],
    cells(cj, now) {
      const spec: KObject = cj.spec ?? {};
      const st: KObject = cj.status ?? {};
      const last = st.lastScheduleTime ? translateTimestampSince(st.lastScheduleTime, now) : '<none>';
      const [names, images] = containerCells(spec.jobTemplate?.spec?.template?.spec?.containers);
      return [
        nameOf(cj), spec.schedule ?? '', spec.timeZone ?? '<none>', boolPtr(spec.suspend), Array.isArray(st.active) ? st.active.length : 0,
        last, ageOf(cj, now), names, images, formatLabelSelector(spec.jobTemplate?.spec?.selector),
      ];
    },
  },
};
