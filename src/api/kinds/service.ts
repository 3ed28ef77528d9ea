// Service: defaults (type, ports, traffic policies, IP families), validation, update normalisation, table.

import type { StatusCause } from '../status.js';
import type { KindStrategy, KObject } from '../strategy.js';
import {
  duplicate, fillNulls, forbidden, goQuote, objs, strs, goRepr, goStringSlice, invalid, notSupported, required, deepEqual,
} from '../validation/field.js';
import { isIPv6, isQualifiedName, isValidIP, isValidPortNum } from '../validation/names.js';
import { validateLabels } from '../validation/object-meta.js';
import { validateDNS1123LabelField, validateDNS1123SubdomainField, validatePortNumOrName } from '../validation/pod-spec.js';
import { formatLabels } from '../labels.js';
import { endpointIPErrors } from './endpoints.js';
import { AGE_COLUMN, NAME_COLUMN, ageOf, col, nameOf } from './table.js';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const KUBELET_PORT = 10250;
const MAX_CLIENT_IP_AFFINITY_SECONDS = 86400;

function ports(svc: KObject): KObject[] {
  return objs(svc?.spec?.ports);
}

function isHeadless(svc: KObject): boolean {
  const ips = svc?.spec?.clusterIPs;
  return Array.isArray(ips) && ips.length === 1 && ips[0] === 'None';
}

/** LoadBalancer, NodePort, or a ClusterIP service with externalIPs */
export function externallyAccessible(svc: KObject): boolean {
  const t = svc?.spec?.type;
  return t === 'LoadBalancer' || t === 'NodePort' || (t === 'ClusterIP' && Array.isArray(svc.spec.externalIPs) && svc.spec.externalIPs.length > 0);
}

function needsClusterIP(svc: KObject): boolean {
  return svc?.spec?.type !== 'ExternalName';
}

/** Whether the service's ports get node ports allocated. */
export function needsNodePort(svc: KObject): boolean {
  const t = svc?.spec?.type;
  return t === 'NodePort' || (t === 'LoadBalancer' && svc.spec.allocateLoadBalancerNodePorts !== false);
}

function needsHCNodePort(svc: KObject): boolean {
  return svc?.spec?.type === 'LoadBalancer' && svc.spec.externalTrafficPolicy === 'Local';
}

function defaultIPFamilies(spec: KObject): void {
  if (spec.type === 'ExternalName') return;
  const headlessSelectorless = spec.clusterIP === 'None' && Object.keys(spec.selector ?? {}).length === 0;
  if (spec.ipFamilyPolicy == null) spec.ipFamilyPolicy = headlessSelectorless ? 'RequireDualStack' : 'SingleStack';
  if (!Array.isArray(spec.ipFamilies) || spec.ipFamilies.length === 0) {
    const ips: string[] = Array.isArray(spec.clusterIPs) && spec.clusterIPs.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : [];
    const fams = ips.filter((ip) => ip && ip !== 'None').map((ip) => (isIPv6(ip) ? 'IPv6' : 'IPv4'));
    spec.ipFamilies = fams.length ? fams : ['IPv4'];
  }
}

/** upstream's normalizeClusterIPs: keeps clusterIP and clusterIPs in step for old and new clients. */
export function normalizeClusterIPs(svc: KObject, old?: KObject): void {
  const spec: KObject = svc.spec ?? {};
  const ips = () => (Array.isArray(spec.clusterIPs) ? spec.clusterIPs : []);
  if (!old) {
    if (spec.clusterIP && ips().length === 0) spec.clusterIPs = [spec.clusterIP];
    return;
  }
  const os: KObject = old.spec ?? {};
  const oldIPs: string[] = Array.isArray(os.clusterIPs) ? os.clusterIPs : [];
  const same = () => deepEqual(ips(), oldIPs);
  if (oldIPs.length > 0 && ips().length === 0 && (os.clusterIP ?? '') === (spec.clusterIP ?? '')) spec.clusterIPs = oldIPs;
  if ((os.clusterIP ?? '') !== (spec.clusterIP ?? '')) {
    if (os.clusterIP && !spec.clusterIP) {
      if (same()) delete spec.clusterIPs;
    } else if (same()) {
      spec.clusterIPs = [spec.clusterIP];
    }
  }
}

