// The subsets a Service's Endpoints should hold (pure): ready and not-ready addresses grouped by resolved port set.

import type { KObject } from '../../api/strategy.js';
import { endpointHostname, findPort, isPodReady, podIPs, shouldPodBeInEndpoints } from './endpoint-ports.js';

/** upstream's maxCapacity: Endpoints beyond this many addresses are truncated and annotated */
export const MAX_ENDPOINT_ADDRESSES = 1000;

export interface DesiredSubsets {
  subsets: KObject[];
  /** addresses were dropped to stay within MAX_ENDPOINT_ADDRESSES */
  truncated: boolean;
}

/** The address of the pod for the Service's (first) IP family. */
export function addressFor(pod: KObject, service: KObject): string | undefined {
  const ips = podIPs(pod);
  const v6 = service.spec?.ipFamilies?.[0] === 'IPv6';
  return ips.find((ip) => ip.includes(':') === v6) ?? (service.spec?.ipFamilies?.length ? undefined : ips[0]);
}

/**
 * Every selected pod with an IP becomes an address, ready or not (publishNotReadyAddresses
 * makes them all ready; terminating pods are left out unless it is set), under the ports its
 * containers resolve; pods resolving no port are left out. A headless Service without ports
 * gets port-less subsets. Subsets, addresses and ports come out sorted, so equal inputs give equal output.
 */
export function desiredSubsets(service: KObject, pods: KObject[], maxAddresses = MAX_ENDPOINT_ADDRESSES): DesiredSubsets {
  const publishNotReady = service.spec?.publishNotReadyAddresses === true;
  const svcPorts: KObject[] = Array.isArray(service.spec?.ports) ? service.spec.ports : [];
  const headlessNoPorts = svcPorts.length === 0 && service.spec?.clusterIP === 'None';
  const groups = new Map<string, { ports: KObject[]; ready: KObject[]; notReady: KObject[] }>();
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, publishNotReady)) continue;
    const ip = addressFor(pod, service);
    if (!ip) continue;
    const ports: KObject[] = [];
    for (const sp of svcPorts) {
      const port = findPort(pod, sp);
      if (port === undefined) continue;
      ports.push({ ...(sp.name ? { name: sp.name } : {}), port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
    }
    if (ports.length === 0 && !headlessNoPorts) continue;
    ports.sort(comparePorts);
    const key = JSON.stringify(ports);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ports, ready: [], notReady: [] }));
    const hostname = endpointHostname(pod, service);
    const addr: KObject = {
      ip,
      ...(hostname ? { hostname } : {}),
      ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
      targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
    };
    (publishNotReady || isPodReady(pod) ? g.ready : g.notReady).push(addr);
  }
  let budget = maxAddresses;
  let truncated = false;
  const take = (list: KObject[]) => {
    list.sort(compareAddresses);
    if (list.length <= budget) {
      budget -= list.length;
      return list;
    }
    truncated = true;
    const kept = list.slice(0, budget);
    budget = 0;
    return kept;
  };
  const sorted = [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, g]) => g);
  // ready addresses first, so truncation drops not-ready ones before ready ones
  const ready = sorted.map((g) => take(g.ready));
  const notReady = sorted.map((g) => take(g.notReady));
  const subsets: KObject[] = [];
  sorted.forEach((g, i) => {
    if (ready[i].length === 0 && notReady[i].length === 0) return;
    subsets.push({
      ...(ready[i].length ? { addresses: ready[i] } : {}),
      ...(notReady[i].length ? { notReadyAddresses: notReady[i] } : {}),
      ...(g.ports.length ? { ports: g.ports } : {}),
    });
  });
  return { subsets, truncated };
}

function comparePorts(a: KObject, b: KObject): number {
  const an = a.name ?? '';
  const bn = b.name ?? '';
  return an < bn ? -1 : an > bn ? 1 : a.port - b.port || (a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : 0);
}

function compareAddresses(a: KObject, b: KObject): number {
  return a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : (a.targetRef?.uid ?? '') < (b.targetRef?.uid ?? '') ? -1 : 1;
}

/** Subsets compared by their meaning (field order and absent-vs-empty lists ignored). */
export function subsetsEqual(a: KObject[] | undefined, b: KObject[] | undefined): boolean {
  return canonical(a) === canonical(b);
}

function canonical(subsets: KObject[] | undefined): string {
  const addr = (x: KObject) => [x.ip, x.hostname ?? '', x.nodeName ?? '', x.targetRef?.kind ?? '', x.targetRef?.namespace ?? '', x.targetRef?.name ?? '', x.targetRef?.uid ?? ''];
  const port = (p: KObject) => [p.name ?? '', p.port, p.protocol ?? 'TCP', p.appProtocol ?? ''];
  return JSON.stringify((subsets ?? []).map((s) => [(s.addresses ?? []).map(addr), (s.notReadyAddresses ?? []).map(addr), (s.ports ?? []).map(port)]));
}
