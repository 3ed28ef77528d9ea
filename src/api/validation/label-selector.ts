// Validation of a metav1.LabelSelector inside an object (matchLabels + matchExpressions).

import type { StatusCause } from '../status.js';
import { forbidden, invalid, objs, required, strs } from './field.js';
import { isQualifiedName, isValidLabelValue } from './names.js';
import { validateLabels } from './object-meta.js';

/** ValidateLabelSelector; null/undefined is valid here (callers decide whether it is required). */
export function validateLabelSelector(sel: unknown, path: string, allowInvalidLabelValue = false): StatusCause[] {
  const errs: StatusCause[] = [];
  if (sel == null || typeof sel !== 'object') return errs;
  const s = sel as { matchLabels?: unknown; matchExpressions?: unknown };
  errs.push(...validateLabels(s.matchLabels, `${path}.matchLabels`));
  if (Array.isArray(s.matchExpressions)) {
    objs(s.matchExpressions).forEach((expr, i: number) => {
      const ep = `${path}.matchExpressions[${i}]`;
      const values = strs(expr.values);
      switch (expr.operator) {
        case 'In':
        case 'NotIn':
          if (values.length === 0) errs.push(required(`${ep}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
          break;
        case 'Exists':
        case 'DoesNotExist':
          if (values.length > 0) errs.push(forbidden(`${ep}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
          break;
        default:
          errs.push(invalid(`${ep}.operator`, expr.operator ?? '', 'not a valid selector operator'));
      }
      for (const m of isQualifiedName(expr.key ?? '')) errs.push(invalid(`${ep}.key`, expr.key ?? '', m));
      if (!allowInvalidLabelValue) {
        values.forEach((v, j) => {
          for (const m of isValidLabelValue(v)) errs.push(invalid(`${ep}.values[${j}]`, v, m));
        });
      }
    });
  }
  return errs;
}
