// EndpointSlice planning (pure): the endpoints a Service should have, and the creates/updates/deletes that get its slices there.

import type { KObject } from '../../api/strategy.js';
import { endpointHostname, findPort, isPodReady, podIPs, shouldPodBeInEndpoints } from '../endpoints/endpoint-ports.js';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';
export const ZONE_LABEL = 'topology.kubernetes.io/zone';

/** One group of endpoints that can share slices: same address type and same resolved ports. */
interface Group {
  addressType: string;
  ports: KObject[];
  /** endpoint key → endpoint */
  endpoints: Map<string, KObject>;
}

export interface SlicePlan {
  create: KObject[];
  /** existing slices with their new content (same name and resourceVersion) */
  update: KObject[];
  delete: KObject[];
}

/**
 * The endpoints of every selected pod with an address of a family the Service serves,
 * terminating ones included (conditions say so: ready = (podReady ∧ ¬terminating) ∨
 * publishNotReadyAddresses, serving = podReady ∨ publishNotReadyAddresses), grouped by address
 * type and resolved port set.
 */
export function desiredGroups(service: KObject, pods: KObject[], zoneOf: (nodeName: string) => string | undefined): Map<string, Group> {
  const publishNotReady = service.spec?.publishNotReadyAddresses === true;
  const svcPorts: KObject[] = Array.isArray(service.spec?.ports) ? service.spec.ports : [];
  const families: string[] = Array.isArray(service.spec?.ipFamilies) && service.spec.ipFamilies.length ? service.spec.ipFamilies : ['IPv4'];
  const groups = new Map<string, Group>();
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const ports: KObject[] = [];
    for (const sp of svcPorts) {
      const port = findPort(pod, sp);
      if (port === undefined) continue;
      ports.push({ name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
    }
    if (svcPorts.length > 0 && ports.length === 0) continue;
    ports.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.port - b.port));
    const podReady = isPodReady(pod);
    const terminating = !!pod.metadata?.deletionTimestamp;
    const nodeName: string | undefined = pod.spec?.nodeName || undefined;
    const zone = nodeName ? zoneOf(nodeName) : undefined;
    const hostname = endpointHostname(pod, service);
    for (const family of families) {
      const ip = podIPs(pod).find((a) => a.includes(':') === (family === 'IPv6'));
      if (!ip) continue;
      const key = `${family}|${JSON.stringify(ports)}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { addressType: family, ports, endpoints: new Map() }));
      const ep: KObject = {
        addresses: [ip],
        conditions: { ready: publishNotReady || (podReady && !terminating), serving: publishNotReady || podReady, terminating },
        ...(hostname ? { hostname } : {}),
        targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
        ...(nodeName ? { nodeName } : {}),
        ...(zone ? { zone } : {}),
      };
      g.endpoints.set(endpointKey(ep), ep);
    }
  }
  return groups;
}

/** The labels every slice of the Service carries: the Service's own, plus service-name, managed-by and headless. */
export function sliceLabels(service: KObject): Record<string, string> {
  const labels: Record<string, string> = { ...(service.metadata?.labels ?? {}) };
  delete labels[HEADLESS_LABEL];
  labels[SERVICE_NAME_LABEL] = service.metadata.name;
  labels[MANAGED_BY_LABEL] = CONTROLLER_NAME;
  if (service.spec?.clusterIP === 'None') labels[HEADLESS_LABEL] = '';
  return labels;
}

/**
 * Turns the existing managed slices into the desired ones with little churn: endpoints stay in
 * the slice they are in; new ones fill slices already being changed first, then others with
 * room, then new slices of at most `maxPerSlice`; emptied slices go. With no endpoints at all
 * one empty placeholder slice remains (as upstream). `annotate` adds annotations to every
 * written slice (the trigger time).
 */
export function planSlices(service: KObject, existing: KObject[], groups: Map<string, Group>, maxPerSlice: number, annotate: Record<string, string> = {}): SlicePlan {
  const labels = sliceLabels(service);
  const plan: SlicePlan = { create: [], update: [], delete: [] };
  const families: string[] = Array.isArray(service.spec?.ipFamilies) && service.spec.ipFamilies.length ? service.spec.ipFamilies : ['IPv4'];
  const total = [...groups.values()].reduce((n, g) => n + g.endpoints.size, 0);
  const ownerRef = { apiVersion: 'v1', kind: 'Service', name: service.metadata.name, uid: service.metadata.uid, controller: true, blockOwnerDeletion: true };

  interface Work {
    slice: KObject;
    key: string;
    endpoints: KObject[];
    changed: boolean;
  }
  const work: Work[] = [];
  const remaining = new Map<string, Map<string, KObject>>();
  for (const [k, g] of groups) remaining.set(k, new Map(g.endpoints));
  for (const slice of existing) {
    const owned = (slice.metadata?.ownerReferences ?? []).some((o: KObject) => o?.uid === service.metadata.uid);
    const key = `${slice.addressType}|${JSON.stringify(normalizePorts(slice.ports))}`;
    const left = remaining.get(key);
    if (!owned || !left) {
      plan.delete.push(slice);
      continue;
    }
    const endpoints: KObject[] = [];
    let changed = !sameLabels(slice.metadata?.labels, labels);
    for (const ep of Array.isArray(slice.endpoints) ? slice.endpoints : []) {
      const k = endpointKey(ep);
      const want = left.get(k);
      if (!want || endpoints.length >= maxPerSlice) {
        changed = true;
        continue;
      }
      left.delete(k);
      endpoints.push(want);
      if (canonicalEndpoint(want) !== canonicalEndpoint(ep)) changed = true;
    }
    work.push({ slice, key, endpoints, changed });
  }

  // fill: slices being changed anyway first, then the fullest ones
  for (const [key, left] of remaining) {
    if (left.size === 0) continue;
    const candidates = work.filter((w) => w.key === key && w.endpoints.length < maxPerSlice).sort((a, b) => Number(b.changed) - Number(a.changed) || b.endpoints.length - a.endpoints.length);
    const pending = [...left.values()];
    for (const w of candidates) {
      while (pending.length && w.endpoints.length < maxPerSlice) {
        w.endpoints.push(pending.shift()!);
        w.changed = true;
      }
    }
    const g = groups.get(key)!;
    for (let i = 0; i < pending.length; i += maxPerSlice) {
      plan.create.push(newSlice(service, g.addressType, g.ports, pending.slice(i, i + maxPerSlice), labels, ownerRef, annotate));
    }
  }

  for (const w of work) {
    if (w.endpoints.length === 0) {
      plan.delete.push(w.slice);
      continue;
    }
    if (!w.changed) continue;
    plan.update.push(withContent(w.slice, w.endpoints, labels, annotate));
  }

  if (total === 0) {
    // keep (or make) exactly one empty placeholder slice
    const placeholderOk = (s: KObject) => s.addressType === families[0] && normalizePorts(s.ports).length === 0;
    const keep = plan.delete.find((s) => placeholderOk(s) && (s.metadata?.ownerReferences ?? []).some((o: KObject) => o?.uid === service.metadata.uid));
    if (keep) {
      plan.delete = plan.delete.filter((s) => s !== keep);
      if (!sameLabels(keep.metadata?.labels, labels) || (keep.endpoints ?? []).length) plan.update.push(withContent(keep, [], labels, annotate));
    } else {
      plan.create.push(newSlice(service, families[0], [], [], labels, ownerRef, annotate));
    }
  }
  return plan;
}

function newSlice(service: KObject, addressType: string, ports: KObject[], endpoints: KObject[], labels: Record<string, string>, ownerRef: KObject, annotate: Record<string, string>): KObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      generateName: `${service.metadata.name.slice(0, 57)}-`,
      namespace: service.metadata.namespace,
      labels,
      ...(Object.keys(annotate).length ? { annotations: { ...annotate } } : {}),
      ownerReferences: [ownerRef],
    },
    addressType,
    endpoints,
    ...(ports.length ? { ports } : {}),
  };
}

function withContent(slice: KObject, endpoints: KObject[], labels: Record<string, string>, annotate: Record<string, string>): KObject {
  const annotations = { ...(slice.metadata?.annotations ?? {}), ...annotate };
  return {
    ...slice,
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { ...slice.metadata, labels, ...(Object.keys(annotations).length ? { annotations } : {}) },
    endpoints,
  };
}

export function endpointKey(ep: KObject): string {
  return `${ep.targetRef?.uid ?? ''}|${(ep.addresses ?? []).join(',')}`;
}

/** Endpoint content as compared (absent and default values alike). */
export function canonicalEndpoint(ep: KObject): string {
  const c = ep.conditions ?? {};
  return JSON.stringify([ep.addresses ?? [], c.ready ?? null, c.serving ?? null, c.terminating ?? null, ep.hostname ?? '', ep.nodeName ?? '', ep.zone ?? '', ep.targetRef?.kind ?? '', ep.targetRef?.namespace ?? '', ep.targetRef?.name ?? '', ep.targetRef?.uid ?? '']);
}

function normalizePorts(ports: KObject[] | undefined | null): KObject[] {
  return (ports ?? [])
    .map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP', ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}) }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.port - b.port));
}

function sameLabels(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
  const ak = Object.keys(a ?? {});
  return ak.length === Object.keys(b).length && ak.every((k) => a![k] === b[k]);
}
