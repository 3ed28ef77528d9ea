// Endpoints: defaults (port protocol), validation of subsets, table ("10.0.0.1:80,… + N more...").

import type { StatusCause } from '../status.js';
import type { KindStrategy, KObject } from '../strategy.js';
import { invalid, notSupported, objs, required } from '../validation/field.js';
import { isIPv4, isIPv6, isValidIP, isValidPortNum } from '../validation/names.js';
import { validateDNS1123LabelField, validateDNS1123SubdomainField } from '../validation/pod-spec.js';
import { AGE_COLUMN, NAME_COLUMN, ageOf, col, nameOf } from './table.js';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

/** ValidateEndpointIP's special-range rules (applied after the IP parses) */
export function endpointIPErrors(ip: string, path: string): StatusCause[] {
  const errs: StatusCause[] = [];
  const v4 = isIPv4(ip);
  const first = v4 ? Number(ip.split('.')[0]) : -1;
  if (ip === '0.0.0.0' || /^[0:]+$/.test(ip)) errs.push(invalid(path, ip, `may not be unspecified (${ip})`));
  if ((v4 && first === 127) || /^(0{0,4}:){2,7}0{0,3}1$|^::1$/.test(ip)) errs.push(invalid(path, ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  if ((v4 && ip.startsWith('169.254.')) || (!v4 && /^fe[89ab][0-9a-f]?:/i.test(ip))) errs.push(invalid(path, ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  if ((v4 && ip.startsWith('224.0.0.')) || (!v4 && /^ff[0-9a-f]2:/i.test(ip))) errs.push(invalid(path, ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  return errs;
}

function validateAddress(a: KObject, path: string): StatusCause[] {
  const errs: StatusCause[] = [];
  const m = isValidIP(String(a.ip ?? ''));
  if (m.length) errs.push(invalid(`${path}.ip`, a.ip ?? '', m[0]));
  else errs.push(...endpointIPErrors(a.ip, `${path}.ip`));
  if (a.hostname) errs.push(...validateDNS1123LabelField(a.hostname, `${path}.hostname`));
  if (a.nodeName) errs.push(...validateDNS1123SubdomainField(a.nodeName, `${path}.nodeName`));
  return errs;
}

export function validateEndpoints(ep: KObject): StatusCause[] {
  const errs: StatusCause[] = [];
  objs(ep.subsets).forEach((ss: KObject, i: number) => {
    const sp = `subsets[${i}]`;
    const addrs = objs(ss.addresses);
    const notReady = objs(ss.notReadyAddresses);
    if (addrs.length === 0 && notReady.length === 0) errs.push(required(sp, 'must specify `addresses` or `notReadyAddresses`'));
    addrs.forEach((a, j) => errs.push(...validateAddress(a, `${sp}.addresses[${j}]`)));
    notReady.forEach((a, j) => errs.push(...validateAddress(a, `${sp}.notReadyAddresses[${j}]`)));
    const ports = objs(ss.ports);
    ports.forEach((p, j) => {
      const pp = `${sp}.ports[${j}]`;
      if (ports.length > 1 && !p.name) errs.push(required(`${pp}.name`));
      else if (p.name) errs.push(...validateDNS1123LabelField(p.name, `${pp}.name`));
      errs.push(...isValidPortNum(p.port).map((m) => invalid(`${pp}.port`, p.port ?? 0, m)));
      if (!p.protocol) errs.push(required(`${pp}.protocol`));
      else if (!PROTOCOLS.includes(p.protocol)) errs.push(notSupported(`${pp}.protocol`, p.protocol, PROTOCOLS));
    });
  });
  return errs;
}

/** formatEndpoints: up to three "ip:port" (or bare IPs for port-less subsets), then "+ N more..." */
export function endpointsCell(ep: KObject): string {
  const subsets = objs(ep.subsets);
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addrs = objs(ss.addresses);
    const ports = objs(ss.ports);
    if (ports.length === 0) {
      count += addrs.length;
      for (const a of addrs) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(a.ip);
      }
      continue;
    }
    for (const p of ports) {
      count += addrs.length;
      for (const a of addrs) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(isIPv6(a.ip) ? `[${a.ip}]:${p.port}` : `${a.ip}:${p.port}`);
      }
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${count - max} more...` : ret;
}

export const endpointsStrategy: KindStrategy = {
  defaults(ep) {
    for (const ss of Array.isArray(ep.subsets) ? ep.subsets : []) {
      for (const p of Array.isArray(ss?.ports) ? ss.ports : []) if (p && typeof p === 'object') p.protocol ||= 'TCP';
    }
  },
  validate: validateEndpoints,
  table: {
    columns: [NAME_COLUMN, col('Endpoints', 'string', 'Addresses and ports of the endpoints.'), AGE_COLUMN],
    cells(ep, now) {
      return [nameOf(ep), endpointsCell(ep), ageOf(ep, now)];
    },
  },
};
