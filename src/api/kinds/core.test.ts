// Tests for the core kinds: Namespace, Node, ConfigMap, Secret, Event (both groups), Endpoints, PV/PVC, RBAC, others.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { namespaceStrategy } from './namespace.js';
import { nodeStrategy } from './node.js';
import { configMapStrategy } from './configmap.js';
import { secretStrategy, decodeBase64Strict, secretDecodeError } from './secret.js';
import { eventStrategy, eventsV1Strategy } from './event.js';
import { endpointsStrategy } from './endpoints.js';
import { endpointSliceStrategy } from './endpointslice.js';
import { persistentVolumeStrategy } from './persistentvolume.js';
import { persistentVolumeClaimStrategy } from './persistentvolumeclaim.js';
import { roleBindingStrategy, roleStrategy } from './rbac.js';
import { priorityClassStrategy } from './priorityclass.js';
import { leaseStrategy } from './lease.js';
import { limitRangeStrategy } from './limitrange.js';
import { resourceQuotaStrategy } from './resourcequota.js';
import { controllerRevisionStrategy } from './controllerrevision.js';
import { causeToString } from '../validation/field.js';
import type { KindStrategy, KObject } from '../strategy.js';

const NOW = new Date('2024-05-01T12:00:00Z');
const meta = (extra: KObject = {}) => ({ name: 'x', namespace: 'default', creationTimestamp: '2024-04-29T09:00:00Z', ...extra });
const errs = (s: KindStrategy, o: KObject, old?: KObject) => s.validate!(o, old).map(causeToString);

test('namespace', () => {
  const ns: KObject = { metadata: { name: 'team-a', creationTimestamp: '2024-04-29T09:00:00Z' }, spec: {} };
  namespaceStrategy.defaults!(ns);
  assert.equal(ns.metadata.labels['kubernetes.io/metadata.name'], 'team-a');
  namespaceStrategy.prepareForCreate!(ns);
  assert.deepEqual(ns.spec.finalizers, ['kubernetes']);
  assert.deepEqual(ns.status, { phase: 'Active' });
  assert.deepEqual(errs(namespaceStrategy, ns), []);
  const upd = structuredClone(ns);
  upd.spec.finalizers = [];
  namespaceStrategy.prepareForUpdate!(upd, ns);
  assert.deepEqual(upd.spec.finalizers, ['kubernetes']);
  assert.deepEqual(errs(namespaceStrategy, { metadata: { name: 'a' }, spec: { finalizers: ['foo'] } }), ['spec.finalizers: Invalid value: "foo": name is neither a standard finalizer name nor is it fully qualified']);
  assert.deepEqual(namespaceStrategy.table!.cells(ns, NOW), ['team-a', 'Active', '2d3h']);
  assert.deepEqual(namespaceStrategy.selectableFields!(ns), { 'status.phase': 'Active' });
});

