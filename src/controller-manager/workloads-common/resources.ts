// The resources the workload controllers read and write, looked up once from the registry.

import { findResource, type ResourceInfo } from '../../api/resources.js';

function must(group: string, version: string, resource: string): ResourceInfo {
  const info = findResource(group, version, resource);
  if (!info) throw new Error(`resource ${group}/${version}/${resource} is not registered`);
  return info;
}

export const PODS = must('', 'v1', 'pods');
export const NODES = must('', 'v1', 'nodes');
export const PVCS = must('', 'v1', 'persistentvolumeclaims');
export const REPLICATION_CONTROLLERS = must('', 'v1', 'replicationcontrollers');
export const REPLICA_SETS = must('apps', 'v1', 'replicasets');
export const DEPLOYMENTS = must('apps', 'v1', 'deployments');
export const DAEMON_SETS = must('apps', 'v1', 'daemonsets');
export const STATEFUL_SETS = must('apps', 'v1', 'statefulsets');
export const CONTROLLER_REVISIONS = must('apps', 'v1', 'controllerrevisions');
export const JOBS = must('batch', 'v1', 'jobs');
export const CRON_JOBS = must('batch', 'v1', 'cronjobs');
