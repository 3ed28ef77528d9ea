// Endpoints controller: keeps each selector Service's Endpoints equal to its selected pods' addresses and ports.

import { findResource } from '../../api/resources.js';
import type { KObject } from '../../api/strategy.js';
import type { Clock } from '../../client/clock.js';
import { realClock } from '../../client/clock.js';
import type { ClientSource } from '../../client/informer.js';
import { keyOf, splitKey } from '../../client/object-key.js';
import { ClientError, isNotFound } from '../../client/rest-client.js';
import type { Informer, InformerFactory, Reconciler, WorkQueue } from '../../client/types.js';
import { hasSelector, selects } from './endpoint-ports.js';
import { desiredSubsets, subsetsEqual } from './endpoint-subsets.js';
import { TriggerTimes } from './trigger-times.js';
import { registerServicePodEvents } from './service-pod-events.js';

const SERVICES = findResource('', 'v1', 'services')!;
const PODS = findResource('', 'v1', 'pods')!;
const ENDPOINTS = findResource('', 'v1', 'endpoints')!;

export const TRIGGER_TIME_ANNOTATION = 'endpoints.kubernetes.io/last-change-trigger-time';
export const OVER_CAPACITY_ANNOTATION = 'endpoints.kubernetes.io/over-capacity';
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';

export interface EndpointsControllerOptions {
  clientset: ClientSource;
  informers: InformerFactory;
  recorder?: { event(obj: KObject, type: 'Normal' | 'Warning', reason: string, message: string): void };
  /** extra keys (other controllers' settings in a shared config) are ignored */
  config?: { clock?: Clock; [key: string]: unknown };
}

/**
 * Keys are Service keys ("namespace/name"). Services without a selector are left alone (their
 * Endpoints belong to whoever wrote them); default/kubernetes is never touched (the API server
 * owns it); when a Service goes, its Endpoints go. Writes happen only when subsets, labels or
 * the over-capacity mark differ.
 */
export class EndpointsController implements Reconciler {
  readonly name = 'endpoints-controller';
  private readonly services: Informer;
  private readonly pods: Informer;
  private readonly endpoints: Informer;
  private readonly clock: Clock;
  private readonly triggers = new TriggerTimes();

  constructor(private readonly opts: EndpointsControllerOptions) {
    this.services = opts.informers.informerFor(SERVICES);
    this.pods = opts.informers.informerFor(PODS);
    this.endpoints = opts.informers.informerFor(ENDPOINTS);
    this.clock = opts.config?.clock ?? realClock;
  }

  register(queue: WorkQueue<string>): void {
    registerServicePodEvents(queue, { services: this.services, pods: this.pods, triggers: this.triggers, clock: this.clock, readinessTriggerTime: isReadyChange });
    // an Endpoints deleted behind our back comes back
    this.endpoints.addEventHandler({ onDelete: (e) => queue.add(keyOf(e)) });
  }

  async reconcile(key: string): Promise<void> {
    if (key === 'default/kubernetes') return;
    const { namespace, name } = splitKey(key);
    const client = this.opts.clientset.resource(ENDPOINTS);
    const service = this.services.lister.get(key);
    if (!service) {
      this.triggers.forget(key);
      try {
        await client.delete(namespace, name);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      return;
    }
    if (!hasSelector(service)) return;

    const pods = this.pods.lister.listNamespace(namespace).filter((p) => selects(service, p));
    const { subsets, truncated } = desiredSubsets(service, pods);
    const labels: Record<string, string> = { ...(service.metadata?.labels ?? {}) };
    if (service.spec?.clusterIP === 'None') labels[HEADLESS_LABEL] = '';
    else delete labels[HEADLESS_LABEL];

    const current = this.endpoints.lister.get(key);
    const annotations: Record<string, string> = { ...(current?.metadata?.annotations ?? {}) };
    const overCapacityOk = truncated ? annotations[OVER_CAPACITY_ANNOTATION] === 'truncated' : annotations[OVER_CAPACITY_ANNOTATION] === undefined;
    if (current && subsetsEqual(current.subsets, subsets) && sameMap(current.metadata?.labels, labels) && overCapacityOk) {
      this.triggers.forget(key);
      return;
    }
    if (truncated) annotations[OVER_CAPACITY_ANNOTATION] = 'truncated';
    else delete annotations[OVER_CAPACITY_ANNOTATION];
    const trigger = this.triggers.take(key);
    if (trigger !== undefined) annotations[TRIGGER_TIME_ANNOTATION] = rfc3339Nano(trigger);
    else delete annotations[TRIGGER_TIME_ANNOTATION];

    const body: KObject = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { ...(current?.metadata ?? { name, namespace }), labels, annotations },
      subsets,
    };
    if (!Object.keys(annotations).length) delete body.metadata.annotations;
    try {
      if (current) await client.update(body);
      else await client.create(namespace, body);
    } catch (err) {
      if (trigger !== undefined) this.triggers.record(key, trigger);
      // a namespace being deleted refuses creates: nothing to do there
      if (err instanceof ClientError && err.code === 403 && /being terminated/.test(err.message)) return;
      this.opts.recorder?.event(service, 'Warning', 'FailedToUpdateEndpoint', `Failed to update endpoint ${key}: ${(err as Error).message}`);
      throw err;
    }
  }
}

function isReadyChange(old: KObject, pod: KObject): boolean {
  const r = (p: KObject) => (p.status?.conditions ?? []).find((c: KObject) => c?.type === 'Ready')?.status;
  return r(old) !== r(pod);
}

function sameMap(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
  const ak = Object.keys(a ?? {});
  if (ak.length !== Object.keys(b).length) return false;
  return ak.every((k) => a![k] === b[k]);
}

/** Go's time.RFC3339Nano, as upstream writes the trigger time: fractional seconds without trailing zeros. */
export function rfc3339Nano(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, (_, f: string) => (/^0+$/.test(f) ? 'Z' : `.${f.replace(/0+$/, '')}Z`));
}
