// What the Endpoints and EndpointSlice controllers share: targetPort resolution, which pods count, and pod → services.

import type { KObject } from '../../api/strategy.js';
import { matchLabelSelector, selectorFromSet } from '../../api/labels.js';

/**
 * The container port a Service port reaches on a pod (upstream's podutil.FindPort): a number
 * targetPort as is; a name looked up among the pod's container ports (and restartable init
 * containers', i.e. sidecars) with the same protocol; unset → the service port. Undefined when a
 * named port is not found (that pod is left out of that port).
 */
export function findPort(pod: KObject, servicePort: KObject): number | undefined {
  const target = servicePort.targetPort ?? servicePort.port;
  const protocol = servicePort.protocol ?? 'TCP';
  if (typeof target === 'number') return target;
  if (typeof target === 'string') {
    if (target === '') return servicePort.port;
    const spec: KObject = pod.spec ?? {};
    const containers: KObject[] = [...(Array.isArray(spec.containers) ? spec.containers : []), ...(Array.isArray(spec.initContainers) ? spec.initContainers.filter((c: KObject) => c?.restartPolicy === 'Always') : [])];
    for (const c of containers) {
      for (const p of Array.isArray(c?.ports) ? c.ports : []) {
        if (p?.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
      }
    }
  }
  return undefined;
}

/** The pod's Ready condition is True. */
export function isPodReady(pod: KObject): boolean {
  return (pod.status?.conditions ?? []).some((c: KObject) => c?.type === 'Ready' && c?.status === 'True');
}

/**
 * upstream's ShouldPodBeInEndpoints: it has an IP, it is not finished (Succeeded/Failed, for
 * every restart policy as of 1.32), and it is not being deleted unless `includeTerminating`.
 */
export function shouldPodBeInEndpoints(pod: KObject, includeTerminating: boolean): boolean {
  if (!pod.status?.podIP && !(pod.status?.podIPs ?? []).length) return false;
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  if (!includeTerminating && pod.metadata?.deletionTimestamp) return false;
  return true;
}

/** The pod's addresses (podIPs, else podIP). */
export function podIPs(pod: KObject): string[] {
  const list: string[] = (pod.status?.podIPs ?? []).map((x: KObject) => x?.ip).filter((x: unknown) => typeof x === 'string' && x);
  if (list.length) return list;
  return pod.status?.podIP ? [pod.status.podIP] : [];
}

/** The pod fields an endpoint depends on, as one string: an update that leaves it unchanged concerns no Service. */
export function endpointFingerprint(pod: KObject): string {
  const s = pod.status ?? {};
  return JSON.stringify([s.podIP, s.podIPs, isPodReady(pod), !!pod.metadata?.deletionTimestamp, s.phase, pod.spec?.nodeName, pod.spec?.hostname, pod.spec?.subdomain]);
}

/** Whether the Service selects pods (a selector with at least one label). */
export function hasSelector(service: KObject): boolean {
  const sel = service.spec?.selector;
  return !!sel && typeof sel === 'object' && Object.keys(sel).length > 0;
}

export function selects(service: KObject, pod: KObject): boolean {
  return hasSelector(service) && matchLabelSelector(selectorFromSet(service.spec.selector), pod.metadata?.labels);
}

/** Keys of the Services (with selectors) in the pod's namespace that select it. */
export function servicesSelecting(services: KObject[], pod: KObject): string[] {
  const out: string[] = [];
  for (const s of services) if (selects(s, pod)) out.push(`${s.metadata.namespace}/${s.metadata.name}`);
  return out;
}

/** The hostname a pod gets in a Service's endpoints: spec.hostname when spec.subdomain names that Service. */
export function endpointHostname(pod: KObject, service: KObject): string | undefined {
  const h = pod.spec?.hostname;
  return h && pod.spec?.subdomain === service.metadata?.name && pod.metadata?.namespace === service.metadata?.namespace ? h : undefined;
}

/** A Ready condition's lastTransitionTime, else the creation time: when the pod last changed for endpoints (ms, or NaN). */
export function podTriggerTime(pod: KObject): number {
  const ready = (pod.status?.conditions ?? []).find((c: KObject) => c?.type === 'Ready');
  const t = Date.parse(ready?.lastTransitionTime ?? '');
  return Number.isNaN(t) ? Date.parse(pod.metadata?.creationTimestamp ?? '') : t;
}
