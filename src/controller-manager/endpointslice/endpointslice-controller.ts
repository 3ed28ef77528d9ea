// EndpointSlice controller: discovery.k8s.io/v1 slices (≤ 100 endpoints each) for every selector Service.

import { findResource } from '../../api/resources.js';
import type { KObject } from '../../api/strategy.js';
import type { Clock } from '../../client/clock.js';
import { realClock } from '../../client/clock.js';
import type { ClientSource } from '../../client/informer.js';
import { splitKey } from '../../client/object-key.js';
import { ClientError, isNotFound } from '../../client/rest-client.js';
import type { Informer, InformerFactory, Reconciler, ReconcileResult, WorkQueue } from '../../client/types.js';
import { hasSelector, selects } from '../endpoints/endpoint-ports.js';
import { rfc3339Nano, TRIGGER_TIME_ANNOTATION } from '../endpoints/endpoints-controller.js';
import { TriggerTimes } from '../endpoints/trigger-times.js';
import { registerServicePodEvents } from '../endpoints/service-pod-events.js';
import { CONTROLLER_NAME, MANAGED_BY_LABEL, SERVICE_NAME_LABEL, ZONE_LABEL, desiredGroups, planSlices } from './slice-planner.js';

const SERVICES = findResource('', 'v1', 'services')!;
const PODS = findResource('', 'v1', 'pods')!;
const NODES = findResource('', 'v1', 'nodes')!;
const SLICES = findResource('discovery.k8s.io', 'v1', 'endpointslices')!;
const SLICE_SERVICE_INDEX = 'endpointslice-controller/service';
/** writes the cache has not shown after this long are not waited for any more */
const EXPECTATION_TTL_MS = 5000;

export interface EndpointSliceConfig {
  /** upstream --max-endpoints-per-slice: 100 */
  maxEndpointsPerSlice?: number;
  clock?: Clock;
}

export interface EndpointSliceControllerOptions {
  clientset: ClientSource;
  informers: InformerFactory;
  recorder?: { event(obj: KObject, type: 'Normal' | 'Warning', reason: string, message: string): void };
  /** extra keys (other controllers' settings in a shared config) are ignored */
  config?: EndpointSliceConfig & { [key: string]: unknown };
}

/**
 * Keys are Service keys. Only slices labelled managed-by endpointslice-controller.k8s.io are
 * touched. Contract: after a write the controller waits (requeues) until its informer shows that
 * write (by generation, or absence after a delete) before planning again, so a lagging cache
 * never duplicates slices.
 */
export class EndpointSliceController implements Reconciler {
  readonly name = 'endpointslice-controller';
  private readonly services: Informer;
  private readonly pods: Informer;
  private readonly nodes: Informer;
  private readonly slices: Informer;
  private readonly clock: Clock;
  private readonly maxPerSlice: number;
  private readonly triggers = new TriggerTimes();
  /** service key → slice name → generation written (-1: deleted), and when */
  private readonly expectations = new Map<string, { at: number; slices: Map<string, number> }>();

  constructor(private readonly opts: EndpointSliceControllerOptions) {
    this.services = opts.informers.informerFor(SERVICES);
    this.pods = opts.informers.informerFor(PODS);
    this.nodes = opts.informers.informerFor(NODES);
    this.slices = opts.informers.informerFor(SLICES);
    this.clock = opts.config?.clock ?? realClock;
    this.maxPerSlice = opts.config?.maxEndpointsPerSlice ?? 100;
    try {
      this.slices.addIndexer(SLICE_SERVICE_INDEX, (s) => {
        const svc = s.metadata?.labels?.[SERVICE_NAME_LABEL];
        return svc ? [`${s.metadata.namespace}/${svc}`] : [];
      });
    } catch {
      // already there
    }
  }

