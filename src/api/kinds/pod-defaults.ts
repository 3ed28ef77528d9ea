// Defaulting of a PodSpec (for Pods and every pod template) as upstream's core/v1 defaulters and conversions do.

import type { KObject } from '../strategy.js';
import { canonicalQuantity, canonicalizeResourceList } from '../quantity.js';
import { fillNulls } from '../validation/field.js';

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_RE = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?$`);
const PATH_COMPONENT_RE = /^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*$/;
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const DIGEST_RE = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;

/**
 * The tag an image reference pulls: its tag, "latest" when it has neither tag nor digest,
 * "" when it has only a digest; undefined when the reference does not parse.
 */
export function imageTag(image: unknown): string | undefined {
  if (typeof image !== 'string' || image.length === 0) return undefined;
  let ref = image;
  let digest = '';
  const at = ref.indexOf('@');
  if (at >= 0) {
    digest = ref.slice(at + 1);
    ref = ref.slice(0, at);
    if (!DIGEST_RE.test(digest)) return undefined;
  }
  let tag = '';
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > slash) {
    tag = ref.slice(colon + 1);
    ref = ref.slice(0, colon);
    if (!TAG_RE.test(tag)) return undefined;
  }
  const parts = ref.split('/');
  // a first component with a '.' or ':' or equal to "localhost" is a registry host
  if (parts.length > 1 && (parts[0].includes('.') || parts[0].includes(':') || parts[0] === 'localhost' || parts[0] !== parts[0].toLowerCase())) {
    if (!DOMAIN_RE.test(parts.shift()!)) return undefined;
  }
  if (parts.length === 0 || !parts.every((p) => PATH_COMPONENT_RE.test(p))) return undefined;
  if (!tag && !digest) tag = 'latest';
  return tag;
}

function defaultProbe(p: KObject | undefined): void {
  if (!p || typeof p !== 'object') return;
  p.timeoutSeconds ||= 1;
  p.periodSeconds ||= 10;
  p.successThreshold ||= 1;
  p.failureThreshold ||= 3;
  defaultHandler(p);
}

function defaultHandler(h: KObject | undefined): void {
  if (!h || typeof h !== 'object') return;
  if (h.httpGet && typeof h.httpGet === 'object') {
    h.httpGet.path ||= '/';
    h.httpGet.scheme ||= 'HTTP';
  }
}

function defaultFieldRef(ref: KObject | undefined): void {
  if (ref && typeof ref === 'object' && !ref.apiVersion) ref.apiVersion = 'v1';
}

function defaultResourceFieldRef(ref: KObject | undefined): void {
  if (ref && typeof ref === 'object') ref.divisor = ref.divisor === undefined ? '0' : canonicalQuantity(ref.divisor);
}

/** SetDefaults_Container + its nested defaulters (ports, probes, env, resources). */
export function defaultContainer(c: KObject): void {
  if (!c || typeof c !== 'object') return;
  if (!c.imagePullPolicy) c.imagePullPolicy = imageTag(c.image) === 'latest' ? 'Always' : 'IfNotPresent';
  c.terminationMessagePath ||= '/dev/termination-log';
  c.terminationMessagePolicy ||= 'File';
  if (!c.resources || typeof c.resources !== 'object') c.resources = {};
  canonicalizeResourceList(c.resources.limits);
  canonicalizeResourceList(c.resources.requests);
  for (const p of fillNulls(c.ports)) p.protocol ||= 'TCP';
  fillNulls(c.volumeMounts);
  fillNulls(c.envFrom);
  for (const e of fillNulls(c.env)) {
    if (e?.valueFrom) {
      defaultFieldRef(e.valueFrom.fieldRef);
      defaultResourceFieldRef(e.valueFrom.resourceFieldRef);
    }
  }
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  if (c.lifecycle) {
    defaultHandler(c.lifecycle.postStart);
    defaultHandler(c.lifecycle.preStop);
  }
}

function defaultDownwardItems(items: unknown): void {
  for (const it of Array.isArray(items) ? items : []) {
    defaultFieldRef(it?.fieldRef);
    defaultResourceFieldRef(it?.resourceFieldRef);
  }
}

const VOLUME_SOURCES = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile', 'configMap',
  'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume', 'scaleIO', 'storageos', 'csi',
  'ephemeral', 'image',
];

/** The volume source fields a Volume (or PV, for the PV subset) may carry. */
export function volumeSourceKeys(): readonly string[] {
  return VOLUME_SOURCES;
}

/** SetDefaults_Volume and the per-source defaulters (modes 0644, hostPath type "", token expiry 3600…). */
export function defaultVolume(v: KObject): void {
  if (!v || typeof v !== 'object') return;
  if (!VOLUME_SOURCES.some((k) => v[k] != null)) v.emptyDir = {};
  if (v.emptyDir?.sizeLimit !== undefined) v.emptyDir.sizeLimit = canonicalQuantity(v.emptyDir.sizeLimit);
  if (v.secret && v.secret.defaultMode == null) v.secret.defaultMode = 420;
  if (v.configMap && v.configMap.defaultMode == null) v.configMap.defaultMode = 420;
  if (v.downwardAPI) {
    if (v.downwardAPI.defaultMode == null) v.downwardAPI.defaultMode = 420;
    defaultDownwardItems(v.downwardAPI.items);
  }
  if (v.projected) {
    if (v.projected.defaultMode == null) v.projected.defaultMode = 420;
    for (const s of Array.isArray(v.projected.sources) ? v.projected.sources : []) {
      if (s?.serviceAccountToken && s.serviceAccountToken.expirationSeconds == null) s.serviceAccountToken.expirationSeconds = 3600;
      if (s?.downwardAPI) defaultDownwardItems(s.downwardAPI.items);
    }
  }
  if (v.hostPath && v.hostPath.type == null) v.hostPath.type = '';
  if (v.iscsi && !v.iscsi.iscsiInterface) v.iscsi.iscsiInterface = 'default';
  if (v.rbd) {
    v.rbd.pool ||= 'rbd';
    v.rbd.user ||= 'admin';
    v.rbd.keyring ||= '/etc/ceph/keyring';
  }
  if (v.azureDisk) {
    v.azureDisk.cachingMode ||= 'ReadWrite';
    v.azureDisk.fsType ||= 'ext4';
    v.azureDisk.readOnly ??= false;
    v.azureDisk.kind ||= 'Shared';
  }
  if (v.ephemeral?.volumeClaimTemplate?.spec) {
    const spec = v.ephemeral.volumeClaimTemplate.spec;
    spec.volumeMode ||= 'Filesystem';
    canonicalizeResourceList(spec.resources?.requests);
    canonicalizeResourceList(spec.resources?.limits);
  }
}

function eachContainer(spec: KObject, fn: (c: KObject) => void): void {
  for (const key of ['initContainers', 'containers', 'ephemeralContainers']) {
    for (const c of fillNulls(spec[key])) fn(c);
  }
}

/**
 * SetDefaults_PodSpec and nested defaulters, used for Pods and all pod templates.
 * isPod adds what upstream only defaults on Pod objects: enableServiceLinks, requests
 * copied from limits, and hostPort = containerPort on hostNetwork pods.
 * Idempotent.
 */
export function defaultPodSpec(spec: KObject, isPod: boolean): void {
  if (!spec || typeof spec !== 'object') return;
  spec.dnsPolicy ||= 'ClusterFirst';
  spec.restartPolicy ||= 'Always';
  if (!spec.securityContext || typeof spec.securityContext !== 'object') spec.securityContext = {};
  if (spec.terminationGracePeriodSeconds == null) spec.terminationGracePeriodSeconds = 30;
  spec.schedulerName ||= 'default-scheduler';
  // serviceAccount is the deprecated alias of serviceAccountName (conversion keeps them equal)
  if (!spec.serviceAccountName && spec.serviceAccount) spec.serviceAccountName = spec.serviceAccount;
  if (spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
  eachContainer(spec, defaultContainer);
  for (const v of fillNulls(spec.volumes)) defaultVolume(v);
  fillNulls(spec.tolerations);
  fillNulls(spec.imagePullSecrets);
  if (spec.overhead) canonicalizeResourceList(spec.overhead);
  if (isPod) {
    if (spec.enableServiceLinks == null) spec.enableServiceLinks = true;
    for (const key of ['initContainers', 'containers']) {
      for (const c of Array.isArray(spec[key]) ? spec[key] : []) {
        const limits = c?.resources?.limits;
        if (limits && typeof limits === 'object') {
          c.resources.requests ??= {};
          for (const [k, v] of Object.entries(limits)) if (!(k in c.resources.requests)) c.resources.requests[k] = v;
        }
      }
    }
    if (spec.hostNetwork === true) {
      for (const key of ['initContainers', 'containers']) {
        for (const c of Array.isArray(spec[key]) ? spec[key] : []) {
          for (const p of Array.isArray(c?.ports) ? c.ports : []) if (p && !p.hostPort) p.hostPort = p.containerPort;
        }
      }
    }
  }
}

/** Defaults a PodTemplateSpec ({metadata, spec}) as embedded in workloads. */
export function defaultPodTemplate(template: KObject | undefined): void {
  if (!template || typeof template !== 'object') return;
  if (template.spec && typeof template.spec === 'object') defaultPodSpec(template.spec, false);
}

/** SetDefaults_PersistentVolumeClaimSpec (+ canonical quantities), for PVCs and claim templates. */
export function defaultPVCSpec(spec: KObject | undefined): void {
  if (!spec || typeof spec !== 'object') return;
  spec.volumeMode ||= 'Filesystem';
  canonicalizeResourceList(spec.resources?.requests);
  canonicalizeResourceList(spec.resources?.limits);
}
