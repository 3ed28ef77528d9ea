// Validation of PodSpec and PodTemplateSpec (containers, volumes, policies), shared by Pods and every workload.

import type { StatusCause } from '../status.js';
import type { KObject } from '../strategy.js';
import { duplicate, forbidden, goIntOrString, invalid, nonNegative, notFound, notSupported, objs, required, strs } from './field.js';
import {
  isCIDR, isConfigMapKey, isDNS1123Label, isDNS1123Subdomain, isEnvVarName, isIP, isQualifiedName,
  isValidLabelValue, isValidPortName, isValidPortNum, isValidIP,
} from './names.js';
import { validateAnnotations, validateLabels } from './object-meta.js';
import { validateResourceRequirements } from './resources.js';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const FILE_MODE_ERROR = 'must be a number between 0 and 0777 (octal), both inclusive';
const MAX_DNS_NAMESERVERS = 3;
const MAX_DNS_SEARCH_PATHS = 32;

const ENV_FIELD_PATHS = ['metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs'];
const VOLUME_FIELD_PATHS = ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid'];

const arr = objs;

/** ValidateDNS1123Label as field errors */
export function validateDNS1123LabelField(value: string, path: string): StatusCause[] {
  return isDNS1123Label(value).map((m) => invalid(path, value, m));
}

export function validateDNS1123SubdomainField(value: string, path: string): StatusCause[] {
  return isDNS1123Subdomain(value).map((m) => invalid(path, value, m));
}

/** ValidatePortNumOrName for an IntOrString port */
export function validatePortNumOrName(port: unknown, path: string): StatusCause[] {
  if (typeof port === 'number') return isValidPortNum(port).map((m) => invalid(path, port, m));
  if (typeof port === 'string') return isValidPortName(port).map((m) => invalid(path, port, m));
  return [invalid(path, goIntOrString(port), 'must be an integer or a port name')];
}

function validateFileMode(mode: unknown, path: string): StatusCause[] {
  if (mode == null) return [];
  return typeof mode === 'number' && Number.isInteger(mode) && mode >= 0 && mode <= 0o777 ? [] : [invalid(path, mode, FILE_MODE_ERROR)];
}

function validateLocalDescendingPath(p: string, path: string): StatusCause[] {
  const errs: StatusCause[] = [];
  if (p.startsWith('/')) errs.push(invalid(path, p, 'must be a relative path'));
  if (p.split('/').includes('..')) errs.push(invalid(path, p, "must not contain '..'"));
  return errs;
}

function validateKeyToPaths(items: unknown, path: string): StatusCause[] {
  const errs: StatusCause[] = [];
  arr(items).forEach((it, i) => {
    const ip = `${path}[${i}]`;
    if (!it.key) errs.push(required(`${ip}.key`));
    if (!it.path) errs.push(required(`${ip}.path`));
    else errs.push(...validateLocalDescendingPath(it.path, `${ip}.path`));
    errs.push(...validateFileMode(it.mode, `${ip}.mode`));
  });
  return errs;
}

function validateObjectFieldSelector(ref: KObject, valid: string[], path: string): StatusCause[] {
  const errs: StatusCause[] = [];
  if (!ref.apiVersion) errs.push(required(`${path}.apiVersion`));
  if (!ref.fieldPath) {
    errs.push(required(`${path}.fieldPath`));
    return errs;
  }
  const fp: string = ref.fieldPath;
  const sub = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fp);
  if (sub) {
    const m = isQualifiedName(sub[1] === 'annotations' ? sub[2].toLowerCase() : sub[2]);
    for (const msg of m) errs.push(invalid(`${path}.fieldPath`, sub[2], msg));
    return errs;
  }
  if (!valid.includes(fp)) errs.push(notSupported(`${path}.fieldPath`, fp, valid));
  return errs;
}

