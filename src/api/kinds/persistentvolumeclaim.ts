// PersistentVolumeClaim: defaults (Filesystem, Pending), validation (access modes, storage request), immutable spec, table.

import type { StatusCause } from '../status.js';
import type { KindStrategy, KObject } from '../strategy.js';
import { Quantity } from '../quantity.js';
import { forbidden, invalid, required, semanticEqual } from '../validation/field.js';
import { validateDNS1123SubdomainField } from '../validation/pod-spec.js';
import { validateResourceQuantityValue } from '../validation/resources.js';
import { defaultPVCSpec } from './pod-defaults.js';
import { accessModesString, storageClassOf, validateAccessModes } from './persistentvolume.js';
import { AGE_COLUMN, NAME_COLUMN, ageOf, col, nameOf } from './table.js';

/** ValidatePersistentVolumeClaimSpec (path is the spec's path) */
export function validatePVCSpec(spec: KObject, path: string): StatusCause[] {
  const errs: StatusCause[] = [];
  errs.push(...validateAccessModes(spec.accessModes, `${path}.accessModes`, true, 'at least 1 access mode is required'));
  const requests: Record<string, unknown> = spec.resources?.requests ?? {};
  const fp = `${path}.resources[storage]`;
  if (!('storage' in requests)) errs.push(required(fp));
  else {
    const q = Quantity.tryParse(requests.storage);
    if (q && q.sign() <= 0) errs.push(invalid(fp, q.toString(), 'must be greater than zero'));
    else errs.push(...validateResourceQuantityValue('storage', requests.storage, fp));
  }
  if (spec.storageClassName) errs.push(...validateDNS1123SubdomainField(spec.storageClassName, `${path}.storageClassName`));
  if (spec.volumeMode != null && !['Block', 'Filesystem'].includes(spec.volumeMode)) errs.push(invalid(`${path}.volumeMode`, spec.volumeMode, 'must be one of Block, Filesystem'));
  return errs;
}

function validatePVCUpdate(pvc: KObject, old: KObject): StatusCause[] {
  const errs: StatusCause[] = [];
  const bound = !!old.spec?.volumeName;
  const strip = (spec: KObject | undefined) => {
    const s = structuredClone(spec ?? {});
    if (bound && s.resources) delete s.resources.requests;
    delete s.volumeAttributesClassName;
    // binding sets volumeName once
    if (!old.spec?.volumeName) delete s.volumeName;
    return s;
  };
  if (!semanticEqual(strip(pvc.spec), strip(old.spec))) {
    errs.push(forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'));
  }
  const nq = Quantity.tryParse(pvc.spec?.resources?.requests?.storage);
  const oq = Quantity.tryParse(old.spec?.resources?.requests?.storage);
  if (bound && nq && oq && nq.cmp(oq) < 0 && !old.status?.allocatedResources) errs.push(forbidden('spec.resources.requests.storage', 'field can not be less than previous value'));
  return errs;
}

export const persistentVolumeClaimStrategy: KindStrategy = {
  defaults(pvc) {
    defaultPVCSpec((pvc.spec ??= {}));
    if (pvc.status && typeof pvc.status === 'object') pvc.status.phase ||= 'Pending';
  },
  validate(pvc, old) {
    const errs = validatePVCSpec(pvc.spec ?? {}, 'spec');
    return old ? [...validatePVCUpdate(pvc, old), ...errs] : errs;
  },
  prepareForCreate(pvc) {
    pvc.status = { phase: 'Pending' };
  },
  table: {
    columns: [
      NAME_COLUMN,
      col('Status', 'string', 'Phase of the claim.'),
      col('Volume', 'string', 'The bound volume.'),
      col('Capacity', 'string', 'Capacity of the bound volume.'),
      col('Access Modes', 'string', 'Access modes of the bound volume.'),
      col('StorageClass', 'string', 'The storage class.'),
      col('VolumeAttributesClass', 'string', 'The volume attributes class.'),
      AGE_COLUMN,
      col('VolumeMode', 'string', 'Filesystem or Block.', 1),
    ],
    cells(pvc, now) {
      const spec: KObject = pvc.spec ?? {};
      const phase = pvc.metadata?.deletionTimestamp ? 'Terminating' : pvc.status?.phase ?? '';
      let capacity = '';
      let modes = '';
      if (spec.volumeName) {
        modes = accessModesString(pvc.status?.accessModes);
        capacity = (Quantity.tryParse(pvc.status?.capacity?.storage) ?? Quantity.zero()).toString();
      }
      return [
        nameOf(pvc), phase, spec.volumeName ?? '', capacity, modes, storageClassOf(pvc), spec.volumeAttributesClassName ?? '<unset>',
        ageOf(pvc, now), spec.volumeMode ?? '<unset>',
      ];
    },
  },
};
