// The controller manager: runs every controller on one shared informer factory (kube-controller-manager), optionally behind leader election.

import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Clientset } from '../client/clientset.js';
import { EventRecorder } from '../client/event-recorder.js';
import { SharedInformerFactory } from '../client/informer.js';
import { LeaderElector } from '../client/leader-election.js';
import { RestClient } from '../client/rest-client.js';
import type { LeaderElectionConfig } from '../client/types.js';
import { GarbageCollector } from './garbagecollector/garbage-collector.js';
import { NamespaceController } from './namespace/namespace-controller.js';
import { RateLimitingQueue } from '../client/workqueue.js';
import { runController } from '../client/controller.js';
import type { Reconciler, WorkQueue } from '../client/types.js';
import { NodeIpamController } from './nodeipam/node-ipam-controller.js';
import { NodeLifecycleController } from './nodelifecycle/node-lifecycle-controller.js';
import { EndpointsController } from './endpoints/endpoints-controller.js';
import { EndpointSliceController } from './endpointslice/endpointslice-controller.js';
import { ServiceAccountController } from './serviceaccount/serviceaccount-controller.js';
import { ResourceQuotaController } from './resourcequota/resourcequota-controller.js';
import { ReplicaSetController } from './replicaset/index.js';
import { ReplicationManager } from './replicationcontroller/index.js';
import { DeploymentController } from './deployment/index.js';
import { DaemonSetController } from './daemonset/index.js';
import { StatefulSetController } from './statefulset/index.js';
import { JobController } from './job/index.js';
import { CronJobController } from './cronjob/index.js';

/** What a controller is built from. One context per leadership term (a fresh informer factory each time). */
export interface ControllerContext {
  client: Clientset;
  /** shared by every controller: ask for informers and add handlers in the constructor; they start after every controller is built */
  informers: SharedInformerFactory;
  /** an EventRecorder whose source.component is `component` (e.g. "deployment-controller") */
  recorder(component: string): EventRecorder;
  config: ControllersConfig;
}

/** A controller: built with the context (registering informers/handlers), then run until signal aborts. */
export interface Runnable {
  run(signal: AbortSignal): Promise<void>;
}

export type ControllerConstructor = (ctx: ControllerContext) => Runnable;

/** Settings of the controllers (kube-controller-manager's flags); each controller reads the keys it knows. */
export interface ControllersConfig {
  [key: string]: unknown;
  clusterCidr?: string;
  nodeCidrMaskSize?: number;
  nodeMonitorGracePeriodMs?: number;
  nodeStartupGracePeriodMs?: number;
  quotaResyncMs?: number;
}

/** A level-based controller: a Reconciler whose register(queue) adds its informer handlers. */
interface QueuedReconciler extends Reconciler {
  register(queue: WorkQueue<string>): void;
}

/** Runs a queued reconciler with its own rate-limited queue once the informers have synced. */
function queued(make: (ctx: ControllerContext) => QueuedReconciler, workers = 2): ControllerConstructor {
  return (ctx) => {
    const c = make(ctx);
    const queue = new RateLimitingQueue<string>({ name: c.name });
    c.register(queue);
    return {
      async run(signal) {
        await ctx.informers.waitForSync(signal);
        if (signal.aborted) return;
        await runController(c, queue, { signal, workers });
      },
    };
  };
}

/** The dependencies in the shape the queued controllers take. */
function deps(ctx: ControllerContext, component: string) {
  return { clientset: ctx.client, informers: ctx.informers, recorder: ctx.recorder(component), config: ctx.config };
}