function validateDownwardItems(items: unknown, path: string): StatusCause[] {
  const errs: StatusCause[] = [];
  arr(items).forEach((it, i) => {
    const ip = `${path}[${i}]`;
    if (!it.path) errs.push(required(`${ip}.path`));
    else errs.push(...validateLocalDescendingPath(it.path, `${ip}.path`));
    errs.push(...validateFileMode(it.mode, `${ip}.mode`));
    if (it.fieldRef) errs.push(...validateObjectFieldSelector(it.fieldRef, VOLUME_FIELD_PATHS, `${ip}.fieldRef`));
    if (it.fieldRef && it.resourceFieldRef) errs.push(invalid(ip, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
  });
  return errs;
}

/** validateVolumeSource: exactly one source, with each source's required fields. */
export function validateVolumeSource(v: KObject, path: string, sourceKeys: readonly string[]): StatusCause[] {
  const errs: StatusCause[] = [];
  let n = 0;
  for (const k of sourceKeys) {
    if (v[k] == null) continue;
    n++;
    if (n > 1) {
      errs.push(forbidden(`${path}.${k}`, 'may not specify more than 1 volume type'));
      continue;
    }
    const s: KObject = v[k];
    const sp = `${path}.${k}`;
    switch (k) {
      case 'hostPath':
        if (!s.path) errs.push(required(`${sp}.path`));
        if (s.type != null && !['', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice'].includes(s.type)) {
          errs.push(notSupported(`${sp}.type`, s.type, ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket']));
        }
        break;
      case 'emptyDir':
        if (s.medium != null && !['', 'Memory', 'HugePages'].includes(s.medium) && !String(s.medium).startsWith('HugePages-')) {
          errs.push(notSupported(`${sp}.medium`, s.medium, ['', 'Memory', 'HugePages']));
        }
        break;
      case 'secret':
        if (!s.secretName) errs.push(required(`${sp}.secretName`));
        errs.push(...validateFileMode(s.defaultMode, `${sp}.defaultMode`));
        errs.push(...validateKeyToPaths(s.items, `${sp}.items`));
        break;
      case 'configMap':
        if (!s.name) errs.push(required(`${sp}.name`));
        errs.push(...validateFileMode(s.defaultMode, `${sp}.defaultMode`));
        errs.push(...validateKeyToPaths(s.items, `${sp}.items`));
        break;
      case 'persistentVolumeClaim':
        if (!s.claimName) errs.push(required(`${sp}.claimName`));
        break;
      case 'nfs':
        if (!s.server) errs.push(required(`${sp}.server`));
        if (!s.path) errs.push(required(`${sp}.path`));
        else if (!String(s.path).startsWith('/')) errs.push(invalid(`${sp}.path`, s.path, 'must be an absolute path'));
        break;
      case 'gitRepo':
        if (!s.repository) errs.push(required(`${sp}.repository`));
        if (s.directory) errs.push(...validateLocalDescendingPath(s.directory, `${sp}.directory`));
        break;
      case 'downwardAPI':
        errs.push(...validateFileMode(s.defaultMode, `${sp}.defaultMode`));
        errs.push(...validateDownwardItems(s.items, `${sp}.items`));
        break;
      case 'projected':
        errs.push(...validateFileMode(s.defaultMode, `${sp}.defaultMode`));
        arr(s.sources).forEach((src, i) => {
          const pp = `${sp}.sources[${i}]`;
          const kinds = ['secret', 'configMap', 'downwardAPI', 'serviceAccountToken', 'clusterTrustBundle'].filter((x) => src[x] != null);
          if (kinds.length > 1) errs.push(forbidden(pp, 'may not specify more than 1 volume type per source'));
          if (src.serviceAccountToken) {
            const t = src.serviceAccountToken;
            if (!t.path) errs.push(required(`${pp}.serviceAccountToken.path`));
            if (typeof t.expirationSeconds === 'number' && t.expirationSeconds < 600) errs.push(invalid(`${pp}.serviceAccountToken.expirationSeconds`, t.expirationSeconds, 'may not specify a duration less than 10 minutes'));
          }
          if (src.downwardAPI) errs.push(...validateDownwardItems(src.downwardAPI.items, `${pp}.downwardAPI.items`));
          if (src.secret) errs.push(...validateKeyToPaths(src.secret.items, `${pp}.secret.items`));
          if (src.configMap) errs.push(...validateKeyToPaths(src.configMap.items, `${pp}.configMap.items`));
        });
        break;
      case 'csi':
        if (!s.driver) errs.push(required(`${sp}.driver`));
        break;
      case 'ephemeral':
        if (!s.volumeClaimTemplate) errs.push(required(`${sp}.volumeClaimTemplate`));
        break;
      default:
        break;
    }
  }
  if (n === 0) errs.push(required(path, 'must specify a volume type'));
  return errs;
}

/** ValidateVolumes: returns the valid volume names and the errors. */
export function validateVolumes(volumes: unknown, path: string, sourceKeys: readonly string[]): { names: Set<string>; errs: StatusCause[] } {
  const errs: StatusCause[] = [];
  const names = new Set<string>();
  arr(volumes).forEach((v, i) => {
    const ip = `${path}[${i}]`;
    const el = validateVolumeSource(v, ip, sourceKeys);
    if (!v.name) el.push(required(`${ip}.name`));
    else el.push(...validateDNS1123LabelField(v.name, `${ip}.name`));
    if (names.has(v.name)) el.push(duplicate(`${ip}.name`, v.name));
    if (el.length === 0) names.add(v.name);
    else errs.push(...el);
  });
  return { names, errs };
}

function validateEnv(env: unknown, path: string): StatusCause[] {
  const errs: StatusCause[] = [];
  arr(env).forEach((ev, i) => {
    const ip = `${path}[${i}]`;
    if (!ev.name) errs.push(required(`${ip}.name`));
    else for (const m of isEnvVarName(ev.name)) errs.push(invalid(`${ip}.name`, ev.name, m));
    const vf = ev.valueFrom;
    if (vf == null) return;
    const vp = `${ip}.valueFrom`;
    const sources = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'].filter((k) => vf[k] != null);
    if (sources.length === 0) {
      errs.push(invalid(vp, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
      return;
    }
    if (ev.value) errs.push(invalid(vp, '', 'may not be specified when `value` is not empty'));
    if (sources.length > 1) {
      errs.push(invalid(vp, '', 'may not have more than one field specified at a time'));
      return;
    }
    if (vf.fieldRef) errs.push(...validateObjectFieldSelector(vf.fieldRef, ENV_FIELD_PATHS, `${vp}.fieldRef`));
    if (vf.resourceFieldRef) {
      const r = vf.resourceFieldRef;
      if (!r.resource) errs.push(required(`${vp}.resourceFieldRef.resource`));
      else if (!['limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage'].includes(r.resource) && !String(r.resource).startsWith('limits.hugepages-') && !String(r.resource).startsWith('requests.hugepages-')) {
        errs.push(notSupported(`${vp}.resourceFieldRef.resource`, r.resource, ['limits.cpu', 'limits.ephemeral-storage', 'limits.memory', 'requests.cpu', 'requests.ephemeral-storage', 'requests.memory']));
      }
    }
    for (const k of ['configMapKeyRef', 'secretKeyRef']) {
      const r = vf[k];
      if (!r) continue;
      if (!r.key) errs.push(required(`${vp}.${k}.key`));
      else for (const m of isConfigMapKey(r.key)) errs.push(invalid(`${vp}.${k}.key`, r.key, m));
      if (!r.name) errs.push(required(`${vp}.${k}.name`));
    }
  });
  return errs;
}

function validateEnvFrom(envFrom: unknown, path: string): StatusCause[] {
  const errs: StatusCause[] = [];
  arr(envFrom).forEach((ev, i) => {
    const ip = `${path}[${i}]`;
    if (ev.prefix) for (const m of isEnvVarName(ev.prefix)) errs.push(invalid(`${ip}.prefix`, ev.prefix, m));
    const n = ['configMapRef', 'secretRef'].filter((k) => ev[k] != null).length;
    if (n === 0) errs.push(invalid(ip, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (n > 1) errs.push(invalid(ip, '', 'may not have more than one field specified at a time'));
    for (const k of ['configMapRef', 'secretRef']) {
      if (ev[k] && !ev[k].name) errs.push(required(`${ip}.${k}.name`));
      else if (ev[k]) for (const m of isDNS1123Subdomain(ev[k].name)) errs.push(invalid(`${ip}.${k}.name`, ev[k].name, m));
    }
  });
  return errs;
}

function validateHandler(h: KObject, path: string, isProbe: boolean): StatusCause[] {
  const errs: StatusCause[] = [];
  const kinds = (isProbe ? ['exec', 'httpGet', 'tcpSocket', 'grpc'] : ['exec', 'httpGet', 'tcpSocket', 'sleep']).filter((k) => h[k] != null);
  if (kinds.length === 0) {
    errs.push(required(path, 'must specify a handler type'));
    return errs;
  }
  kinds.slice(1).forEach((k) => errs.push(forbidden(`${path}.${k}`, 'may not specify more than 1 handler type')));
  const k = kinds[0];
  const s = h[k];
  if (k === 'exec' && !(Array.isArray(s.command) && s.command.length)) errs.push(required(`${path}.exec.command`));
  if (k === 'httpGet') {
    if (s.port == null) errs.push(required(`${path}.httpGet.port`));
    else errs.push(...validatePortNumOrName(s.port, `${path}.httpGet.port`));
    if (s.scheme && !['HTTP', 'HTTPS'].includes(s.scheme)) errs.push(notSupported(`${path}.httpGet.scheme`, s.scheme, ['HTTP', 'HTTPS']));
  }
  if (k === 'tcpSocket') {
    if (s.port == null) errs.push(required(`${path}.tcpSocket.port`));
    else errs.push(...validatePortNumOrName(s.port, `${path}.tcpSocket.port`));
  }
  if (k === 'grpc') errs.push(...isValidPortNum(s.port).map((m) => invalid(`${path}.grpc.port`, s.port ?? 0, m)));
  if (k === 'sleep' && !(typeof s.seconds === 'number' && s.seconds > 0)) errs.push(invalid(`${path}.sleep.seconds`, s.seconds ?? 0, 'must be greater than 0'));
  return errs;
}

function validateProbe(p: unknown, path: string): StatusCause[] {
  if (p == null || typeof p !== 'object') return [];
  const probe = p as KObject;
  const errs = validateHandler(probe, path, true);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) errs.push(...nonNegative(probe[f], `${path}.${f}`));
  if (typeof probe.terminationGracePeriodSeconds === 'number' && probe.terminationGracePeriodSeconds <= 0) {
    errs.push(invalid(`${path}.terminationGracePeriodSeconds`, probe.terminationGracePeriodSeconds, 'must be greater than 0'));
  }
  return errs;
}

function validatePorts(ports: unknown, path: string): StatusCause[] {
  const errs: StatusCause[] = [];
  const names = new Set<string>();
  arr(ports).forEach((port, i) => {
    const ip = `${path}[${i}]`;
    if (port.name) {
      const msgs = isValidPortName(port.name);
      if (msgs.length) msgs.forEach((m) => errs.push(invalid(`${ip}.name`, port.name, m)));
      else if (names.has(port.name)) errs.push(duplicate(`${ip}.name`, port.name));
      else names.add(port.name);
    }
    if (!port.containerPort) errs.push(required(`${ip}.containerPort`));
    else errs.push(...isValidPortNum(port.containerPort).map((m) => invalid(`${ip}.containerPort`, port.containerPort, m)));
    if (port.hostPort) errs.push(...isValidPortNum(port.hostPort).map((m) => invalid(`${ip}.hostPort`, port.hostPort, m)));
    if (!port.protocol) errs.push(required(`${ip}.protocol`));
    else if (!PROTOCOLS.includes(port.protocol)) errs.push(notSupported(`${ip}.protocol`, port.protocol, PROTOCOLS));
    if (port.hostIP && !isIP(port.hostIP)) errs.push(...isValidIP(port.hostIP).map((m) => invalid(`${ip}.hostIP`, port.hostIP, m)));
  });
  return errs;
}

function validateVolumeMounts(mounts: unknown, volumes: Set<string>, path: string): StatusCause[] {
  const errs: StatusCause[] = [];
  const points = new Set<string>();
  arr(mounts).forEach((m, i) => {
    const ip = `${path}[${i}]`;
    if (!m.name) errs.push(required(`${ip}.name`));
    if (!volumes.has(m.name)) errs.push(notFound(`${ip}.name`, m.name ?? ''));
    if (!m.mountPath) errs.push(required(`${ip}.mountPath`));
    if (points.has(m.mountPath)) errs.push(invalid(`${ip}.mountPath`, m.mountPath, 'must be unique'));
    points.add(m.mountPath);
    if (m.subPath) errs.push(...validateLocalDescendingPath(m.subPath, `${path}.subPath`));
    if (m.mountPropagation != null && !['Bidirectional', 'HostToContainer', 'None'].includes(m.mountPropagation)) {
      errs.push(notSupported(`${ip}.mountPropagation`, m.mountPropagation, ['Bidirectional', 'HostToContainer', 'None']));
    }
  });
  return errs;
}

interface ContainerContext {
  volumes: Set<string>;
  allNames: Set<string>;
  isInit: boolean;
}

function validateContainer(c: KObject, path: string, ctx: ContainerContext): StatusCause[] {
  const errs: StatusCause[] = [];
  if (!c || typeof c !== 'object') return [required(path)];
  if (!c.name) errs.push(required(`${path}.name`));
  else errs.push(...validateDNS1123LabelField(c.name, `${path}.name`));
  if (c.name && ctx.allNames.has(c.name)) errs.push(duplicate(`${path}.name`, c.name));
  else if (c.name) ctx.allNames.add(c.name);
  if (!c.image) errs.push(required(`${path}.image`));
  else if (String(c.image).trim() !== c.image && String(c.image).trim() !== '') errs.push(invalid(`${path}.image`, c.image, 'must not have leading or trailing whitespace'));
  const sidecar = ctx.isInit && c.restartPolicy === 'Always';
  if (ctx.isInit && c.restartPolicy != null && c.restartPolicy !== 'Always') errs.push(notSupported(`${path}.restartPolicy`, c.restartPolicy, ['Always']));
  if (!ctx.isInit && c.restartPolicy != null) errs.push(forbidden(`${path}.restartPolicy`, 'may not be set for non-init containers'));
  if (ctx.isInit && !sidecar) {
    for (const k of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) {
      if (c[k] != null) errs.push(forbidden(`${path}.${k}`, 'may not be set for init containers without restartPolicy=Always'));
    }
  } else {
    if (c.lifecycle) {
      if (c.lifecycle.postStart) errs.push(...validateHandler(c.lifecycle.postStart, `${path}.lifecycle.postStart`, false));
      if (c.lifecycle.preStop) errs.push(...validateHandler(c.lifecycle.preStop, `${path}.lifecycle.preStop`, false));
    }
    errs.push(...validateProbe(c.livenessProbe, `${path}.livenessProbe`));
    errs.push(...validateProbe(c.readinessProbe, `${path}.readinessProbe`));
    errs.push(...validateProbe(c.startupProbe, `${path}.startupProbe`));
    for (const k of ['livenessProbe', 'startupProbe']) {
      const p = c[k];
      if (p && typeof p.successThreshold === 'number' && p.successThreshold !== 1) errs.push(invalid(`${path}.${k}.successThreshold`, p.successThreshold, 'must be 1'));
    }
    if (c.readinessProbe?.terminationGracePeriodSeconds != null) errs.push(invalid(`${path}.readinessProbe.terminationGracePeriodSeconds`, c.readinessProbe.terminationGracePeriodSeconds, 'must not be set for readinessProbes'));
  }
  errs.push(...validatePorts(c.ports, `${path}.ports`));
  errs.push(...validateEnv(c.env, `${path}.env`));
  errs.push(...validateEnvFrom(c.envFrom, `${path}.envFrom`));
  errs.push(...validateVolumeMounts(c.volumeMounts, ctx.volumes, `${path}.volumeMounts`));
  switch (c.imagePullPolicy) {
    case 'Always':
    case 'IfNotPresent':
    case 'Never':
      break;
    case undefined:
    case null:
    case '':
      errs.push(required(`${path}.imagePullPolicy`));
      break;
    default:
      errs.push(notSupported(`${path}.imagePullPolicy`, c.imagePullPolicy, ['Always', 'IfNotPresent', 'Never']));
  }
  switch (c.terminationMessagePolicy) {
    case 'File':
    case 'FallbackToLogsOnError':
      break;
    case undefined:
    case null:
    case '':
      errs.push(required(`${path}.terminationMessagePolicy`));
      break;
    default:
      errs.push(notSupported(`${path}.terminationMessagePolicy`, c.terminationMessagePolicy, ['File', 'FallbackToLogsOnError']));
  }
  errs.push(...validateResourceRequirements(c.resources, `${path}.resources`));
  return errs;
}

/** ValidateTolerations */
export function validateTolerations(tolerations: unknown, path: string): StatusCause[] {
  const errs: StatusCause[] = [];
  arr(tolerations).forEach((t, i) => {
    const ip = `${path}[${i}]`;
    if (t.key) for (const m of isQualifiedName(t.key)) errs.push(invalid(`${ip}.key`, t.key, m));
    if (!t.key && t.operator !== 'Exists') errs.push(invalid(`${ip}.operator`, t.operator ?? '', 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    if (t.tolerationSeconds != null && t.effect !== 'NoExecute') errs.push(invalid(`${ip}.effect`, t.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    switch (t.operator ?? '') {
      case 'Equal':
      case '': {
        const m = isValidLabelValue(t.value ?? '');
        if (m.length) errs.push(invalid(`${ip}.operator`, t.value ?? '', m.join(';')));
        break;
      }
      case 'Exists':
        if (t.value) errs.push(invalid(`${ip}.operator`, t, "value must be empty when `operator` is 'Exists'"));
        break;
      default:
        errs.push(notSupported(`${ip}.operator`, t.operator, ['Equal', 'Exists']));
    }
    if (t.effect && !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(t.effect)) {
      errs.push(notSupported(`${ip}.effect`, t.effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute']));
    }
  });
  return errs;
}

function validateDNS(spec: KObject, path: string): StatusCause[] {
  const errs: StatusCause[] = [];
  const policy = spec.dnsPolicy;
  const valid = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
  if (!policy) errs.push(required(`${path}.dnsPolicy`));
  else if (!valid.includes(policy)) errs.push(notSupported(`${path}.dnsPolicy`, policy, valid));
  const cfg = spec.dnsConfig;
  if (policy === 'None' && cfg == null) errs.push(required(`${path}.dnsConfig`, 'must provide `dnsConfig` when `dnsPolicy` is None'));
  if (cfg != null) {
    const cp = `${path}.dnsConfig`;
    const ns = strs(cfg.nameservers);
    if (policy === 'None' && ns.length === 0) errs.push(required(`${cp}.nameservers`, 'must provide at least one DNS nameserver when `dnsPolicy` is None'));
    if (ns.length > MAX_DNS_NAMESERVERS) errs.push(invalid(`${cp}.nameservers`, ns, `must not have more than ${MAX_DNS_NAMESERVERS} nameservers`));
    ns.forEach((n, i) => errs.push(...isValidIP(n).map((m) => invalid(`${cp}.nameservers[${i}]`, n, m))));
    const searches = strs(cfg.searches);
    if (searches.length > MAX_DNS_SEARCH_PATHS) errs.push(invalid(`${cp}.searches`, searches, `must not have more than ${MAX_DNS_SEARCH_PATHS} search paths`));
    searches.forEach((s, i) => {
      const name = s === '.' ? s : s.replace(/\.$/, '');
      if (name !== '.') errs.push(...validateDNS1123SubdomainField(name, `${cp}.searches[${i}]`));
    });
    arr(cfg.options).forEach((o, i) => {
      if (!o.name) errs.push(required(`${cp}.options[${i}]`, 'Option.Name must not be empty'));
    });
  }
  return errs;
}

function validateHostPorts(spec: KObject, path: string): StatusCause[] {
  const errs: StatusCause[] = [];
  const seen = new Set<string>();
  for (const key of ['containers', 'initContainers']) {
    arr(spec[key]).forEach((c, ci) => {
      arr(c?.ports).forEach((p, pi) => {
        if (!p.hostPort) return;
        const k = `${p.hostIP ?? ''}/${p.protocol ?? ''}/${p.hostPort}`;
        if (seen.has(k)) errs.push(duplicate(`${path}.${key}[${ci}].ports[${pi}].hostPort`, k));
        seen.add(k);
      });
    });
  }
  if (spec.hostNetwork === true) {
    for (const key of ['containers', 'initContainers']) {
      arr(spec[key]).forEach((c, ci) => {
        arr(c?.ports).forEach((p, pi) => {
          if (p.hostPort && p.hostPort !== p.containerPort) {
            errs.push(invalid(`${path}.${key}[${ci}].ports[${pi}].containerPort`, p.containerPort, 'must match `hostPort` when `hostNetwork` is true'));
          }
        });
      });
    }
  }
  return errs;
}

export interface PodSpecOptions {
  /** the volume source keys (from the defaults module) */
  volumeSourceKeys: readonly string[];
}

/** ValidatePodSpec: the rules shared by Pods and templates (field paths under `path`). */
export function validatePodSpec(spec: unknown, path: string, opts: PodSpecOptions): StatusCause[] {
  const errs: StatusCause[] = [];
  if (!spec || typeof spec !== 'object') return [required(path)];
  const s = spec as KObject;
  const { names: volumes, errs: volErrs } = validateVolumes(s.volumes, `${path}.volumes`, opts.volumeSourceKeys);
  errs.push(...volErrs);
  const allNames = new Set<string>();
  arr(s.initContainers).forEach((c, i) => errs.push(...validateContainer(c, `${path}.initContainers[${i}]`, { volumes, allNames, isInit: true })));
  if (!Array.isArray(s.containers) || s.containers.length === 0) errs.push(required(`${path}.containers`));
  arr(s.containers).forEach((c, i) => errs.push(...validateContainer(c, `${path}.containers[${i}]`, { volumes, allNames, isInit: false })));
  errs.push(...validateHostPorts(s, path));
  const rp = s.restartPolicy;
  if (!rp) errs.push(required(`${path}.restartPolicy`));
  else if (!['Always', 'OnFailure', 'Never'].includes(rp)) errs.push(notSupported(`${path}.restartPolicy`, rp, ['Always', 'OnFailure', 'Never']));
  errs.push(...validateDNS(s, path));
  errs.push(...validateLabels(s.nodeSelector, `${path}.nodeSelector`));
  if (s.serviceAccountName) errs.push(...validateDNS1123SubdomainField(s.serviceAccountName, `${path}.serviceAccountName`));
  if (s.nodeName) errs.push(...validateDNS1123SubdomainField(s.nodeName, `${path}.nodeName`));
  if (s.activeDeadlineSeconds != null) {
    const v = s.activeDeadlineSeconds;
    if (typeof v !== 'number' || v <= 0 || v > 2147483647) errs.push(invalid(`${path}.activeDeadlineSeconds`, v, 'must be between 1 and 2147483647, inclusive'));
  }
  errs.push(...nonNegative(s.terminationGracePeriodSeconds, `${path}.terminationGracePeriodSeconds`));
  if (s.hostname) errs.push(...validateDNS1123LabelField(s.hostname, `${path}.hostname`));
  if (s.subdomain) errs.push(...validateDNS1123LabelField(s.subdomain, `${path}.subdomain`));
  errs.push(...validateTolerations(s.tolerations, `${path}.tolerations`));
  if (s.priorityClassName) errs.push(...validateDNS1123SubdomainField(s.priorityClassName, `${path}.priorityClassName`));
  arr(s.imagePullSecrets).forEach((r, i) => {
    if (!r?.name) errs.push(required(`${path}.imagePullSecrets[${i}].name`));
  });
  arr(s.readinessGates).forEach((g, i) => {
    for (const m of isQualifiedName(g?.conditionType ?? '')) errs.push(invalid(`${path}.readinessGates[${i}].conditionType`, g?.conditionType ?? '', m));
  });
  arr(s.hostAliases).forEach((h, i) => {
    for (const m of isValidIP(h?.ip ?? '')) errs.push(invalid(`${path}.hostAliases[${i}].ip`, h?.ip ?? '', m));
  });
  const sc = s.securityContext;
  if (sc && typeof sc === 'object') {
    for (const f of ['runAsUser', 'runAsGroup', 'fsGroup']) {
      const v = sc[f];
      if (typeof v === 'number' && (v < 0 || v > 2147483647)) errs.push(invalid(`${path}.securityContext.${f}`, v, 'must be between 0 and 2147483647, inclusive'));
    }
  }
  if (Array.isArray(s.topologySpreadConstraints)) {
    s.topologySpreadConstraints.forEach((c: KObject, i: number) => {
      const cp = `${path}.topologySpreadConstraints[${i}]`;
      if (!(typeof c.maxSkew === 'number' && c.maxSkew > 0)) errs.push(invalid(`${cp}.maxSkew`, c.maxSkew ?? 0, 'must be greater than zero'));
      if (!c.topologyKey) errs.push(required(`${cp}.topologyKey`, 'can not be empty'));
      if (!['DoNotSchedule', 'ScheduleAnyway'].includes(c.whenUnsatisfiable)) errs.push(notSupported(`${cp}.whenUnsatisfiable`, c.whenUnsatisfiable ?? '', ['DoNotSchedule', 'ScheduleAnyway']));
    });
  }
  return errs;
}

/** ValidatePodTemplateSpec: template labels/annotations (paths `<path>.labels`, as upstream) and the spec. */
export function validatePodTemplateSpec(template: unknown, path: string, opts: PodSpecOptions): StatusCause[] {
  if (!template || typeof template !== 'object') return [required(path)];
  const t = template as KObject;
  const errs: StatusCause[] = [];
  errs.push(...validateLabels(t.metadata?.labels, `${path}.labels`));
  errs.push(...validateAnnotations(t.metadata?.annotations, `${path}.annotations`));
  errs.push(...validatePodSpec(t.spec, `${path}.spec`, opts));
  if (arr(t.spec?.ephemeralContainers).length > 0) errs.push(forbidden(`${path}.spec.ephemeralContainers`, 'ephemeral containers not allowed in pod template'));
  return errs;
}

/** True when the string is an IP or a CIDR as node/service fields accept. */
export function isValidCIDR(s: string): boolean {
  return isCIDR(s);
}

/** ValidateNonnegativeField on each named numeric field of an object */
export function nonNegativeFields(obj: KObject | undefined, fields: string[], path: string): StatusCause[] {
  if (!obj) return [];
  return fields.flatMap((f) => nonNegative(obj[f], `${path}.${f}`));
}