test('node', () => {
  const node: KObject = {
    metadata: { name: 'n1', creationTimestamp: '2024-05-01T11:59:30Z', labels: { 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/role': 'worker' } },
    spec: { podCIDR: '10.244.1.0/24', unschedulable: true },
    status: {
      capacity: { cpu: '2', memory: '4030000Ki', pods: '110' },
      conditions: [{ type: 'Ready', status: 'True' }],
      addresses: [{ type: 'InternalIP', address: '10.0.0.5' }, { type: 'Hostname', address: 'n1' }],
      nodeInfo: { kubeletVersion: 'v1.32.0-k8ts', osImage: 'Debian GNU/Linux 12', kernelVersion: '6.1.0', containerRuntimeVersion: 'containerd://1.6.20' },
    },
  };
  nodeStrategy.defaults!(node);
  assert.deepEqual(node.spec.podCIDRs, ['10.244.1.0/24']);
  assert.deepEqual(node.status.allocatable, node.status.capacity);
  const again = structuredClone(node);
  nodeStrategy.defaults!(again);
  assert.deepEqual(again, node);
  assert.deepEqual(errs(nodeStrategy, node), []);
  const t = nodeStrategy.table!;
  assert.deepEqual(t.columns.map((c) => c.name), ['Name', 'Status', 'Roles', 'Age', 'Version', 'Internal-IP', 'External-IP', 'OS-Image', 'Kernel-Version', 'Container-Runtime']);
  assert.deepEqual(t.cells(node, NOW), ['n1', 'Ready,SchedulingDisabled', 'control-plane,worker', '30s', 'v1.32.0-k8ts', '10.0.0.5', '<none>', 'Debian GNU/Linux 12', '6.1.0', 'containerd://1.6.20']);
  assert.equal(t.cells({ metadata: { name: 'n2' } }, NOW)[1], 'Unknown');
  assert.deepEqual(nodeStrategy.selectableFields!(node), { 'spec.unschedulable': 'true' });
  const moved = structuredClone(node);
  moved.spec.podCIDRs = ['10.244.2.0/24'];
  moved.spec.podCIDR = '10.244.2.0/24';
  assert.deepEqual(errs(nodeStrategy, moved, node), ['spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid']);
  const tainted = structuredClone(node);
  tainted.spec.taints = [{ key: 'a', effect: 'NoSchedule' }, { key: 'a', effect: 'NoSchedule' }, { key: 'b', effect: 'Sometimes' }];
  const e = errs(nodeStrategy, tainted);
  assert.ok(e.some((m) => m.startsWith('metadata.taints[1]: Duplicate value: core.Taint{Key:"a"') && m.endsWith('taints must be unique by key and effect pair')), e.join('\n'));
  assert.ok(e.includes('metadata.taints[2].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"'));
});

test('configmap', () => {
  const cm: KObject = { metadata: meta(), data: { 'app.conf': 'x', 'bad key': 'y' }, binaryData: { bin: 'AAEC' } };
  assert.deepEqual(errs(configMapStrategy, cm), [`data[bad key]: Invalid value: "bad key": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`]);
  assert.deepEqual(configMapStrategy.table!.cells(cm, NOW), ['x', 3, '2d3h']);
  const big: KObject = { metadata: meta(), data: { a: 'x'.repeat(1024 * 1024 + 1) } };
  assert.deepEqual(errs(configMapStrategy, big), [': Too long: may not be more than 1048576 bytes']);
  const frozen: KObject = { metadata: meta(), immutable: true, data: { a: '1' } };
  const changed = { ...structuredClone(frozen), data: { a: '2' } };
  assert.deepEqual(errs(configMapStrategy, changed, frozen), ['data: Forbidden: field is immutable when `immutable` is set']);
});

test('secret', () => {
  const s: KObject = { metadata: meta(), data: { a: Buffer.from('hello').toString('base64') }, stringData: { b: 'world', a: 'override' } };
  secretStrategy.defaults!(s);
  assert.equal(s.type, 'Opaque');
  assert.equal(s.stringData, undefined);
  assert.equal(Buffer.from(s.data.a, 'base64').toString(), 'override');
  assert.equal(Buffer.from(s.data.b, 'base64').toString(), 'world');
  const again = structuredClone(s);
  secretStrategy.defaults!(again);
  assert.deepEqual(again, s);
  assert.deepEqual(errs(secretStrategy, s), []);
  assert.deepEqual(secretStrategy.table!.cells(s, NOW), ['x', 'Opaque', 2, '2d3h']);
  assert.deepEqual(secretStrategy.selectableFields!(s), { type: 'Opaque' });
  const bad: KObject = { metadata: meta(), type: 'Opaque', data: { a: 'not base64!' } };
  assert.deepEqual(errs(secretStrategy, bad), ['data[a]: Invalid value: "<secret contents redacted>": illegal base64 data at input byte 3']);
  assert.equal(secretDecodeError(bad), 'illegal base64 data at input byte 3');
  assert.equal(decodeBase64Strict('aGVsbG8').error, 'illegal base64 data at input byte 4');
  const tls: KObject = { metadata: meta(), type: 'kubernetes.io/tls', data: {} };
  assert.deepEqual(errs(secretStrategy, tls), ['data[tls.crt]: Required value', 'data[tls.key]: Required value']);
  const retyped = { ...structuredClone(s), type: 'kubernetes.io/tls' };
  assert.ok(errs(secretStrategy, retyped, s).includes('type: Invalid value: "kubernetes.io/tls": field is immutable'));
});

test('events: validation, selectors, table in both groups', () => {
  const ev: KObject = {
    apiVersion: 'v1', kind: 'Event', metadata: { name: 'p.1', namespace: 'default' },
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-1', fieldPath: 'spec.containers{c}' },
    reason: 'Pulled', message: 'Pulled image ', type: 'Normal', source: { component: 'kubelet', host: 'n1' },
    firstTimestamp: '2024-05-01T11:50:00Z', lastTimestamp: '2024-05-01T11:58:00Z', count: 3,
  };
  eventStrategy.defaults!(ev);
  assert.equal(ev.eventTime, null);
  assert.equal(ev.reportingComponent, '');
  assert.deepEqual(errs(eventStrategy, ev), []);
  const wrongNs = { ...structuredClone(ev), involvedObject: { ...ev.involvedObject, namespace: 'other' } };
  assert.deepEqual(errs(eventStrategy, wrongNs), ['involvedObject.namespace: Invalid value: "other": does not match event.namespace']);
  const t = eventStrategy.table!;
  assert.deepEqual(t.columns.map((c) => c.name), ['Last Seen', 'Type', 'Reason', 'Object', 'Subobject', 'Source', 'Message', 'First Seen', 'Count', 'Name']);
  assert.deepEqual(t.cells(ev, NOW), ['2m', 'Normal', 'Pulled', 'pod/web-1', 'spec.containers{c}', 'kubelet, n1', 'Pulled image', '10m', 3, 'p.1']);
  const f = eventStrategy.selectableFields!(ev);
  assert.equal(f['involvedObject.name'], 'web-1');
  assert.equal(f.source, 'kubelet');
  // events.k8s.io: strict rules
  const v1: KObject = {
    apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'e', namespace: 'default' }, eventTime: '2024-05-01T11:59:00.000000Z',
    reportingController: 'k8ts.io/scheduler', reportingInstance: 'sched-1', action: 'Binding', reason: 'Scheduled', regarding: { kind: 'Pod', namespace: 'default', name: 'web-1' }, note: 'ok', type: 'Normal',
  };
  assert.deepEqual(errs(eventsV1Strategy, v1), []);
  const noTime = { ...structuredClone(v1), eventTime: undefined, deprecatedCount: 2, type: 'Odd' };
  const e = errs(eventsV1Strategy, noTime);
  assert.ok(e.includes('eventTime: Required value'), e.join('\n'));
  assert.ok(e.includes('type: Invalid value: "": has invalid value: Odd'));
  assert.ok(e.includes('count: Invalid value: "": needs to be unset'));
  assert.deepEqual(eventsV1Strategy.table!.cells(v1, NOW).slice(0, 4), ['60s', 'Normal', 'Scheduled', 'pod/web-1']);
  assert.equal(eventsV1Strategy.selectableFields!(v1)['regarding.name'], 'web-1');
  assert.equal(eventsV1Strategy.selectableFields!(v1).reportingController, 'k8ts.io/scheduler');
});

test('endpoints and endpoint slices', () => {
  const ep: KObject = { metadata: meta(), subsets: [{ addresses: [{ ip: '10.244.0.5' }, { ip: '10.244.0.6' }], ports: [{ port: 80 }, { port: 443, name: 'https' }] }] };
  endpointsStrategy.defaults!(ep);
  assert.equal(ep.subsets[0].ports[0].protocol, 'TCP');
  assert.deepEqual(errs(endpointsStrategy, ep), ['subsets[0].ports[0].name: Required value']);
  assert.deepEqual(endpointsStrategy.table!.cells(ep, NOW), ['x', '10.244.0.5:80,10.244.0.6:80,10.244.0.5:443 + 1 more...', '2d3h']);
  assert.equal(endpointsStrategy.table!.cells({ metadata: meta() }, NOW)[1], '<none>');
  assert.deepEqual(errs(endpointsStrategy, { metadata: meta(), subsets: [{ addresses: [{ ip: '127.0.0.1' }] }] }), ['subsets[0].addresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)']);
  const eps: KObject = { metadata: meta(), addressType: 'IPv4', endpoints: [{ addresses: ['10.244.0.5'] }], ports: [{ port: 80 }] };
  endpointSliceStrategy.defaults!(eps);
  assert.deepEqual(eps.ports[0], { port: 80, name: '', protocol: 'TCP' });
  assert.deepEqual(errs(endpointSliceStrategy, eps), []);
  assert.deepEqual(endpointSliceStrategy.table!.cells(eps, NOW), ['x', 'IPv4', '80', '10.244.0.5', '2d3h']);
  endpointSliceStrategy.prepareForCreate!(eps);
  const moved = structuredClone(eps);
  moved.endpoints[0].addresses = ['10.244.0.9'];
  endpointSliceStrategy.prepareForUpdate!(moved, eps);
  assert.equal(moved.metadata.generation, 2);
  assert.deepEqual(errs(endpointSliceStrategy, { ...moved, addressType: 'IPv6', endpoints: [] }, eps), ['addressType: Invalid value: "IPv6": field is immutable']);
});

test('persistent volumes and claims', () => {
  const pv: KObject = { metadata: { name: 'pv1', creationTimestamp: '2024-05-01T11:00:00Z' }, spec: { capacity: { storage: '1024Mi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data' } } };
  persistentVolumeStrategy.defaults!(pv);
  assert.equal(pv.spec.persistentVolumeReclaimPolicy, 'Retain');
  assert.equal(pv.spec.volumeMode, 'Filesystem');
  assert.equal(pv.spec.capacity.storage, '1Gi');
  assert.deepEqual(errs(persistentVolumeStrategy, pv), []);
  persistentVolumeStrategy.prepareForCreate!(pv);
  assert.equal(pv.status.phase, 'Pending');
  assert.deepEqual(persistentVolumeStrategy.table!.cells(pv, NOW), ['pv1', '1Gi', 'RWO', 'Retain', 'Pending', '', '', '<unset>', '', '60m', 'Filesystem']);
  assert.deepEqual(errs(persistentVolumeStrategy, { metadata: { name: 'p' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] } }), ['spec: Required value: must specify a volume type']);
  const pvc: KObject = { metadata: meta(), spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };
  persistentVolumeClaimStrategy.defaults!(pvc);
  assert.equal(pvc.spec.volumeMode, 'Filesystem');
  assert.deepEqual(errs(persistentVolumeClaimStrategy, pvc), []);
  persistentVolumeClaimStrategy.prepareForCreate!(pvc);
  assert.deepEqual(persistentVolumeClaimStrategy.table!.cells(pvc, NOW), ['x', 'Pending', '', '', '', '', '<unset>', '2d3h', 'Filesystem']);
  assert.deepEqual(errs(persistentVolumeClaimStrategy, { metadata: meta(), spec: { resources: { requests: { storage: '0' } } } }), [
    'spec.accessModes: Required value: at least 1 access mode is required', 'spec.resources[storage]: Invalid value: "0": must be greater than zero',
  ]);
  const resized = structuredClone(pvc);
  resized.spec.storageClassName = 'fast';
  assert.deepEqual(errs(persistentVolumeClaimStrategy, resized, pvc), ['spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims']);
});