/** upstream's patchAllocatedValues: an update that omits allocated values (cluster IPs, node ports) keeps them. */
function patchAllocatedValues(svc: KObject, old: KObject): void {
  const spec: KObject = svc.spec ?? {};
  const os: KObject = old.spec ?? {};
  if (needsClusterIP(old) && needsClusterIP(svc)) {
    if (!spec.clusterIP && os.clusterIP) spec.clusterIP = os.clusterIP;
    if ((!Array.isArray(spec.clusterIPs) || spec.clusterIPs.length === 0) && Array.isArray(os.clusterIPs) && os.clusterIPs.length > 0) spec.clusterIPs = [...os.clusterIPs];
  }
  if (needsNodePort(old) && needsNodePort(svc)) {
    const usedIn = (s: KObject) => new Set(ports(s).map((p) => p.nodePort).filter((n) => n));
    const newUsed = usedIn(svc);
    const used = new Set([...usedIn(old)].filter((n) => newUsed.has(n)));
    const byName = new Map<string, number>();
    for (const p of ports(old)) byName.set(p.name ?? '', p.nodePort ?? 0);
    for (const p of ports(svc)) {
      if (!p.nodePort) {
        const v = byName.get(p.name ?? '') ?? 0;
        if (v && !used.has(v)) p.nodePort = v;
      }
    }
  }
  if (needsHCNodePort(old) && needsHCNodePort(svc) && !spec.healthCheckNodePort && os.healthCheckNodePort) spec.healthCheckNodePort = os.healthCheckNodePort;
}

/** upstream's dropTypeDependentFields: switching type wipes values that no longer apply, unless the user changed them. */
function dropTypeDependentFields(svc: KObject, old: KObject): void {
  const spec: KObject = svc.spec ?? {};
  const os: KObject = old.spec ?? {};
  if (needsClusterIP(old) && !needsClusterIP(svc)) {
    if ((spec.clusterIP ?? '') === (os.clusterIP ?? '') && deepEqual(spec.clusterIPs ?? [], os.clusterIPs ?? [])) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    if (deepEqual(spec.ipFamilies ?? [], os.ipFamilies ?? [])) delete spec.ipFamilies;
    if ((spec.ipFamilyPolicy ?? null) === (os.ipFamilyPolicy ?? null)) delete spec.ipFamilyPolicy;
  }
  if (needsNodePort(old) && !needsNodePort(svc)) {
    const np = (s: KObject) => ports(s).map((p) => p.nodePort ?? 0);
    if (deepEqual(np(svc), np(old))) for (const p of ports(svc)) delete p.nodePort;
  }
  if (os.type === 'LoadBalancer' && spec.type !== 'LoadBalancer') {
    if (spec.allocateLoadBalancerNodePorts != null && spec.allocateLoadBalancerNodePorts === os.allocateLoadBalancerNodePorts) delete spec.allocateLoadBalancerNodePorts;
    if (spec.loadBalancerClass != null && spec.loadBalancerClass === os.loadBalancerClass) delete spec.loadBalancerClass;
  }
  if (needsHCNodePort(old) && !needsHCNodePort(svc) && spec.healthCheckNodePort === os.healthCheckNodePort) delete spec.healthCheckNodePort;
  if (externallyAccessible(old) && !externallyAccessible(svc) && spec.externalTrafficPolicy === os.externalTrafficPolicy) delete spec.externalTrafficPolicy;
  if (spec.type !== 'LoadBalancer' && svc.status && typeof svc.status === 'object') svc.status.loadBalancer = {};
}

function goServicePort(p: KObject): string {
  return `core.ServicePort{Name:"", Protocol:${goQuote(p.protocol ?? '')}, AppProtocol:(*string)(nil), Port:${p.port ?? 0}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`;
}

