// Objects every cluster starts with: the four system namespaces and the `kubernetes` Service and Endpoints.

import { randomUUID } from 'node:crypto';
import { findResource } from '../api/resources.js';
import type { KObject } from '../api/strategy.js';
import { ApiError } from '../api/status.js';
import type { ObjectStore } from './object-store.js';
import { hooks } from './kind-hooks.js';
import { nowRfc3339 } from './resource-handler.js';
import { SYSTEM_PRIORITY_CLASSES } from './admission/priority.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** Creates what is missing; existing objects are left as they are (idempotent on every start). */
export async function bootstrapObjects(objects: ObjectStore, api: { bindAddress: string; port: number; clusterIP?: string }): Promise<void> {
  for (const name of SYSTEM_NAMESPACES) {
    await ensure(objects, 'namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } } });
  }
  for (const pc of SYSTEM_PRIORITY_CLASSES) await ensure(objects, 'priorityclasses', structuredClone(pc), 'scheduling.k8s.io');
  await ensure(objects, 'services', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { type: 'ClusterIP', clusterIP: api.clusterIP ?? '10.96.0.1', clusterIPs: [api.clusterIP ?? '10.96.0.1'], ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: api.port }], sessionAffinity: 'None' },
  });
  await ensure(objects, 'endpoints', {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip: api.bindAddress === '0.0.0.0' ? '127.0.0.1' : api.bindAddress }], ports: [{ name: 'https', port: api.port, protocol: 'TCP' }] }],
  });
}

async function ensure(objects: ObjectStore, resource: string, obj: KObject, group = ''): Promise<void> {
  const info = findResource(group, 'v1', resource)!;
  hooks.defaults(info, obj);
  hooks.prepareForCreate(info, obj);
  obj.metadata.uid = randomUUID();
  obj.metadata.creationTimestamp = nowRfc3339();
  try {
    await objects.create(info, obj);
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 409)) throw err;
  }
}
