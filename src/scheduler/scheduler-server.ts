// Runs the scheduler as `k8ts server` does: leader-elected on kube-system/kube-scheduler, fresh informers per term.

import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { Clientset } from '../client/clientset.js';
import { EventRecorder } from '../client/event-recorder.js';
import { SharedInformerFactory } from '../client/informer.js';
import { LeaderElector } from '../client/leader-election.js';
import type { RestClient } from '../client/rest-client.js';
import { Scheduler } from './scheduler.js';
import { loadSchedulerConfig } from './framework/config.js';

export class SchedulerServer {
  private readonly abort = new AbortController();
  private readonly client: Clientset;
  private running?: Promise<void>;

  constructor(rest: RestClient, private readonly opts: { configPath?: string } = {}) {
    this.client = new Clientset(rest);
    setMaxListeners(0, this.abort.signal);
  }

  /** Starts campaigning; schedules while leading. A bad config file fails here, before anything runs. */
  async start(): Promise<void> {
    const config = this.opts.configPath ? await loadSchedulerConfig(this.opts.configPath) : undefined;
    const elector = new LeaderElector(this.client, { namespace: 'kube-system', name: 'kube-scheduler', identity: `${hostname()}_${randomUUID()}` });
    this.running = elector.run(this.abort.signal, {
      onStartedLeading: async (signal) => {
        setMaxListeners(0, signal);
        const informers = new SharedInformerFactory(this.client);
        const scheduler = new Scheduler({ clientset: this.client, informers, recorder: new EventRecorder(this.client, { component: 'default-scheduler' }), config });
        informers.start(signal);
        await scheduler.run(signal);
      },
      onStoppedLeading: () => {},
    });
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.race([this.running, new Promise((r) => setTimeout(r, 2000).unref())]);
    this.client.close();
  }
}