function validateClusterIPFields(svc: KObject): StatusCause[] {
  const errs: StatusCause[] = [];
  const spec: KObject = svc.spec ?? {};
  if (spec.type === 'ExternalName') return errs;
  const ips = strs(spec.clusterIPs);
  if (spec.clusterIP) {
    if (ips.length === 0) errs.push(required('spec.clusterIPs'));
    else if (ips[0] !== spec.clusterIP) errs.push(invalid('spec.clusterIPs', ips, 'first value must match `clusterIP`'));
  } else if (ips.length !== 0) {
    errs.push(invalid('spec.clusterIPs', ips, 'must be empty when `clusterIP` is not specified'));
  }
  const seen = new Set<string>();
  strs(spec.ipFamilies).forEach((f: string, i: number) => {
    if (f !== 'IPv4' && f !== 'IPv6') errs.push(notSupported(`spec.ipFamilies[${i}]`, f, ['IPv4', 'IPv6']));
    if (seen.has(f)) errs.push(duplicate(`spec.ipFamilies[${i}]`, f));
    seen.add(f);
  });
  if (spec.ipFamilyPolicy != null && !['PreferDualStack', 'RequireDualStack', 'SingleStack'].includes(spec.ipFamilyPolicy)) {
    errs.push(notSupported('spec.ipFamilyPolicy', spec.ipFamilyPolicy, ['PreferDualStack', 'RequireDualStack', 'SingleStack']));
  }
  let bad = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1) {
        bad = true;
        errs.push(invalid('spec.clusterIPs', ips, "'None' must be the first and only value"));
      }
      return;
    }
    const m = isValidIP(ip);
    if (m.length) {
      bad = true;
      errs.push(invalid(`spec.clusterIPs[${i}]`, ip, m[0]));
    }
  });
  if (ips.length > 2) errs.push(invalid('spec.clusterIPs', ips, 'may only hold up to 2 values'));
  if (bad) return errs;
  if (ips.length > 1 && isIPv6(ips[0]) === isIPv6(ips[1])) errs.push(invalid('spec.clusterIPs', ips, 'may specify no more than one IP for each IP family'));
  const fams = strs(spec.ipFamilies);
  if (!isHeadless(svc) && ips.length > 0 && fams.length > 0) {
    ips.forEach((ip, i) => {
      if (i > fams.length - 1) return;
      if (fams[i] === 'IPv4' && isIPv6(ip)) errs.push(invalid(`spec.clusterIPs[${i}]`, ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      if (fams[i] === 'IPv6' && !isIPv6(ip)) errs.push(invalid(`spec.clusterIPs[${i}]`, ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
    });
  }
  return errs;
}

/** ValidateService (create and update share it). */
export function validateServiceSpec(svc: KObject): StatusCause[] {
  const errs: StatusCause[] = [];
  const spec: KObject = svc.spec ?? {};
  const ps = ports(svc);
  const headless = isHeadless(svc);
  if (ps.length === 0 && !headless && spec.type !== 'ExternalName') errs.push(required('spec.ports'));
  switch (spec.type) {
    case 'LoadBalancer':
      if (headless) errs.push(invalid('spec.clusterIPs[0]', spec.clusterIPs[0], "may not be set to 'None' for LoadBalancer services"));
      ps.forEach((p, i) => {
        if (p.port === KUBELET_PORT) errs.push(invalid(`spec.ports[${i}]`, p.port, `may not expose port ${KUBELET_PORT} externally since it is used by kubelet`));
      });
      break;
    case 'NodePort':
      if (headless) errs.push(invalid('spec.clusterIPs[0]', spec.clusterIPs[0], "may not be set to 'None' for NodePort services"));
      break;
    case 'ExternalName': {
      if (Array.isArray(spec.clusterIPs) && spec.clusterIPs.length > 0) errs.push(forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
      if (Array.isArray(spec.ipFamilies) && spec.ipFamilies.length > 0) errs.push(forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
      if (spec.ipFamilyPolicy != null) errs.push(forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
      const cname = String(spec.externalName ?? '').replace(/\.$/, '');
      if (cname) errs.push(...validateDNS1123SubdomainField(cname, 'spec.externalName'));
      else errs.push(required('spec.externalName'));
      break;
    }
    default:
      break;
  }
  const names = new Set<string>();
  ps.forEach((p, i) => {
    const pp = `spec.ports[${i}]`;
    if (ps.length > 1 && !p.name) errs.push(required(`${pp}.name`));
    else if (p.name) {
      errs.push(...validateDNS1123LabelField(p.name, `${pp}.name`));
      if (names.has(p.name)) errs.push(duplicate(`${pp}.name`, p.name));
      else names.add(p.name);
    }
    errs.push(...isValidPortNum(p.port).map((m) => invalid(`${pp}.port`, p.port ?? 0, m)));
    if (!p.protocol) errs.push(required(`${pp}.protocol`));
    else if (!PROTOCOLS.includes(p.protocol)) errs.push(notSupported(`${pp}.protocol`, p.protocol, PROTOCOLS));
    errs.push(...validatePortNumOrName(p.targetPort ?? 0, `${pp}.targetPort`));
    if (p.appProtocol != null) for (const m of isQualifiedName(p.appProtocol)) errs.push(invalid(`${pp}.appProtocol`, p.appProtocol, m));
  });
  if (spec.selector != null) errs.push(...validateLabels(spec.selector, 'spec.selector'));
  if (!spec.sessionAffinity) errs.push(required('spec.sessionAffinity'));
  else if (!['ClientIP', 'None'].includes(spec.sessionAffinity)) errs.push(notSupported('spec.sessionAffinity', spec.sessionAffinity, ['ClientIP', 'None']));
  if (spec.sessionAffinity === 'ClientIP') {
    const cfg = spec.sessionAffinityConfig;
    if (!cfg?.clientIP) errs.push(required('spec.sessionAffinityConfig.clientIP', 'when session affinity type is ClientIP'));
    else {
      const t = cfg.clientIP.timeoutSeconds;
      if (t == null) errs.push(required('spec.sessionAffinityConfig.clientIP.timeoutSeconds', 'when session affinity type is ClientIP'));
      else if (t <= 0 || t > MAX_CLIENT_IP_AFFINITY_SECONDS) errs.push(invalid('spec.sessionAffinityConfig.clientIP.timeoutSeconds', t, `must be greater than 0 and less than ${MAX_CLIENT_IP_AFFINITY_SECONDS}`));
    }
  } else if (spec.sessionAffinity === 'None' && spec.sessionAffinityConfig != null) {
    errs.push(forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None'));
  }
  errs.push(...validateClusterIPFields(svc));
  strs(spec.externalIPs).forEach((ip: string, i: number) => {
    const m = isValidIP(ip);
    if (m.length) errs.push(invalid(`spec.externalIPs[${i}]`, ip, m[0]));
    else errs.push(...endpointIPErrors(ip, `spec.externalIPs[${i}]`));
  });
  if (!spec.type) errs.push(required('spec.type'));
  else if (!SERVICE_TYPES.includes(spec.type)) errs.push(notSupported('spec.type', spec.type, SERVICE_TYPES));
  if (spec.type === 'ClusterIP') {
    ps.forEach((p, i) => {
      if (p.nodePort) errs.push(forbidden(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'"));
    });
  }
  const nodePorts = new Set<string>();
  ps.forEach((p, i) => {
    if (!p.nodePort) return;
    const k = `${p.protocol}/${p.nodePort}`;
    if (nodePorts.has(k)) errs.push(duplicate(`spec.ports[${i}].nodePort`, p.nodePort));
    nodePorts.add(k);
  });
  const seenPorts = new Set<string>();
  ps.forEach((p, i) => {
    const k = `${p.protocol}/${p.port}`;
    if (seenPorts.has(k)) errs.push(duplicate(`spec.ports[${i}]`, goRepr(goServicePort(p))));
    seenPorts.add(k);
  });
  if (!externallyAccessible(svc)) {
    if (spec.externalTrafficPolicy) errs.push(invalid('spec.externalTrafficPolicy', spec.externalTrafficPolicy, 'may only be set for externally-accessible services'));
  } else if (!spec.externalTrafficPolicy) {
    errs.push(required('spec.externalTrafficPolicy'));
  } else if (!['Cluster', 'Local'].includes(spec.externalTrafficPolicy)) {
    errs.push(notSupported('spec.externalTrafficPolicy', spec.externalTrafficPolicy, ['Cluster', 'Local']));
  }
  if (spec.healthCheckNodePort && !needsHCNodePort(svc)) errs.push(forbidden('spec.healthCheckNodePort', 'may only be set when `type` is \'LoadBalancer\' and `externalTrafficPolicy` is \'Local\''));
  if (spec.internalTrafficPolicy == null) {
    if (['NodePort', 'LoadBalancer', 'ClusterIP'].includes(spec.type)) errs.push(required('spec.internalTrafficPolicy'));
  } else if (!['Cluster', 'Local'].includes(spec.internalTrafficPolicy)) {
    errs.push(notSupported('spec.internalTrafficPolicy', spec.internalTrafficPolicy, ['Cluster', 'Local']));
  }
  if (spec.type !== 'LoadBalancer' && spec.allocateLoadBalancerNodePorts != null) errs.push(forbidden('spec.allocateLoadBalancerNodePorts', 'may only be used when `type` is \'LoadBalancer\''));
  if (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts == null) errs.push(required('spec.allocateLoadBalancerNodePorts'));
  return errs;
}

function validateServiceUpdate(svc: KObject, old: KObject): StatusCause[] {
  const errs: StatusCause[] = [];
  const spec: KObject = svc.spec ?? {};
  const os: KObject = old.spec ?? {};
  if (spec.type === 'ExternalName' || os.type === 'ExternalName') return errs;
  const newHeadless = isHeadless(svc);
  const oldHeadless = isHeadless(old);
  const ips = strs(spec.clusterIPs);
  const oldIPs = strs(os.clusterIPs);
  if (!(oldHeadless && newHeadless)) {
    if (oldIPs.length === ips.length) {
      oldIPs.forEach((ip, i) => {
        if (ip !== ips[i]) errs.push(invalid(`spec.clusterIPs[${i}]`, ips, 'may not change once set'));
      });
    } else if (oldIPs.length > ips.length) {
      if (ips.length === 0) errs.push(invalid('spec.clusterIPs[0]', ips, 'primary clusterIP can not be unset'));
      if (oldIPs.length > 0 && ips.length > 0 && ips[0] !== oldIPs[0]) errs.push(invalid('spec.clusterIPs[0]', ips, 'may not change once set'));
      if (ips.length === 1 && spec.ipFamilyPolicy !== 'SingleStack') errs.push(invalid('spec.clusterIPs[0]', ips, "`ipFamilyPolicy` must be set to 'SingleStack' when releasing the secondary clusterIP"));
    } else if (oldIPs.length > 0 && ips[0] !== oldIPs[0]) {
      errs.push(invalid('spec.clusterIPs[0]', ips, 'may not change once set'));
    }
  }
  if (newHeadless === oldHeadless && !newHeadless) {
    const fams = strs(spec.ipFamilies);
    const oldFams = strs(os.ipFamilies);
    if (oldFams.length === fams.length) {
      oldFams.forEach((f, i) => {
        if (f !== fams[i]) errs.push(invalid('spec.ipFamilies[0]', goStringSlice(fams).replace('[]string', '[]core.IPFamily'), 'may not change once set'));
      });
    } else if (oldFams.length > fams.length) {
      if (fams.length > 0 && fams[0] !== oldFams[0]) errs.push(invalid('spec.ipFamilies[0]', ips, 'may not change once set'));
      if (fams.length === 1 && spec.ipFamilyPolicy !== 'SingleStack') errs.push(invalid('spec.clusterIPs[0]', ips, "`ipFamilyPolicy` must be set to 'SingleStack' when releasing the secondary ipFamily"));
    } else if (oldFams.length > 0 && fams[0] !== oldFams[0]) {
      errs.push(invalid('spec.ipFamilies[0]', ips, 'may not change once set'));
    }
  }
  return errs;
}

/** NodePort values outside the configured range, worded like upstream's allocator. */
export function validateNodePortRange(svc: KObject, range: { base: number; size: number }): StatusCause[] {
  const errs: StatusCause[] = [];
  const max = range.base + range.size - 1;
  ports(svc).forEach((p, i) => {
    if (p.nodePort && (p.nodePort < range.base || p.nodePort > max)) {
      errs.push(invalid(`spec.ports[${i}].nodePort`, p.nodePort, `provided port is not in the valid range. The range of valid ports is ${range.base}-${max}`));
    }
  });
  return errs;
}

function externalIPCell(svc: KObject): string {
  const spec: KObject = svc.spec ?? {};
  const ext = strs(spec.externalIPs);
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return ext.length ? ext.join(',') : '<none>';
    case 'LoadBalancer': {
      const set = new Set<string>();
      for (const ing of svc.status?.loadBalancer?.ingress ?? []) {
        if (ing?.ip) set.add(ing.ip);
        else if (ing?.hostname) set.add(ing.hostname);
      }
      // the server prints wide output, where the list is not truncated
      const lb = [...set].sort().join(',');
      if (ext.length) return [...(lb ? lb.split(',') : []), ...ext].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
    default:
      return '<unknown>';
  }
}

/** makePortString: "80/TCP", "80:30080/TCP", comma-joined */
export function servicePortsCell(svc: KObject): string {
  const s = ports(svc).map((p) => (p.nodePort > 0 ? `${p.port}:${p.nodePort}/${p.protocol}` : `${p.port}/${p.protocol}`)).join(',');
  return s || '<none>';
}

export const serviceStrategy: KindStrategy = {
  defaults(svc) {
    const spec: KObject = (svc.spec ??= {});
    spec.sessionAffinity ||= 'None';
    if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
    if (spec.sessionAffinity === 'ClientIP' && spec.sessionAffinityConfig?.clientIP?.timeoutSeconds == null) {
      spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
    }
    spec.type ||= 'ClusterIP';
    for (const p of fillNulls(spec.ports)) {
      p.protocol ||= 'TCP';
      if (p.targetPort === undefined || p.targetPort === null || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
    }
    if (externallyAccessible(svc) && !spec.externalTrafficPolicy) spec.externalTrafficPolicy = 'Cluster';
    if (spec.internalTrafficPolicy == null && ['NodePort', 'LoadBalancer', 'ClusterIP'].includes(spec.type)) spec.internalTrafficPolicy = 'Cluster';
    if (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts == null) spec.allocateLoadBalancerNodePorts = true;
    if (spec.clusterIP && (!Array.isArray(spec.clusterIPs) || spec.clusterIPs.length === 0)) spec.clusterIPs = [spec.clusterIP];
    defaultIPFamilies(spec);
    if (!svc.status || typeof svc.status !== 'object') svc.status = {};
    if (!svc.status.loadBalancer) svc.status.loadBalancer = {};
  },

  validate(svc, old) {
    const errs = validateServiceSpec(svc);
    return old ? [...validateServiceUpdate(svc, old), ...errs] : errs;
  },

  prepareForCreate(svc) {
    svc.status = { loadBalancer: {} };
    normalizeClusterIPs(svc);
  },

  prepareForUpdate(svc, old) {
    svc.spec ??= {};
    patchAllocatedValues(svc, old);
    normalizeClusterIPs(svc, old);
    dropTypeDependentFields(svc, old);
    if (svc.spec.type !== 'ExternalName') defaultIPFamilies(svc.spec);
  },

  selectableFields(svc) {
    return { 'spec.clusterIP': svc?.spec?.clusterIP ?? '', 'spec.type': svc?.spec?.type ?? '' };
  },

  table: {
    columns: [
      NAME_COLUMN,
      col('Type', 'string', 'How the service is exposed.'),
      col('Cluster-IP', 'string', 'The virtual IP of the service.'),
      col('External-IP', 'string', 'Addresses the service is reachable on from outside the cluster.'),
      col('Port(s)', 'string', 'Service ports, with node ports.'),
      AGE_COLUMN,
      col('Selector', 'string', 'Labels of the pods the service routes to.', 1),
    ],
    cells(svc, now) {
      const spec: KObject = svc.spec ?? {};
      const clusterIP = Array.isArray(spec.clusterIPs) && spec.clusterIPs.length ? spec.clusterIPs[0] : '<none>';
      return [nameOf(svc), spec.type ?? '', clusterIP, externalIPCell(svc), servicePortsCell(svc), ageOf(svc, now), formatLabels(spec.selector)];
    },
  },
};