/** name → constructor (kube-controller-manager's controller list): add one line per new controller. */
export const CONTROLLERS: Record<string, ControllerConstructor> = {
  garbagecollector: (ctx) => new GarbageCollector(ctx),
  namespace: (ctx) => new NamespaceController(ctx),
  nodeipam: queued((ctx) => new NodeIpamController(deps(ctx, 'node-ipam-controller'))),
  nodelifecycle: queued((ctx) => new NodeLifecycleController(deps(ctx, 'node-controller'))),
  endpoints: queued((ctx) => new EndpointsController(deps(ctx, 'endpoint-controller'))),
  endpointslice: queued((ctx) => new EndpointSliceController(deps(ctx, 'endpointslice-controller'))),
  serviceaccount: queued((ctx) => new ServiceAccountController(deps(ctx, 'service-account-controller'))),
  resourcequota: queued((ctx) => new ResourceQuotaController(deps(ctx, 'resourcequota-controller'))),
  replicaset: queued((ctx) => new ReplicaSetController(deps(ctx, 'replicaset-controller')), 5),
  replicationcontroller: queued((ctx) => new ReplicationManager(deps(ctx, 'replication-controller')), 5),
  deployment: queued((ctx) => new DeploymentController(deps(ctx, 'deployment-controller')), 5),
  daemonset: queued((ctx) => new DaemonSetController(deps(ctx, 'daemonset-controller'))),
  statefulset: queued((ctx) => new StatefulSetController(deps(ctx, 'statefulset-controller'))),
  job: queued((ctx) => new JobController(deps(ctx, 'job-controller')), 5),
  cronjob: queued((ctx) => new CronJobController(deps(ctx, 'cronjob-controller'))),
};

export interface ControllerManagerOptions {
  /** names from CONTROLLERS to run (default: all) */
  controllers?: string[];
  config?: ControllersConfig;
  /** run only while holding this Lease (e.g. kube-system/kube-controller-manager); default: always run */
  leaderElection?: Omit<LeaderElectionConfig, 'identity'> & { identity?: string };
}

export class ControllerManager {
  private readonly abort = new AbortController();
  private readonly client: Clientset;
  private running?: Promise<void>;

  constructor(rest: RestClient, private readonly opts: ControllerManagerOptions = {}) {
    this.client = new Clientset(rest);
    // every informer's watch and every controller listens on this one signal
    setMaxListeners(0, this.abort.signal);
  }

  /** Starts every controller (once leading, with leader election); they run until stop(). */
  start(): void {
    const le = this.opts.leaderElection;
    if (!le) {
      this.running = this.runControllers(this.abort.signal);
      return;
    }
    const elector = new LeaderElector(this.client, { ...le, identity: le.identity ?? `${hostname()}_${randomUUID()}` });
    this.running = elector.run(this.abort.signal, {
      onStartedLeading: (leaderSignal) => this.runControllers(leaderSignal),
      onStoppedLeading: () => {},
    });
  }

  /** Stops every controller (releasing the lease if leading), then closes the client. */
  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.race([this.running, new Promise((r) => setTimeout(r, 2000).unref())]);
    this.client.close();
  }

  private async runControllers(signal: AbortSignal): Promise<void> {
    setMaxListeners(0, signal);
    const recorders = new Map<string, EventRecorder>();
    const ctx: ControllerContext = {
      client: this.client,
      informers: new SharedInformerFactory(this.client),
      config: this.opts.config ?? {},
      recorder: (component) => {
        let r = recorders.get(component);
        if (!r) recorders.set(component, (r = new EventRecorder(this.client, { component })));
        return r;
      },
    };
    const names = this.opts.controllers ?? Object.keys(CONTROLLERS);
    const controllers: [string, Runnable][] = [];
    for (const name of names) {
      const make = CONTROLLERS[name];
      if (!make) throw new Error(`controller manager: unknown controller "${name}"`);
      controllers.push([name, make(ctx)]);
    }
    ctx.informers.start(signal);
    await Promise.all(
      controllers.map(([name, c]) =>
        c.run(signal).catch((err) => {
          console.error(`controller manager: ${name} stopped: ${(err as Error)?.stack ?? err}`);
        }),
      ),
    );
  }
}
