// Tests for quota usage math: pod counts and compute sums (init containers, sidecars, overhead), scopes, object counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/strategy.js';
import { computeUsed, podCountsForQuota, podResources, podMatchesScopes, sameResourceList, type UsageInputs } from './quota-usage.js';

const NOW = Date.parse('2025-01-01T00:10:00Z');

function pod(name: string, containers: KObject[], extra: KObject = {}): KObject {
  return { metadata: { name, namespace: 'ns', ...(extra.metadata ?? {}) }, spec: { containers, ...(extra.spec ?? {}) }, status: { phase: 'Running', ...(extra.status ?? {}) } };
}
const c = (requests?: KObject, limits?: KObject, more: KObject = {}): KObject => ({ name: 'c', resources: { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) }, ...more });

function inputs(pods: KObject[], more: Partial<UsageInputs> = {}): UsageInputs {
  return { pods, services: [], persistentVolumeClaims: [], count: () => undefined, ...more };
}
const quota = (hard: Record<string, string>, spec: KObject = {}): KObject => ({ spec: { hard, ...spec } });

test('pods and compute resources over pods that have not finished', () => {
  const pods = [
    pod('a', [c({ cpu: '100m', memory: '64Mi' }, { cpu: '200m', memory: '128Mi' }), c({ cpu: '150m' })]),
    pod('b', [c({ cpu: '1', memory: '1Gi' }, { cpu: '1', memory: '1Gi' })]),
    pod('done', [c({ cpu: '5' })], { status: { phase: 'Succeeded' } }),
    pod('failed', [c({ cpu: '5' })], { status: { phase: 'Failed' } }),
  ];
  const used = computeUsed(quota({ pods: '10', 'requests.cpu': '4', 'requests.memory': '4Gi', 'limits.cpu': '4', 'limits.memory': '4Gi', cpu: '4', memory: '4Gi', 'count/pods': '9' }), inputs(pods), NOW);
  assert.deepEqual(used, { pods: '2', 'count/pods': '2', 'requests.cpu': '1250m', cpu: '1250m', 'requests.memory': '1088Mi', memory: '1088Mi', 'limits.cpu': '1200m', 'limits.memory': '1152Mi' });
});

test('a pod past its deletion grace period stops counting; one still in it counts', () => {
  const leaving = pod('x', [c({ cpu: '1' })], { metadata: { deletionTimestamp: '2025-01-01T00:09:00Z', deletionGracePeriodSeconds: 30 } });
  assert.equal(podCountsForQuota(leaving, NOW), false);
  const inGrace = pod('y', [c({ cpu: '1' })], { metadata: { deletionTimestamp: '2025-01-01T00:09:50Z', deletionGracePeriodSeconds: 30 } });
  assert.equal(podCountsForQuota(inGrace, NOW), true);
});

test('init containers count at their peak; sidecars add to the steady state; overhead is added', () => {
  const p = pod('p', [c({ cpu: '100m', memory: '100Mi' }, { cpu: '100m' })], {
    spec: {
      initContainers: [
        c({ cpu: '500m', memory: '50Mi' }, { cpu: '1' }),
        c({ cpu: '50m', memory: '10Mi' }, undefined, { restartPolicy: 'Always' }),
        c({ cpu: '200m' }),
      ],
      overhead: { cpu: '10m', memory: '1Mi' },
    },
  });
  const req = podResources(p, 'requests');
  // max(100m + 50m sidecar, 500m init, 200m + 50m) + 10m overhead
  assert.equal(req.get('cpu')!.toString(), '510m');
  // max(100Mi + 10Mi, 50Mi, 10Mi + 10Mi) + 1Mi
  assert.equal(req.get('memory')!.toString(), '111Mi');
  const lim = podResources(p, 'limits');
  assert.equal(lim.get('cpu')!.toString(), '1010m');
  assert.equal(lim.has('memory'), false, 'overhead only where a limit is set');
});

