// Tests for the Pod strategy: defaults, validation wording, initial status and QoS, STATUS/READY cells, field selectors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { podStrategy, computePodQOS, podStatusCells, POD_UPDATE_FORBIDDEN } from './pod.js';
import { imageTag } from './pod-defaults.js';
import { causeToString } from '../validation/field.js';
import type { KObject } from '../strategy.js';

const NOW = new Date('2024-05-01T12:00:00Z');

function pod(spec: KObject = {}, extra: KObject = {}): KObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', creationTimestamp: '2024-05-01T11:55:00Z' }, spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec }, ...extra };
}

function defaulted(p: KObject): KObject {
  podStrategy.defaults!(p);
  return p;
}

function errors(p: KObject, old?: KObject): string[] {
  return podStrategy.validate!(p, old).map(causeToString);
}

test('image pull policy follows the tag', () => {
  assert.equal(imageTag('nginx'), 'latest');
  assert.equal(imageTag('nginx:latest'), 'latest');
  assert.equal(imageTag('nginx:1.25'), '1.25');
  assert.equal(imageTag('localhost:5000/busybox'), 'latest');
  assert.equal(imageTag('localhost/busybox:1.35'), '1.35');
  assert.equal(imageTag('busybox@sha256:' + 'a'.repeat(64)), '');
  assert.equal(imageTag('Nginx'), undefined);
});

test('defaults match upstream and are idempotent', () => {
  const p = defaulted(pod({
    containers: [
      { name: 'a', image: 'nginx', ports: [{ containerPort: 80 }], env: [{ name: 'N', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }], resources: { limits: { cpu: '1000m', memory: '1024Mi' } }, livenessProbe: { httpGet: { port: 80 } } },
      { name: 'b', image: 'localhost/busybox:1.35' },
    ],
    volumes: [{ name: 's', secret: { secretName: 'x' } }, { name: 'e' }, { name: 'h', hostPath: { path: '/x' } }, { name: 't', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }],
  }));
  const s = p.spec;
  assert.equal(s.restartPolicy, 'Always');
  assert.equal(s.dnsPolicy, 'ClusterFirst');
  assert.equal(s.schedulerName, 'default-scheduler');
  assert.equal(s.terminationGracePeriodSeconds, 30);
  assert.deepEqual(s.securityContext, {});
  assert.equal(s.enableServiceLinks, true);
  const [a, b] = s.containers;
  assert.equal(a.imagePullPolicy, 'Always');
  assert.equal(b.imagePullPolicy, 'IfNotPresent');
  assert.equal(a.terminationMessagePath, '/dev/termination-log');
  assert.equal(a.terminationMessagePolicy, 'File');
  assert.equal(a.ports[0].protocol, 'TCP');
  assert.equal(a.env[0].valueFrom.fieldRef.apiVersion, 'v1');
  assert.deepEqual(a.resources, { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1', memory: '1Gi' } });
  assert.deepEqual(b.resources, {});
  assert.deepEqual(a.livenessProbe, { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
  assert.equal(s.volumes[0].secret.defaultMode, 420);
  assert.deepEqual(s.volumes[1].emptyDir, {});
  assert.equal(s.volumes[2].hostPath.type, '');
  assert.equal(s.volumes[3].projected.defaultMode, 420);
  assert.equal(s.volumes[3].projected.sources[0].serviceAccountToken.expirationSeconds, 3600);
  const again = structuredClone(p);
  podStrategy.defaults!(again);
  assert.deepEqual(again, p);
});

test('serviceAccount alias and hostNetwork ports', () => {
  const p = defaulted(pod({ serviceAccount: 'builder', hostNetwork: true, containers: [{ name: 'c', image: 'x:1', ports: [{ containerPort: 8080 }] }] }));
  assert.equal(p.spec.serviceAccountName, 'builder');
  assert.equal(p.spec.containers[0].ports[0].hostPort, 8080);
});

test('valid pod has no errors; key messages are exact', () => {
  assert.deepEqual(errors(defaulted(pod())), []);
  assert.deepEqual(errors(defaulted(pod({ containers: [] }))), ['spec.containers: Required value']);
  const e = errors(defaulted(pod({ restartPolicy: 'Sometimes', containers: [{ name: 'Bad_Name', image: '' }, { name: 'c', image: 'x', ports: [{ containerPort: 70000 }] }, { name: 'c', image: 'y' }] })));
  assert.ok(e.includes(`spec.containers[0].name: Invalid value: "Bad_Name": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`), e.join('\n'));
  assert.ok(e.includes('spec.containers[0].image: Required value'));
  assert.ok(e.includes('spec.containers[1].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive'));
  assert.ok(e.includes('spec.containers[2].name: Duplicate value: "c"'));
  assert.ok(e.includes('spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"'));
});

test('requests above limits', () => {
  const p = pod({ containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }] });
  assert.ok(errors(defaulted(p)).includes('spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1'));
  const bad = pod({ containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: 'lots' } } }] });
  assert.ok(errors(defaulted(bad)).some((m) => m.startsWith('spec.containers[0].resources.requests[cpu]: Invalid value: "lots": quantities must match')));
});

test('volume mounts must name volumes', () => {
  const e = errors(defaulted(pod({ containers: [{ name: 'c', image: 'x', volumeMounts: [{ name: 'missing', mountPath: '/m' }] }] })));
  assert.deepEqual(e, ['spec.containers[0].volumeMounts[0].name: Not found: "missing"']);
});

