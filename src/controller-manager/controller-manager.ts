// The controller manager: runs the controllers against the API (garbage collector and namespace for now).

import { setMaxListeners } from 'node:events';
import { RestClient } from '../client/rest-client.js';
import { GarbageCollector } from './garbagecollector/garbage-collector.js';
import { NamespaceController } from './namespace/namespace-controller.js';

export class ControllerManager {
  private readonly abort = new AbortController();

  constructor(private readonly client: RestClient) {
    // every informer's watch listens on this one signal
    setMaxListeners(0, this.abort.signal);
  }

  /** Starts every controller; they run until stop(). */
  start(): void {
    let ns: NamespaceController | undefined;
    const gc = new GarbageCollector(this.client, (info, obj) => ns?.observe(obj, info.resource === 'namespaces'));
    ns = new NamespaceController(this.client, gc.caches);
    void gc.run(this.abort.signal);
    void ns.run(this.abort.signal);
  }

  stop(): void {
    this.abort.abort();
    this.client.close();
  }
}
