// PersistentVolume: defaults (Retain, Filesystem, Pending), validation (access modes, capacity, one source), table.

import type { StatusCause } from '../status.js';
import type { KindStrategy, KObject } from '../strategy.js';
import { Quantity, canonicalizeResourceList } from '../quantity.js';
import { forbidden, goRepr, goStringMap, immutable, notSupported, required, strs } from '../validation/field.js';
import { validateVolumeSource, validateDNS1123SubdomainField } from '../validation/pod-spec.js';
import { validateResourceQuantityValue } from '../validation/resources.js';
import { AGE_COLUMN, NAME_COLUMN, ageOf, col, nameOf } from './table.js';

export const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const PV_SOURCES = [
  'gcePersistentDisk', 'awsElasticBlockStore', 'hostPath', 'glusterfs', 'nfs', 'rbd', 'iscsi', 'cinder', 'cephfs', 'fc', 'flocker',
  'flexVolume', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'local', 'storageos', 'csi',
];

/** "RWO,ROX,RWX,RWOP" in upstream's fixed order */
export function accessModesString(modes: unknown): string {
  const set = new Set(Array.isArray(modes) ? modes : []);
  const out: string[] = [];
  if (set.has('ReadWriteOnce')) out.push('RWO');
  if (set.has('ReadOnlyMany')) out.push('ROX');
  if (set.has('ReadWriteMany')) out.push('RWX');
  if (set.has('ReadWriteOncePod')) out.push('RWOP');
  return out.join(',');
}

export function validateAccessModes(modes: unknown, path: string, requireSome: boolean, detail = ''): StatusCause[] {
  const errs: StatusCause[] = [];
  const list = strs(modes);
  if (list.length === 0 && requireSome) errs.push(required(path, detail));
  for (const m of list) if (!ACCESS_MODES.includes(m)) errs.push(notSupported(path, m, ACCESS_MODES));
  if (list.includes('ReadWriteOncePod') && list.length > 1) errs.push(forbidden(path, 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

function validatePV(pv: KObject): StatusCause[] {
  const errs: StatusCause[] = [];
  const spec: KObject = pv.spec ?? {};
  errs.push(...validateAccessModes(spec.accessModes, 'spec.accessModes', true));
  const cap: Record<string, unknown> = spec.capacity ?? {};
  if (Object.keys(cap).length === 0) errs.push(required('spec.capacity'));
  if (!('storage' in cap) || Object.keys(cap).length > 1) errs.push(notSupported('spec.capacity', goRepr(goStringMap(cap as Record<string, string>).replace('map[string]string', 'core.ResourceList')), ['storage']));
  for (const [k, v] of Object.entries(cap)) errs.push(...validateResourceQuantityValue(k, v, `spec.capacity[${k}]`));
  errs.push(...validateVolumeSource(spec, 'spec', PV_SOURCES));
  if (spec.persistentVolumeReclaimPolicy && !['Delete', 'Recycle', 'Retain'].includes(spec.persistentVolumeReclaimPolicy)) {
    errs.push(notSupported('spec.persistentVolumeReclaimPolicy', spec.persistentVolumeReclaimPolicy, ['Delete', 'Recycle', 'Retain']));
  }
  if (spec.volumeMode != null && !['Block', 'Filesystem'].includes(spec.volumeMode)) errs.push(notSupported('spec.volumeMode', spec.volumeMode, ['Block', 'Filesystem']));
  if (spec.storageClassName) errs.push(...validateDNS1123SubdomainField(spec.storageClassName, 'spec.storageClassName'));
  if (spec.local && spec.nodeAffinity == null) errs.push(required('spec.nodeAffinity', 'Local volume requires node affinity'));
  return errs;
}

function validatePVUpdate(pv: KObject, old: KObject): StatusCause[] {
  const errs: StatusCause[] = [];
  const src = (o: KObject) => Object.fromEntries(PV_SOURCES.filter((k) => o.spec?.[k] != null).map((k) => [k, o.spec[k]]));
  if (JSON.stringify(src(pv)) !== JSON.stringify(src(old))) errs.push(forbidden('spec.persistentvolumesource', 'spec.persistentvolumesource is immutable after creation'));
  errs.push(...immutable(pv.spec?.volumeMode ?? null, old.spec?.volumeMode ?? null, 'volumeMode'));
  if (old.spec?.nodeAffinity != null) errs.push(...immutable(pv.spec?.nodeAffinity ?? null, old.spec.nodeAffinity, 'nodeAffinity', goRepr(JSON.stringify(pv.spec?.nodeAffinity ?? null))));
  return errs;
}

/** the storage class from the beta annotation, else spec.storageClassName */
export function storageClassOf(obj: KObject): string {
  return obj.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? obj.spec?.storageClassName ?? '';
}

export const persistentVolumeStrategy: KindStrategy = {
  defaults(pv) {
    const spec: KObject = (pv.spec ??= {});
    spec.persistentVolumeReclaimPolicy ||= 'Retain';
    spec.volumeMode ||= 'Filesystem';
    canonicalizeResourceList(spec.capacity);
    if (spec.hostPath && spec.hostPath.type == null) spec.hostPath.type = '';
    if (pv.status && typeof pv.status === 'object') pv.status.phase ||= 'Pending';
  },
  validate(pv, old) {
    const errs = validatePV(pv);
    return old ? [...validatePVUpdate(pv, old), ...errs] : errs;
  },
  prepareForCreate(pv) {
    pv.status = { phase: 'Pending', lastPhaseTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') };
  },
  table: {
    columns: [
      NAME_COLUMN,
      col('Capacity', 'string', 'Storage capacity.'),
      col('Access Modes', 'string', 'Access modes.'),
      col('Reclaim Policy', 'string', 'What happens when the claim is released.'),
      col('Status', 'string', 'Phase of the volume.'),
      col('Claim', 'string', 'The bound claim (namespace/name).'),
      col('StorageClass', 'string', 'The storage class.'),
      col('VolumeAttributesClass', 'string', 'The volume attributes class.'),
      col('Reason', 'string', 'Reason for a failure phase.'),
      AGE_COLUMN,
      col('VolumeMode', 'string', 'Filesystem or Block.', 1),
    ],
    cells(pv, now) {
      const spec: KObject = pv.spec ?? {};
      const claim = spec.claimRef ? `${spec.claimRef.namespace ?? ''}/${spec.claimRef.name ?? ''}` : '';
      const cap = (Quantity.tryParse(spec.capacity?.storage) ?? Quantity.zero()).toString();
      const phase = pv.metadata?.deletionTimestamp ? 'Terminating' : pv.status?.phase ?? '';
      return [
        nameOf(pv), cap, accessModesString(spec.accessModes), spec.persistentVolumeReclaimPolicy ?? '', phase, claim, storageClassOf(pv),
        spec.volumeAttributesClassName ?? '<unset>', pv.status?.reason ?? '', ageOf(pv, now), spec.volumeMode ?? '<unset>',
      ];
    },
  },
};