test('updates may change only images, deadlines and tolerations', () => {
  const old = defaulted(pod());
  const newImage = structuredClone(old);
  newImage.spec.containers[0].image = 'nginx:2';
  assert.deepEqual(errors(newImage, old), []);
  const changed = structuredClone(old);
  changed.spec.restartPolicy = 'Never';
  assert.deepEqual(errors(changed, old), [`spec: Forbidden: ${POD_UPDATE_FORBIDDEN}`]);
  assert.ok(POD_UPDATE_FORBIDDEN.startsWith('pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)'));
  const tol = structuredClone(old);
  tol.spec.tolerations = [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }];
  assert.deepEqual(errors(tol, old), []);
});

test('initial status and QoS', () => {
  const p = defaulted(pod({ containers: [{ name: 'c', image: 'x', resources: { limits: { cpu: '1', memory: '1Gi' } } }] }));
  p.status = { phase: 'Running', podIP: '1.2.3.4' };
  podStrategy.prepareForCreate!(p);
  assert.deepEqual(p.status, { phase: 'Pending', qosClass: 'Guaranteed' });
  assert.equal(computePodQOS(pod()), 'BestEffort');
  assert.equal(computePodQOS(pod({ containers: [{ name: 'c', resources: { requests: { cpu: '100m' } } }] })), 'Burstable');
  const gated = pod({ schedulingGates: [{ name: 'g' }] });
  podStrategy.prepareForCreate!(gated);
  assert.equal(gated.status.conditions[0].reason, 'SchedulingGated');
});

test('STATUS, READY and RESTARTS cells follow the printer', () => {
  const base = pod({ containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] });
  const cells = (status: KObject, extra: KObject = {}) => podStatusCells({ ...base, ...extra, status }, NOW);
  assert.deepEqual(cells({ phase: 'Pending' }), { ready: '0/2', status: 'Pending', restarts: '0' });
  assert.equal(cells({ phase: 'Pending', containerStatuses: [{ name: 'a', state: { waiting: { reason: 'ContainerCreating' } } }, { name: 'b', state: { waiting: { reason: 'ContainerCreating' } } }] }).status, 'ContainerCreating');
  const running = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'a', ready: true, restartCount: 0, state: { running: {} } }, { name: 'b', ready: true, restartCount: 2, state: { running: {} }, lastState: { terminated: { finishedAt: '2024-05-01T11:58:00Z' } } }] };
  assert.deepEqual(cells(running), { ready: '2/2', status: 'Running', restarts: '2 (2m ago)' });
  assert.equal(cells({ phase: 'Running', containerStatuses: [{ name: 'a', state: { waiting: { reason: 'CrashLoopBackOff' } }, restartCount: 3 }] }).status, 'CrashLoopBackOff');
  assert.equal(cells({ phase: 'Succeeded', containerStatuses: [{ name: 'a', state: { terminated: { reason: 'Completed', exitCode: 0 } } }] }).status, 'Completed');
  assert.equal(cells({ phase: 'Running', containerStatuses: [{ name: 'a', state: { terminated: { exitCode: 2 } } }] }).status, 'ExitCode:2');
  assert.equal(cells(running, { metadata: { ...base.metadata, deletionTimestamp: '2024-05-01T11:59:00Z' } }).status, 'Terminating');
  const withInit = { ...base, spec: { ...base.spec, initContainers: [{ name: 'i1', image: 'x' }, { name: 'i2', image: 'x' }] } };
  assert.equal(podStatusCells({ ...withInit, status: { phase: 'Pending', initContainerStatuses: [{ name: 'i1', state: { running: {} } }, { name: 'i2', state: { waiting: { reason: 'PodInitializing' } } }] } }, NOW).status, 'Init:0/2');
  assert.equal(podStatusCells({ ...withInit, status: { phase: 'Pending', initContainerStatuses: [{ name: 'i1', state: { terminated: { exitCode: 0 } } }, { name: 'i2', state: { waiting: { reason: 'CrashLoopBackOff' } } }] } }, NOW).status, 'Init:CrashLoopBackOff');
  assert.equal(podStatusCells({ ...withInit, status: { phase: 'Pending', initContainerStatuses: [{ name: 'i1', state: { terminated: { exitCode: 1, reason: 'Error' } } }] } }, NOW).status, 'Init:Error');
});

test('table row and field selectors', () => {
  const p = defaulted(pod());
  p.spec.nodeName = 'n1';
  p.status = { phase: 'Running', podIP: '10.244.0.5', containerStatuses: [{ name: 'c', ready: true, state: { running: {} } }] };
  podStrategy.defaults!(p);
  const t = podStrategy.table!;
  assert.deepEqual(t.columns.map((c) => c.name), ['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP', 'Node', 'Nominated Node', 'Readiness Gates']);
  assert.deepEqual(t.cells(p, NOW), ['p', '1/1', 'Running', '0', '5m', '10.244.0.5', 'n1', '<none>', '<none>']);
  assert.deepEqual(p.status.podIPs, [{ ip: '10.244.0.5' }]);
  assert.deepEqual(podStrategy.selectableFields!(p), {
    'spec.nodeName': 'n1', 'spec.restartPolicy': 'Always', 'spec.schedulerName': 'default-scheduler', 'spec.serviceAccountName': '',
    'spec.hostNetwork': 'false', 'status.phase': 'Running', 'status.podIP': '10.244.0.5', 'status.nominatedNodeName': '',
  });
});
