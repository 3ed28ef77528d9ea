// Test fixture shared by the field-set, managed-fields and apply tests: a hand-written slice of the
// apps/v1 Deployment definitions (enough list types and maps to exercise them) and a sample Deployment.

import { schemaFromDefinitions, type OpenApiSchema } from './apply.js';
const D = '#/definitions/';
const str = { type: 'string' };
const int = { type: 'integer' };
const strMap = { type: 'object', additionalProperties: { type: 'string' } };
/** A hand-written slice of the apps/v1 Deployment definitions: enough list types and maps to exercise SSA. */
export const definitions: Record<string, OpenApiSchema> = {
  'io.k8s.api.apps.v1.Deployment': {
    type: 'object',
    properties: {
      apiVersion: str,
      kind: str,
      metadata: { $ref: `${D}io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta` },
      spec: { $ref: `${D}io.k8s.api.apps.v1.DeploymentSpec` },
      status: { type: 'object', properties: { replicas: int, readyReplicas: int } },
    },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': {
    type: 'object',
    properties: {
      name: str,
      namespace: str,
      uid: str,
      resourceVersion: str,
      generation: int,
      creationTimestamp: str,
      labels: strMap,
      annotations: strMap,
      finalizers: { type: 'array', items: str, 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' },
      managedFields: { type: 'array', items: { type: 'object' } },
    },
  },
  'io.k8s.api.apps.v1.DeploymentSpec': {
    type: 'object',
    properties: {
      replicas: int,
      paused: { type: 'boolean' },
      selector: { type: 'object', properties: { matchLabels: strMap }, 'x-kubernetes-map-type': 'atomic' },
      template: {
        type: 'object',
        properties: {
          metadata: { $ref: `${D}io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta` },
          spec: { $ref: `${D}io.k8s.api.core.v1.PodSpec` },
        },
      },
    },
  },
  'io.k8s.api.core.v1.PodSpec': {
    type: 'object',
    properties: {
      // no list-type: the merge key makes it a map keyed by name, as upstream does for built-ins
      containers: { type: 'array', items: { $ref: `${D}io.k8s.api.core.v1.Container` }, 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge' },
      nodeSelector: { type: 'object', additionalProperties: str, 'x-kubernetes-map-type': 'atomic' },
      terminationGracePeriodSeconds: int,
    },
  },
  'io.k8s.api.core.v1.Container': {
    type: 'object',
    properties: {
      name: str,
      image: str,
      args: { type: 'array', items: str, 'x-kubernetes-list-type': 'atomic' },
      ports: {
        type: 'array',
        items: { $ref: `${D}io.k8s.api.core.v1.ContainerPort` },
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['containerPort', 'protocol'],
      },
      env: { type: 'array', items: { type: 'object', properties: { name: str, value: str } }, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] },
      resources: { type: 'object', properties: { limits: strMap, requests: strMap } },
    },
  },
  'io.k8s.api.core.v1.ContainerPort': {
    type: 'object',
    properties: { containerPort: int, protocol: { type: 'string', default: 'TCP' }, name: str },
  },
};
export const deploymentSchema = schemaFromDefinitions(definitions, 'io.k8s.api.apps.v1.Deployment')!;

/** A Deployment with two containers, as a client would send it. */
export function deployment(): Record<string, any> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            { name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80, protocol: 'TCP' }], resources: { limits: { cpu: '500m' } } },
            { name: 'sidecar', image: 'busybox:1.36', args: ['sleep', '3600'], env: [{ name: 'A', value: '1' }] },
          ],
        },
      },
    },
  };
}
