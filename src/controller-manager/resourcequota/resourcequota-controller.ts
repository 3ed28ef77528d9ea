// ResourceQuota controller: keeps status.hard = spec.hard and status.used = what the namespace uses now.

import { RESOURCES, findResource, type ResourceInfo } from '../../api/resources.js';
import type { KObject } from '../../api/strategy.js';
import type { Clock } from '../../client/clock.js';
import { realClock } from '../../client/clock.js';
import type { ClientSource } from '../../client/informer.js';
import { isConflict, isNotFound } from '../../client/rest-client.js';
import type { Informer, InformerFactory, Reconciler, ReconcileResult, WorkQueue } from '../../client/types.js';
import { computeUsed, sameResourceList } from './quota-usage.js';

const QUOTAS = findResource('', 'v1', 'resourcequotas')!;
const PODS = findResource('', 'v1', 'pods')!;
const SERVICES = findResource('', 'v1', 'services')!;
const PVCS = findResource('', 'v1', 'persistentvolumeclaims')!;
/** plain quota names that count a core resource */
const PLAIN_COUNTS = ['configmaps', 'secrets', 'replicationcontrollers', 'resourcequotas'];

export interface ResourceQuotaConfig {
  /** full recalculation period (upstream --resource-quota-sync-period: 5 m) */
  quotaResyncMs?: number;
  clock?: Clock;
}

export interface ResourceQuotaControllerOptions {
  clientset: ClientSource;
  informers: InformerFactory;
  recorder?: { event(obj: KObject, type: 'Normal' | 'Warning', reason: string, message: string): void };
  /** extra keys (other controllers' settings in a shared config) are ignored */
  config?: ResourceQuotaConfig & { [key: string]: unknown };
}

/**
 * Keys are ResourceQuota keys. Informers for the counted resources are asked for lazily, the
 * first time a quota names them (so a cluster without quotas on secrets does not cache secrets);
 * any add or delete of a counted object, and any pod change that moves usage, recomputes every
 * quota of its namespace. Status is written only when hard or used differ by value.
 */
export class ResourceQuotaController implements Reconciler {
  readonly name = 'resourcequota-controller';
  private readonly quotas: Informer;
  private readonly clock: Clock;
  private readonly tracked = new Map<ResourceInfo, Informer>();
  private queue?: WorkQueue<string>;

  constructor(private readonly opts: ResourceQuotaControllerOptions) {
    this.quotas = opts.informers.informerFor(QUOTAS);
    this.clock = opts.config?.clock ?? realClock;
  }

  register(queue: WorkQueue<string>): void {
    this.queue = queue;
    const k = (q: KObject) => `${q.metadata.namespace}/${q.metadata.name}`;
    this.quotas.addEventHandler(
      {
        onAdd: (q) => queue.add(k(q)),
        onUpdate: (_, q) => queue.add(k(q)),
      },
      { resyncMs: this.opts.config?.quotaResyncMs ?? 300_000 },
    );
    // pods are always needed by quotas that limit compute; start watching them with the rest
    this.track(PODS);
  }

  async reconcile(key: string): Promise<void | ReconcileResult> {
    const quota = this.quotas.lister.get(key);
    if (!quota) return;
    const namespace: string = quota.metadata.namespace;
    const hard: Record<string, unknown> = quota.spec?.hard ?? {};
    const needed = new Set<ResourceInfo>();
    for (const name of Object.keys(hard)) {
      const info = infoForName(name);
      if (info) needed.add(info);
    }
    const informers = new Map<ResourceInfo, Informer>();
    for (const info of needed) informers.set(info, this.track(info));
    if ([...informers.values()].some((i) => !i.hasSynced())) return { requeueAfterMs: 100 };

    const list = (info: ResourceInfo) => informers.get(info)?.lister.listNamespace(namespace) ?? [];
    const used = computeUsed(
      quota,
      {
        pods: list(PODS),
        services: list(SERVICES),
        persistentVolumeClaims: list(PVCS),
        count: (resource) => {
          const info = countInfo(resource);
          return info && informers.has(info) ? list(info).length : undefined;
        },
      },
      this.clock.now(),
    );
    if (sameResourceList(quota.status?.hard, hard) && sameResourceList(quota.status?.used, used)) return;
    try {
      await this.opts.clientset.resource(QUOTAS).updateStatus({ ...quota, status: { hard: { ...hard }, used } });
    } catch (err) {
      if (isNotFound(err)) return;
      if (isConflict(err)) throw new Error(`quota ${key} changed meanwhile; recomputing`);
      throw err;
    }
  }

  /** The informer of a counted resource, created (and hooked to recompute its namespace's quotas) on first use. */
  private track(info: ResourceInfo): Informer {
    let inf = this.tracked.get(info);
    if (inf) return inf;
    inf = info === QUOTAS ? this.quotas : this.opts.informers.informerFor(info);
    this.tracked.set(info, inf);
    const touch = (o: KObject) => {
      const ns = o.metadata?.namespace;
      if (!ns || !this.queue) return;
      for (const q of this.quotas.lister.listNamespace(ns)) this.queue.add(`${ns}/${q.metadata.name}`);
    };
    const relevant = usageFingerprint(info);
    inf.addEventHandler({
      onAdd: touch,
      onDelete: touch,
      onUpdate: (old, o) => {
        if (relevant && relevant(old) !== relevant(o)) touch(o);
      },
    });
    return inf;
  }
}

/** For resources whose updates can change usage: the fields that matter. */
function usageFingerprint(info: ResourceInfo): ((o: KObject) => string) | undefined {
  if (info === PODS) return (p) => JSON.stringify([p.status?.phase, p.metadata?.deletionTimestamp, p.metadata?.deletionGracePeriodSeconds, p.spec?.containers?.map((c: KObject) => c?.resources), p.spec?.initContainers?.map((c: KObject) => c?.resources)]);
  if (info === SERVICES) return (s) => JSON.stringify([s.spec?.type, s.spec?.ports?.map((p: KObject) => p?.nodePort)]);
  if (info === PVCS) return (c) => JSON.stringify([c.spec?.resources?.requests?.storage, c.spec?.storageClassName]);
  return undefined;
}

/** The resource a quota name needs watched, if any. */
function infoForName(name: string): ResourceInfo | undefined {
  if (name === 'pods' || name === 'count/pods' || /^(cpu|memory|ephemeral-storage|hugepages-.+)$/.test(name) || ((name.startsWith('requests.') || name.startsWith('limits.')) && name !== 'requests.storage')) return PODS;
  if (name.startsWith('services') || name === 'count/services') return SERVICES;
  if (name === 'persistentvolumeclaims' || name === 'requests.storage' || name.includes('.storageclass.storage.k8s.io/') || name === 'count/persistentvolumeclaims') return PVCS;
  if (PLAIN_COUNTS.includes(name)) return countInfo(name);
  if (name.startsWith('count/')) return countInfo(name.slice(6));
  return undefined;
}

/** "configmaps" → core configmaps; "deployments.apps" → apps deployments (the registry's version). */
function countInfo(resource: string): ResourceInfo | undefined {
  const dot = resource.indexOf('.');
  const res = dot < 0 ? resource : resource.slice(0, dot);
  const group = dot < 0 ? '' : resource.slice(dot + 1);
  return RESOURCES.find((r) => r.resource === res && r.group === group && r.namespaced);
}
