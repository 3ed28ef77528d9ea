// The registry of per-kind strategies: strategyFor(group, kind) for every built-in kind, a default otherwise.

import type { KindStrategy, KObject } from './strategy.js';
import { invalid } from './validation/field.js';
import { configMapStrategy } from './kinds/configmap.js';
import { controllerRevisionStrategy } from './kinds/controllerrevision.js';
import { cronJobStrategy } from './kinds/cronjob.js';
import { daemonSetStrategy } from './kinds/daemonset.js';
import { defaultStrategy } from './kinds/default.js';
import { deploymentStrategy } from './kinds/deployment.js';
import { endpointsStrategy } from './kinds/endpoints.js';
import { endpointSliceStrategy } from './kinds/endpointslice.js';
import { eventStrategy, eventsV1Strategy } from './kinds/event.js';
import { jobStrategy } from './kinds/job.js';
import { leaseStrategy } from './kinds/lease.js';
import { limitRangeStrategy } from './kinds/limitrange.js';
import { namespaceStrategy } from './kinds/namespace.js';
import { nodeStrategy } from './kinds/node.js';
import { persistentVolumeStrategy } from './kinds/persistentvolume.js';
import { persistentVolumeClaimStrategy } from './kinds/persistentvolumeclaim.js';
import { podStrategy } from './kinds/pod.js';
import { podTemplateStrategy } from './kinds/podtemplate.js';
import { priorityClassStrategy } from './kinds/priorityclass.js';
import { clusterRoleBindingStrategy, clusterRoleStrategy, roleBindingStrategy, roleStrategy } from './kinds/rbac.js';
import { replicaSetStrategy } from './kinds/replicaset.js';
import { replicationControllerStrategy } from './kinds/replicationcontroller.js';
import { resourceQuotaStrategy } from './kinds/resourcequota.js';
import { secretStrategy } from './kinds/secret.js';
import { serviceStrategy } from './kinds/service.js';
import { serviceAccountStrategy } from './kinds/serviceaccount.js';
import { statefulSetStrategy } from './kinds/statefulset.js';

const STRATEGIES: Record<string, KindStrategy> = {
  '/Namespace': namespaceStrategy,
  '/Pod': podStrategy,
  '/Service': serviceStrategy,
  '/Endpoints': endpointsStrategy,
  '/ReplicationController': replicationControllerStrategy,
  '/Node': nodeStrategy,
  '/Event': eventStrategy,
  '/Secret': secretStrategy,
  '/ConfigMap': configMapStrategy,
  '/ServiceAccount': serviceAccountStrategy,
  '/LimitRange': limitRangeStrategy,
  '/ResourceQuota': resourceQuotaStrategy,
  '/PersistentVolume': persistentVolumeStrategy,
  '/PersistentVolumeClaim': persistentVolumeClaimStrategy,
  '/PodTemplate': podTemplateStrategy,
  'apps/Deployment': deploymentStrategy,
  'apps/ReplicaSet': replicaSetStrategy,
  'apps/DaemonSet': daemonSetStrategy,
  'apps/StatefulSet': statefulSetStrategy,
  'apps/ControllerRevision': controllerRevisionStrategy,
  'batch/Job': jobStrategy,
  'batch/CronJob': cronJobStrategy,
  'coordination.k8s.io/Lease': leaseStrategy,
  'discovery.k8s.io/EndpointSlice': endpointSliceStrategy,
  'events.k8s.io/Event': eventsV1Strategy,
  'rbac.authorization.k8s.io/Role': roleStrategy,
  'rbac.authorization.k8s.io/RoleBinding': roleBindingStrategy,
  'rbac.authorization.k8s.io/ClusterRole': clusterRoleStrategy,
  'rbac.authorization.k8s.io/ClusterRoleBinding': clusterRoleBindingStrategy,
  'scheduling.k8s.io/PriorityClass': priorityClassStrategy,
};

/**
 * Objects reach the strategies after only a JSON-schema check, so a field of an unexpected
 * shape must never turn into a 500: a throwing validate() reports the object as malformed
 * (422), throwing defaulters leave the rest to validation, a throwing table row keeps its name.
 */
function guarded(s: KindStrategy): KindStrategy {
  const g: KindStrategy = {};
  if (s.defaults) g.defaults = (obj) => swallow(() => s.defaults!(obj));
  if (s.prepareForCreate) g.prepareForCreate = (obj) => swallow(() => s.prepareForCreate!(obj));
  if (s.prepareForUpdate) g.prepareForUpdate = (obj, old) => swallow(() => s.prepareForUpdate!(obj, old));
  if (s.validate) {
    g.validate = (obj, old) => {
      try {
        return s.validate!(obj, old);
      } catch (e) {
        return [invalid('', '<object>', `malformed object: ${(e as Error).message}`)];
      }
    };
  }
  if (s.selectableFields) {
    g.selectableFields = (obj) => {
      try {
        return s.selectableFields!(obj);
      } catch {
        return s.selectableFields!({ metadata: {} });
      }
    };
  }
  if (s.table) {
    const t = s.table;
    g.table = {
      columns: t.columns,
      cells(obj: KObject, now: Date) {
        try {
          return t.cells(obj, now);
        } catch {
          return t.columns.map((c, i) => (i === 0 ? obj?.metadata?.name ?? '' : c.type === 'integer' ? 0 : ''));
        }
      },
    };
  }
  return g;
}

function swallow(fn: () => void): void {
  try {
    fn();
  } catch {
    // a malformed field: validation reports it
  }
}

const GUARDED = new Map<string, KindStrategy>(Object.entries(STRATEGIES).map(([k, s]) => [k, guarded(s)]));
const GUARDED_DEFAULT = guarded(defaultStrategy);

/** The strategy for a group ("" for core) and kind; kinds without one get the default strategy (Name/Age table). */
export function strategyFor(group: string, kind: string): KindStrategy {
  return GUARDED.get(`${group}/${kind}`) ?? GUARDED_DEFAULT;
}