  register(queue: WorkQueue<string>): void {
    registerServicePodEvents(queue, { services: this.services, pods: this.pods, triggers: this.triggers, clock: this.clock });
    const onSlice = (s: KObject) => {
      if (s.metadata?.labels?.[MANAGED_BY_LABEL] !== CONTROLLER_NAME) return;
      const svc = s.metadata?.labels?.[SERVICE_NAME_LABEL];
      if (svc) queue.add(`${s.metadata.namespace}/${svc}`);
    };
    // slices changed or deleted by others are put right
    this.slices.addEventHandler({ onUpdate: (_, s) => onSlice(s), onDelete: onSlice });
  }

  async reconcile(key: string): Promise<void | ReconcileResult> {
    const { namespace } = splitKey(key);
    if (!this.cacheCaughtUp(key)) return { requeueAfterMs: 50 };
    const client = this.opts.clientset.resource(SLICES);
    const existing = this.slices.lister.byIndex(SLICE_SERVICE_INDEX, key).filter((s) => s.metadata?.labels?.[MANAGED_BY_LABEL] === CONTROLLER_NAME);
    const service = this.services.lister.get(key);
    if (!service || !hasSelector(service) || service.spec?.type === 'ExternalName') {
      this.triggers.forget(key);
      for (const s of existing) await this.deleteSlice(key, s);
      return;
    }

    const pods = this.pods.lister.listNamespace(namespace).filter((p) => selects(service, p));
    const groups = desiredGroups(service, pods, (node) => this.nodes.lister.get(node)?.metadata?.labels?.[ZONE_LABEL]);
    const trigger = this.triggers.peek(key);
    const annotate: Record<string, string> = trigger !== undefined ? { [TRIGGER_TIME_ANNOTATION]: rfc3339Nano(trigger) } : {};
    const plan = planSlices(service, existing, groups, this.maxPerSlice, annotate);
    if (!plan.create.length && !plan.update.length && !plan.delete.length) {
      this.triggers.forget(key);
      return;
    }
    try {
      for (const s of plan.create) this.expect(key, (await client.create(namespace, s)) as KObject);
      for (const s of plan.update) this.expect(key, (await client.update(s)) as KObject);
      for (const s of plan.delete) await this.deleteSlice(key, s);
      this.triggers.forget(key);
    } catch (err) {
      if (err instanceof ClientError && err.code === 403 && /being terminated/.test(err.message)) return;
      this.opts.recorder?.event(service, 'Warning', 'FailedToUpdateEndpointSlices', `Error updating Endpoint Slices for Service ${key}: ${(err as Error).message}`);
      throw err;
    }
  }

  private async deleteSlice(key: string, slice: KObject): Promise<void> {
    try {
      await this.opts.clientset.resource(SLICES).delete(slice.metadata.namespace, slice.metadata.name, { preconditions: { uid: slice.metadata.uid } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    this.expectation(key).slices.set(slice.metadata.name, -1);
  }

  private expect(key: string, written: KObject): void {
    this.expectation(key).slices.set(written.metadata.name, Number(written.metadata?.generation ?? 0));
  }

  private expectation(key: string): { at: number; slices: Map<string, number> } {
    let e = this.expectations.get(key);
    if (!e) this.expectations.set(key, (e = { at: 0, slices: new Map() }));
    e.at = this.clock.now();
    return e;
  }

  /** Whether the slice cache shows every write of ours for this Service (expectations expire). */
  private cacheCaughtUp(key: string): boolean {
    const e = this.expectations.get(key);
    if (!e) return true;
    if (this.clock.now() - e.at > EXPECTATION_TTL_MS) {
      this.expectations.delete(key);
      return true;
    }
    const ns = splitKey(key).namespace;
    for (const [name, gen] of e.slices) {
      const cached = this.slices.lister.get(`${ns}/${name}`);
      if (gen === -1 ? cached !== undefined : !cached || Number(cached.metadata?.generation ?? 0) < gen) return false;
    }
    this.expectations.delete(key);
    return true;
  }
}
