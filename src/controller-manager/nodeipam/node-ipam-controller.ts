// Node IPAM controller (upstream's range allocator): gives each Node without spec.podCIDR the next free subnet of the cluster CIDR.

import { findResource } from '../../api/resources.js';
import type { KObject } from '../../api/strategy.js';
import type { ClientSource } from '../../client/informer.js';
import { isNotFound } from '../../client/rest-client.js';
import type { Informer, InformerFactory, Reconciler, ReconcileResult, WorkQueue } from '../../client/types.js';
import { CidrAllocator } from './cidr-allocator.js';

const NODES = findResource('', 'v1', 'nodes')!;

export interface NodeIpamConfig {
  /** default 10.244.0.0/16 */
  clusterCidr?: string;
  /** default 24 */
  nodeCidrMaskSize?: number;
}

export interface NodeIpamControllerOptions {
  clientset: ClientSource;
  informers: InformerFactory;
  recorder?: { event(obj: KObject, type: 'Normal' | 'Warning', reason: string, message: string): void };
  /** extra keys (other controllers' settings in a shared config) are ignored */
  config?: NodeIpamConfig & { [key: string]: unknown };
}

/**
 * Keys are node names. Contracts: the allocation is rebuilt from the nodes' podCIDRs (after the
 * node informer synced) before the first CIDR is handed out, so a restart never hands out a used
 * one; a node keeps the CIDR picked for it until the patch lands (retries patch the same one);
 * a deleted node's CIDR goes back to the pool.
 */
export class NodeIpamController implements Reconciler {
  readonly name = 'node-ipam-controller';
  private readonly nodes: Informer;
  private readonly allocator: CidrAllocator;
  /** node name → the CIDR this controller counts as that node's */
  private readonly assigned = new Map<string, string>();
  private rebuilt = false;

  constructor(private readonly opts: NodeIpamControllerOptions) {
    this.nodes = opts.informers.informerFor(NODES);
    this.allocator = new CidrAllocator(opts.config?.clusterCidr ?? '10.244.0.0/16', opts.config?.nodeCidrMaskSize ?? 24);
  }

  register(queue: WorkQueue<string>): void {
    this.nodes.addEventHandler({
      onAdd: (n) => queue.add(n.metadata.name),
      onUpdate: (old, n) => {
        if (old.spec?.podCIDR !== n.spec?.podCIDR || !n.spec?.podCIDR) queue.add(n.metadata.name);
      },
      onDelete: (n) => queue.add(n.metadata.name),
    });
  }

  async reconcile(name: string): Promise<void | ReconcileResult> {
    if (!this.rebuilt) {
      await this.nodes.waitForSync();
      for (const n of this.nodes.lister.list()) this.take(n.metadata.name, n.spec?.podCIDR);
      this.rebuilt = true;
    }
    const node = this.nodes.lister.get(name);
    if (!node) {
      const cidr = this.assigned.get(name);
      if (cidr) this.allocator.release(cidr);
      this.assigned.delete(name);
      return;
    }
    if (node.spec?.podCIDR) {
      this.take(name, node.spec.podCIDR);
      return;
    }
    let cidr = this.assigned.get(name);
    if (!cidr) {
      cidr = this.allocator.allocateNext();
      if (!cidr) {
        this.opts.recorder?.event(node, 'Warning', 'CIDRNotAvailable', `Node ${name} status is now: CIDRNotAvailable`);
        return { requeueAfterMs: 30_000 };
      }
      this.assigned.set(name, cidr);
    }
    try {
      await this.opts.clientset.resource(NODES).patch('', name, 'merge', { spec: { podCIDR: cidr, podCIDRs: [cidr] } });
    } catch (err) {
      if (isNotFound(err)) {
        this.allocator.release(cidr);
        this.assigned.delete(name);
        return;
      }
      // someone else may have set another CIDR meanwhile: give ours back, the next event tells
      this.allocator.release(cidr);
      this.assigned.delete(name);
      this.opts.recorder?.event(node, 'Warning', 'CIDRAssignmentFailed', `Node ${name} status is now: CIDRAssignmentFailed`);
      throw err;
    }
  }

  /** Counts `cidr` as the node's (releasing what it had before). */
  private take(name: string, cidr: string | undefined): void {
    if (!cidr) return;
    const prev = this.assigned.get(name);
    if (prev === cidr) return;
    if (prev) this.allocator.release(prev);
    if (this.allocator.occupy(cidr)) this.assigned.set(name, cidr);
    else this.assigned.delete(name);
  }
}
