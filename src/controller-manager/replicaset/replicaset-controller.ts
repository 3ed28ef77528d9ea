// The ReplicaSet controller (apps/v1): the shared replica core with label-selector ReplicaSets.

import { labelSelectorFromSpec } from '../../api/labels.js';
import type { WorkloadControllerOptions } from '../workloads-common/deps.js';
import { ReplicaManager } from '../workloads-common/replica-manager.js';
import { REPLICA_SETS } from '../workloads-common/resources.js';

/**
 * Reconciles ReplicaSets by key "namespace/name" (see ReplicaManager for the contract).
 * Start: `const c = new ReplicaSetController(opts); c.register(queue);` then run it on the queue.
 * Events are recorded as component "replicaset-controller".
 */
export class ReplicaSetController extends ReplicaManager {
  constructor(opts: WorkloadControllerOptions) {
    super(opts, { info: REPLICA_SETS, name: 'replicaset-controller', selector: (rs) => labelSelectorFromSpec(rs.spec?.selector) });
  }
}
