// The ReplicationController controller (core/v1, upstream's ReplicationManager): the shared replica core with map selectors.

import { selectorFromSet } from '../../api/labels.js';
import type { WorkloadControllerOptions } from '../workloads-common/deps.js';
import { ReplicaManager } from '../workloads-common/replica-manager.js';
import { REPLICATION_CONTROLLERS } from '../workloads-common/resources.js';

/**
 * Reconciles ReplicationControllers by key "namespace/name" (see ReplicaManager for the contract).
 * An empty selector selects nothing here (the API defaults it from the template labels).
 * Start: `const c = new ReplicationManager(opts); c.register(queue);` then run it on the queue.
 * Events are recorded as component "replication-controller".
 */
export class ReplicationManager extends ReplicaManager {
  constructor(opts: WorkloadControllerOptions) {
    super(opts, {
      info: REPLICATION_CONTROLLERS,
      name: 'replication-controller',
      selector: (rc) => {
        const sel = rc.spec?.selector ?? {};
        if (Object.keys(sel).length === 0) return { requirements: [], nothing: true };
        return selectorFromSet(sel);
      },
    });
  }
}
