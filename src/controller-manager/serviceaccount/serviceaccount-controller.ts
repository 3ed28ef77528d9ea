// ServiceAccount controller: a "default" ServiceAccount in every namespace that is not terminating (recreated if deleted).

import { findResource } from '../../api/resources.js';
import type { KObject } from '../../api/strategy.js';
import type { ClientSource } from '../../client/informer.js';
import { ClientError, isAlreadyExists, isConflict } from '../../client/rest-client.js';
import type { Informer, InformerFactory, Reconciler, WorkQueue } from '../../client/types.js';

const NAMESPACES = findResource('', 'v1', 'namespaces')!;
const SERVICE_ACCOUNTS = findResource('', 'v1', 'serviceaccounts')!;

export interface ServiceAccountControllerOptions {
  clientset: ClientSource;
  informers: InformerFactory;
  recorder?: { event(obj: KObject, type: 'Normal' | 'Warning', reason: string, message: string): void };
  /** extra keys (other controllers' settings in a shared config) are ignored */
  config?: { serviceAccounts?: string[]; [key: string]: unknown };
}

/** Keys are namespace names. Contract: creates only what is missing; never updates or deletes. */
export class ServiceAccountController implements Reconciler {
  readonly name = 'serviceaccount-controller';
  private readonly namespaces: Informer;
  private readonly serviceAccounts: Informer;
  private readonly names: string[];

  constructor(private readonly opts: ServiceAccountControllerOptions) {
    this.namespaces = opts.informers.informerFor(NAMESPACES);
    this.serviceAccounts = opts.informers.informerFor(SERVICE_ACCOUNTS);
    this.names = opts.config?.serviceAccounts ?? ['default'];
  }

  register(queue: WorkQueue<string>): void {
    this.namespaces.addEventHandler({
      onAdd: (ns) => queue.add(ns.metadata.name),
      onUpdate: (_, ns) => queue.add(ns.metadata.name),
    });
    this.serviceAccounts.addEventHandler({
      onDelete: (sa) => {
        if (this.names.includes(sa.metadata?.name)) queue.add(sa.metadata.namespace);
      },
    });
  }

  async reconcile(namespace: string): Promise<void> {
    const ns = this.namespaces.lister.get(namespace);
    if (!ns || ns.metadata?.deletionTimestamp || ns.status?.phase === 'Terminating') return;
    for (const name of this.names) {
      if (this.serviceAccounts.lister.get(`${namespace}/${name}`)) continue;
      try {
        await this.opts.clientset.resource(SERVICE_ACCOUNTS).create(namespace, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } });
      } catch (err) {
        if (isAlreadyExists(err) || isConflict(err)) continue;
        // the namespace started terminating meanwhile, or is gone
        if (err instanceof ClientError && (err.code === 403 || err.code === 404)) return;
        throw err;
      }
    }
  }
}