test('scopes select pods: BestEffort, NotBestEffort, Terminating, PriorityClass', () => {
  const be = pod('be', [c()]);
  const burst = pod('burst', [c({ cpu: '1' })], { spec: { activeDeadlineSeconds: 60, priorityClassName: 'high' } });
  assert.equal(podMatchesScopes(quota({}, { scopes: ['BestEffort'] }), be), true);
  assert.equal(podMatchesScopes(quota({}, { scopes: ['BestEffort'] }), burst), false);
  assert.equal(podMatchesScopes(quota({}, { scopes: ['NotBestEffort', 'Terminating'] }), burst), true);
  assert.equal(podMatchesScopes(quota({}, { scopes: ['NotTerminating'] }), burst), false);
  const sel = (operator: string, values?: string[]) => quota({}, { scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator, values }] } });
  assert.equal(podMatchesScopes(sel('In', ['high']), burst), true);
  assert.equal(podMatchesScopes(sel('In', ['low']), burst), false);
  assert.equal(podMatchesScopes(sel('NotIn', ['high']), burst), false);
  assert.equal(podMatchesScopes(sel('Exists'), be), false);
  assert.equal(podMatchesScopes(sel('DoesNotExist'), be), true);
  const used = computeUsed(quota({ pods: '5' }, { scopes: ['BestEffort'] }), inputs([be, burst]), NOW);
  assert.deepEqual(used, { pods: '1' });
});

test('object counts, services by type, claims and storage', () => {
  const counts: Record<string, number> = { configmaps: 3, secrets: 2, 'deployments.apps': 4, replicationcontrollers: 1, resourcequotas: 1 };
  const services = [
    { spec: { type: 'ClusterIP', ports: [{ port: 80 }] } },
    { spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 30001 }, { port: 81, nodePort: 30002 }] } },
    { spec: { type: 'LoadBalancer', ports: [{ port: 80, nodePort: 30003 }] } },
  ];
  const pvcs = [
    { spec: { storageClassName: 'fast', resources: { requests: { storage: '1Gi' } } } },
    { spec: { storageClassName: 'slow', resources: { requests: { storage: '512Mi' } } } },
  ];
  const used = computeUsed(
    quota({
      configmaps: '10', secrets: '10', 'count/deployments.apps': '10', replicationcontrollers: '5', resourcequotas: '1', 'count/widgets.example.com': '1',
      services: '10', 'services.nodeports': '5', 'services.loadbalancers': '1', persistentvolumeclaims: '5', 'requests.storage': '10Gi',
      'fast.storageclass.storage.k8s.io/requests.storage': '5Gi', 'fast.storageclass.storage.k8s.io/persistentvolumeclaims': '1', 'example.com/unknown': '1',
    }),
    inputs([], { services, persistentVolumeClaims: pvcs, count: (r) => counts[r] }),
    NOW,
  );
  assert.deepEqual(used, {
    configmaps: '3', secrets: '2', 'count/deployments.apps': '4', replicationcontrollers: '1', resourcequotas: '1',
    services: '3', 'services.nodeports': '3', 'services.loadbalancers': '1', persistentvolumeclaims: '2', 'requests.storage': '1536Mi',
    'fast.storageclass.storage.k8s.io/requests.storage': '1Gi', 'fast.storageclass.storage.k8s.io/persistentvolumeclaims': '1',
  });
});

test('zero usage and value comparison', () => {
  assert.deepEqual(computeUsed(quota({ 'requests.cpu': '1', pods: '1' }), inputs([]), NOW), { 'requests.cpu': '0', pods: '0' });
  assert.equal(sameResourceList({ cpu: '1000m', pods: '2' }, { cpu: '1', pods: '2' }), true);
  assert.equal(sameResourceList({ cpu: '1' }, { cpu: '1', pods: '0' }), false);
  assert.equal(sameResourceList(undefined, {}), true);
});