test('rbac, priority classes, leases, quotas, limit ranges, revisions', () => {
  assert.deepEqual(errs(roleStrategy, { metadata: meta(), rules: [{ apiGroups: [''], resources: ['pods'], verbs: [] }, { nonResourceURLs: ['/x'], verbs: ['get'] }] }), [
    'rules[0].verbs: Required value: verbs must contain at least one value', 'rules[1].nonResourceURLs: Invalid value: []string{"/x"}: namespaced rules cannot apply to non-resource URLs',
  ]);
  const rb: KObject = { metadata: meta(), roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'User', name: 'alice' }, { kind: 'ServiceAccount', name: 'sa', namespace: 'default' }] };
  roleBindingStrategy.defaults!(rb);
  assert.equal(rb.roleRef.apiGroup, 'rbac.authorization.k8s.io');
  assert.equal(rb.subjects[0].apiGroup, 'rbac.authorization.k8s.io');
  assert.equal(rb.subjects[1].apiGroup, undefined);
  assert.deepEqual(errs(roleBindingStrategy, rb), []);
  const changed = { ...structuredClone(rb), roleRef: { ...rb.roleRef, name: 'other' } };
  assert.deepEqual(errs(roleBindingStrategy, changed, rb), ['roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"other"}: cannot change roleRef']);
  assert.deepEqual(roleBindingStrategy.table!.cells(rb, NOW), ['x', 'Role/r', '2d3h', 'alice', '', 'default/sa']);
  assert.deepEqual(roleStrategy.table!.cells({ metadata: meta() }, NOW), ['x', '2024-04-29T09:00:00Z']);

  const pc: KObject = { metadata: { name: 'high' }, value: 2000000000 };
  priorityClassStrategy.defaults!(pc);
  assert.equal(pc.preemptionPolicy, 'PreemptLowerPriority');
  assert.deepEqual(errs(priorityClassStrategy, pc), ['value: Forbidden: maximum allowed value of a user defined priority is 1000000000']);
  assert.deepEqual(errs(priorityClassStrategy, { metadata: { name: 'system-foo' }, value: 1 }), ["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-foo is not a known system priority class"]);

  assert.deepEqual(errs(leaseStrategy, { metadata: meta(), spec: { leaseDurationSeconds: 0 } }), ['spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0']);
  assert.deepEqual(leaseStrategy.table!.cells({ metadata: meta(), spec: { holderIdentity: 'a_1' } }, NOW), ['x', 'a_1', '2d3h']);

  const rq: KObject = { metadata: meta(), spec: { hard: { pods: '10', 'requests.cpu': '2000m', 'limits.memory': '2Gi' } }, status: { hard: { pods: '10', 'requests.cpu': '2', 'limits.memory': '2Gi' }, used: { pods: '3', 'requests.cpu': '500m' } } };
  resourceQuotaStrategy.defaults!(rq);
  assert.equal(rq.spec.hard['requests.cpu'], '2');
  assert.deepEqual(errs(resourceQuotaStrategy, rq), []);
  assert.deepEqual(resourceQuotaStrategy.table!.cells(rq, NOW), ['x', '2d3h', 'pods: 3/10, requests.cpu: 500m/2', 'limits.memory: 0/2Gi']);

  const lr: KObject = { metadata: meta(), spec: { limits: [{ type: 'Container', max: { cpu: '2' }, min: { cpu: '100m' } }] } };
  limitRangeStrategy.defaults!(lr);
  assert.deepEqual(lr.spec.limits[0].default, { cpu: '2' });
  assert.deepEqual(lr.spec.limits[0].defaultRequest, { cpu: '2' });
  assert.deepEqual(errs(limitRangeStrategy, lr), []);
  const inverted: KObject = { metadata: meta(), spec: { limits: [{ type: 'Container', max: { cpu: '1' }, min: { cpu: '2' }, default: { cpu: '1' }, defaultRequest: { cpu: '1' } }] } };
  assert.ok(errs(limitRangeStrategy, inverted).includes('spec.limits[0].min[cpu]: Invalid value: "2": min value 2 is greater than max value 1'));

  const cr: KObject = { metadata: { ...meta(), ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'ds', uid: 'u', controller: true }] }, data: {}, revision: 2 };
  assert.deepEqual(controllerRevisionStrategy.table!.cells(cr, NOW), ['x', 'daemonset.apps/ds', 2, '2d3h']);
  assert.deepEqual(errs(controllerRevisionStrategy, { metadata: meta(), revision: -1 }), ['data: Required value: data is mandatory', 'revision: Invalid value: -1: must be greater than or equal to 0']);
});
