// PodTemplate: template defaults and validation, generation bookkeeping, table.

import type { KindStrategy, KObject } from '../strategy.js';
import { semanticEqual } from '../validation/field.js';
import { validatePodTemplateSpec } from '../validation/pod-spec.js';
import { formatLabels } from '../labels.js';
import { defaultPodTemplate } from './pod-defaults.js';
import { NAME_COLUMN, col, containerCells, nameOf } from './table.js';
import { POD_SPEC_OPTS } from './workload.js';

export const podTemplateStrategy: KindStrategy = {
  defaults(pt) {
    defaultPodTemplate(pt.template);
  },
  validate(pt) {
    return validatePodTemplateSpec(pt.template, 'template', POD_SPEC_OPTS);
  },
  prepareForCreate(pt) {
    pt.metadata ??= {};
    pt.metadata.generation = 1;
  },
  /** any template change bumps the generation */
  prepareForUpdate(pt, old) {
    pt.metadata ??= {};
    const oldGen = old?.metadata?.generation ?? 0;
    pt.metadata.generation = semanticEqual(pt.template, old?.template) ? oldGen : oldGen + 1;
  },
  table: {
    columns: [
      NAME_COLUMN,
      col('Containers', 'string', 'Names of the containers in the template.'),
      col('Images', 'string', 'Images of the containers in the template.'),
      col('Pod Labels', 'string', 'Labels of the template.'),
    ],
    cells(pt: KObject) {
      const [names, images] = containerCells(pt.template?.spec?.containers);
      return [nameOf(pt), names, images, formatLabels(pt.template?.metadata?.labels)];
    },
  },
};
