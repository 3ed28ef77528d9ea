// EndpointSlice (discovery.k8s.io/v1): defaults, validation, generation bookkeeping, table.

import type { StatusCause } from '../status.js';
import type { KindStrategy, KObject } from '../strategy.js';
import { duplicate, fillNulls, immutable, invalid, notSupported, objs, required, semanticEqual, strs, tooMany } from '../validation/field.js';
import { isDNS1123Subdomain, isIPv4, isIPv6, isQualifiedName } from '../validation/names.js';
import { validateDNS1123LabelField, validateDNS1123SubdomainField } from '../validation/pod-spec.js';
import { AGE_COLUMN, NAME_COLUMN, ageOf, col, listWithMore, nameOf } from './table.js';

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

export function validateEndpointSlice(eps: KObject): StatusCause[] {
  const errs: StatusCause[] = [];
  const at = eps.addressType ?? '';
  if (!at) errs.push(required('addressType'));
  else if (!ADDRESS_TYPES.includes(at)) errs.push(notSupported('addressType', at, ADDRESS_TYPES));
  const endpoints = objs(eps.endpoints);
  if (endpoints.length > 1000) errs.push(tooMany('endpoints', endpoints.length, 1000));
  endpoints.forEach((ep, i) => {
    const p = `endpoints[${i}]`;
    const addrs = strs(ep.addresses);
    if (addrs.length === 0) errs.push(required(`${p}.addresses`, 'must contain at least 1 address'));
    else if (addrs.length > 100) errs.push(tooMany(`${p}.addresses`, addrs.length, 100));
    addrs.forEach((a, j) => {
      const ap = `${p}.addresses[${j}]`;
      if (at === 'IPv4' && !isIPv4(a)) errs.push(invalid(ap, a, 'must be a valid IPv4 address'));
      if (at === 'IPv6' && !isIPv6(a)) errs.push(invalid(ap, a, 'must be a valid IPv6 address'));
      if (at === 'FQDN') for (const m of isDNS1123Subdomain(a)) errs.push(invalid(ap, a, m));
    });
    if (ep.nodeName) errs.push(...validateDNS1123SubdomainField(ep.nodeName, `${p}.nodeName`));
    if (ep.hostname) errs.push(...validateDNS1123LabelField(ep.hostname, `${p}.hostname`));
  });
  const ports = objs(eps.ports);
  if (ports.length > 100) errs.push(tooMany('ports', ports.length, 100));
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const p = `ports[${i}]`;
    const name = port.name ?? '';
    if (name) errs.push(...validateDNS1123LabelField(name, `${p}.name`));
    if (names.has(name)) errs.push(duplicate(`${p}.name`, name));
    names.add(name);
    if (!port.protocol) errs.push(required(`${p}.protocol`));
    else if (!PROTOCOLS.includes(port.protocol)) errs.push(notSupported(`${p}.protocol`, port.protocol, PROTOCOLS));
    if (port.appProtocol != null) for (const m of isQualifiedName(port.appProtocol)) errs.push(invalid(`${p}.appProtocol`, port.appProtocol, m));
  });
  return errs;
}

function content(eps: KObject): KObject {
  const { metadata: _m, kind: _k, apiVersion: _a, ...rest } = eps;
  return rest;
}

export const endpointSliceStrategy: KindStrategy = {
  defaults(eps) {
    for (const p of fillNulls(eps.ports)) {
      if (p.name == null) p.name = '';
      p.protocol ||= 'TCP';
    }
  },
  validate(eps, old) {
    const errs = validateEndpointSlice(eps);
    if (old) errs.push(...immutable(eps.addressType ?? '', old.addressType ?? '', 'addressType'));
    return errs;
  },
  prepareForCreate(eps) {
    eps.metadata ??= {};
    eps.metadata.generation = 1;
  },
  /** any change besides metadata (or a label change) bumps the generation */
  prepareForUpdate(eps, old) {
    eps.metadata ??= {};
    const oldGen = old?.metadata?.generation ?? 0;
    const changed = !semanticEqual(content(eps), content(old)) || !semanticEqual(eps.metadata.labels, old?.metadata?.labels);
    eps.metadata.generation = changed ? oldGen + 1 : oldGen;
  },
  table: {
    columns: [
      NAME_COLUMN,
      col('AddressType', 'string', 'The type of the addresses.'),
      col('Ports', 'string', 'The ports of the slice.'),
      col('Endpoints', 'string', 'The addresses of the endpoints.'),
      AGE_COLUMN,
    ],
    cells(eps, now) {
      const max = 3;
      const ports: string[] = [];
      let pmore = false;
      let pcount = 0;
      for (const p of Array.isArray(eps.ports) ? eps.ports : []) {
        if (ports.length < max) ports.push(p?.port != null ? String(p.port) : p?.name != null ? p.name : '*');
        else pmore = true;
        pcount++;
      }
      const addrs: string[] = [];
      let amore = false;
      let acount = 0;
      for (const ep of Array.isArray(eps.endpoints) ? eps.endpoints : []) {
        for (const a of Array.isArray(ep?.addresses) ? ep.addresses : []) {
          if (addrs.length < max) addrs.push(a);
          else amore = true;
          acount++;
        }
      }
      return [nameOf(eps), eps.addressType ?? '', listWithMore(ports, pmore, pcount, max), listWithMore(addrs, amore, acount, max), ageOf(eps, now)];
    },
  },
};
