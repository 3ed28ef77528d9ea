// Namespace controller: empties a namespace being deleted, then clears its "kubernetes" finalizer so it goes.
//
// Keyed by namespace name. The caches say what is left; before finalizing, a live LIST of every
// resource confirms the namespace is empty, so an object the caches have not seen yet is not leaked.

import { RESOURCES, findResource } from '../../api/resources.js';
import type { KObject } from '../../api/strategy.js';
import { objectPath } from '../../client/clientset.js';
import type { Clientset } from '../../client/clientset.js';
import { runController } from '../../client/controller.js';
import type { SharedIndexInformer } from '../../client/informer.js';
import { isNotFound } from '../../client/rest-client.js';
import type { ReconcileResult } from '../../client/types.js';
import { RateLimitingQueue } from '../../client/workqueue.js';
import type { ControllerContext, Runnable } from '../controller-manager.js';

const NAMESPACES = findResource('', 'v1', 'namespaces')!;
/** every namespaced resource a namespace may hold (events.k8s.io Events are core Events in storage) */
const NAMESPACED = RESOURCES.filter((r) => r.namespaced && r.verbs.includes('list') && r.verbs.includes('watch') && r.group !== 'events.k8s.io');
/** a safety net: content with finalizers can take a while, its deletion events normally wake us first */
const RECHECK_MS = 5000;

export class NamespaceController implements Runnable {
  readonly name = 'namespace';
  private readonly client: Clientset;
  private readonly namespaces: SharedIndexInformer;
  private readonly contents: SharedIndexInformer[];
  private readonly queue = new RateLimitingQueue<string>({ name: 'namespace' });

  constructor(private readonly ctx: ControllerContext) {
    this.client = ctx.client;
    this.namespaces = ctx.informers.informerFor(NAMESPACES);
    const onNamespace = (ns: KObject) => {
      if (ns.metadata?.deletionTimestamp) this.queue.add(ns.metadata.name);
    };
    this.namespaces.addEventHandler({ onAdd: onNamespace, onUpdate: (_old, ns) => onNamespace(ns) });
    this.contents = NAMESPACED.map((info) => {
      const inf = ctx.informers.informerFor(info);
      inf.addEventHandler({
        onDelete: (obj) => {
          const ns = obj.metadata?.namespace;
          if (ns && this.namespaces.lister.get(ns)?.metadata?.deletionTimestamp) this.queue.add(ns);
        },
      });
      return inf;
    });
  }

  async run(signal: AbortSignal): Promise<void> {
    await this.ctx.informers.waitForSync(signal);
    if (signal.aborted) return;
    await runController(this, this.queue, { workers: 2, signal });
  }

  async reconcile(ns: string): Promise<void | ReconcileResult> {
    const nsObj = this.namespaces.lister.get(ns);
    if (!nsObj?.metadata?.deletionTimestamp) return;
    if (!(nsObj.spec?.finalizers ?? []).includes('kubernetes')) return;
    let remaining = 0;
    for (const inf of this.contents) {
      const left = inf.lister.listNamespace(ns);
      if (left.length === 0) continue;
      remaining += left.length;
      const live = left.filter((o) => !o.metadata.deletionTimestamp);
      if (live.length === 0) continue;
      const rc = this.client.resource(inf.info);
      if (inf.info.verbs.includes('deletecollection')) {
        await ignoreNotFound(rc.deleteCollection(ns, { propagationPolicy: 'Background' }));
      } else {
        for (const o of live) await ignoreNotFound(rc.delete(ns, o.metadata.name, { propagationPolicy: 'Background', preconditions: { uid: o.metadata.uid } }));
      }
    }
    if (remaining > 0) return { requeueAfterMs: RECHECK_MS };
    // the caches say empty: make sure the server agrees before letting the namespace go
    for (const inf of this.contents) {
      const page = await this.client.resource(inf.info).list(ns, { limit: 1 });
      if ((page.items ?? []).length > 0) return { requeueAfterMs: 200 };
    }
    const finalizers = (nsObj.spec.finalizers as string[]).filter((f) => f !== 'kubernetes');
    await ignoreNotFound(this.client.rest.do('PUT', `${objectPath(NAMESPACES, '', ns)}/finalize`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns }, spec: { finalizers } }));
  }
}

async function ignoreNotFound(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
