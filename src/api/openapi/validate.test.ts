// Tests of field validation: valid objects pass, unknown fields and wrong types are reported in upstream's words, and it is fast.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  base64ErrorOffset,
  cannotBeHandledMessage,
  quantityError,
  strictDecodingMessage,
  timeError,
  unknownFieldWarnings,
  validateObject,
} from './validate.js';

function deployment(): Record<string, any> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'default',
      labels: { app: 'web' },
      annotations: { 'a/b': 'c' },
      creationTimestamp: '2024-02-29T10:00:00Z',
      generation: 3,
      finalizers: ['x'],
      ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'x', uid: 'u', controller: true }],
      managedFields: [{ manager: 'kubectl', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } }, time: '2024-01-01T00:00:00+01:00' }],
    },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'nginx',
              command: ['sh', '-c'],
              ports: [{ containerPort: 80, protocol: 'TCP' }],
              env: [{ name: 'A', value: 'b' }, { name: 'B', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
              resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: 0.25, memory: 1e9 } },
              readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 5 },
              livenessProbe: { tcpSocket: { port: 80 } },
              securityContext: { runAsUser: 1000, privileged: false },
              volumeMounts: [{ name: 'data', mountPath: '/data' }],
            },
          ],
          volumes: [{ name: 'data', emptyDir: { sizeLimit: '1Gi' } }],
          terminationGracePeriodSeconds: 30,
          nodeSelector: { disk: 'ssd' },
          tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 60 }],
        },
      },
    },
    status: { replicas: 3, observedGeneration: 3, conditions: [{ type: 'Available', status: 'True', lastUpdateTime: '2024-01-01T00:00:00Z' }] },
  };
}

test('valid Deployments, Pods, Services and ConfigMaps pass', () => {
  assert.deepEqual(validateObject(deployment(), 'apps', 'v1', 'Deployment'), { unknownFields: [], errors: [] });
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: deployment().spec.template.spec, status: { phase: 'Running', podIP: '10.0.0.1', startTime: '2024-01-01T00:00:00Z' } };
  assert.deepEqual(validateObject(pod, '', 'v1', 'Pod'), { unknownFields: [], errors: [] });
  const svc = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 's' },
    spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080, nodePort: 30080, protocol: 'TCP' }, { port: 443, targetPort: 'https' }] },
  };
  assert.deepEqual(validateObject(svc, '', 'v1', 'Service'), { unknownFields: [], errors: [] });
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' }, binaryData: { bin: 'aGVsbG8=' } };
  assert.deepEqual(validateObject(cm, '', 'v1', 'ConfigMap'), { unknownFields: [], errors: [] });
  const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'Opaque', data: { a: 'aGVsbG8=\n' }, stringData: { b: 'plain' } };
  assert.deepEqual(validateObject(secret, '', 'v1', 'Secret'), { unknownFields: [], errors: [] });
  const lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'l' }, spec: { holderIdentity: 'a', renewTime: '2024-01-01T00:00:00.123456Z', leaseDurationSeconds: 15 } };
  assert.deepEqual(validateObject(lease, 'coordination.k8s.io', 'v1', 'Lease'), { unknownFields: [], errors: [] });
});

test('null is accepted anywhere, as the decoder does', () => {
  const d = deployment();
  d.spec.replicas = null;
  d.spec.template.spec.containers[0].image = null;
  d.metadata.labels = null;
  d.spec.strategy.rollingUpdate.maxSurge = null;
  assert.deepEqual(validateObject(d, 'apps', 'v1', 'Deployment'), { unknownFields: [], errors: [] });
});

test('unknown fields are listed with their paths, nested and in lists, in encounter order', () => {
  const d = deployment();
  d.spec.foo = 1;
  d.spec.template.spec.containers[0].bar = 'x';
  d.spec.template.spec.containers.push({ name: 'two', image: 'busybox', ports: [{ containerPort: 1, hostPortt: 2 }] });
  d.metadata.Labels = {};
  d.status.conditions[0].extra = true;
  d.top = 1;
  const r = validateObject(d, 'apps', 'v1', 'Deployment');
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.unknownFields, [
    'metadata.Labels',
    'spec.template.spec.containers[0].bar',
    'spec.template.spec.containers[1].ports[0].hostPortt',
    'spec.foo', // added last to spec: keys are visited in the body's order
    'status.conditions[0].extra',
    'top',
  ]);
  assert.equal(
    cannotBeHandledMessage('Deployment', 'v1', strictDecodingMessage(['spec.foo', 'spec.template.spec.containers[0].bar'])),
    'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo", unknown field "spec.template.spec.containers[0].bar"',
  );
  assert.deepEqual(unknownFieldWarnings(['spec.foo']), ['unknown field "spec.foo"']);
});

test('free-form values (fieldsV1, RawExtension) accept anything', () => {
  const rev = { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'r' }, revision: 2, data: { spec: { anything: [1, { x: true }] } } };
  assert.deepEqual(validateObject(rev, 'apps', 'v1', 'ControllerRevision'), { unknownFields: [], errors: [] });
});

test('wrong types are reported as the decoder words them', () => {
  const cases: [(d: Record<string, any>) => void, string, string][] = [
    [(d) => (d.spec.replicas = '3'), 'spec.replicas', 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32'],
    [(d) => (d.spec.replicas = 1.5), 'spec.replicas', 'json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32'],
    [(d) => (d.spec.replicas = 3000000000), 'spec.replicas', 'json: cannot unmarshal number 3000000000 into Go struct field DeploymentSpec.spec.replicas of type int32'],
    [(d) => (d.spec = 'x'), 'spec', 'json: cannot unmarshal string into Go struct field Deployment.spec of type v1.DeploymentSpec'],
    [(d) => (d.spec.template.spec.containers = {}), 'spec.template.spec.containers', 'json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container'],
    [(d) => (d.spec.template.spec.containers[0] = 'c'), 'spec.template.spec.containers[0]', 'json: cannot unmarshal string into Go struct field PodSpec.spec.template.spec.containers of type v1.Container'],
    [(d) => (d.spec.template.spec.containers[0].image = 5), 'spec.template.spec.containers[0].image', 'json: cannot unmarshal number into Go struct field Container.spec.template.spec.containers.image of type string'],
    [(d) => (d.spec.template.spec.containers[0].command = ['sh', 1]), 'spec.template.spec.containers[0].command[1]', 'json: cannot unmarshal number into Go struct field Container.spec.template.spec.containers.command of type string'],
    [(d) => (d.metadata.labels = { a: 1 }), 'metadata.labels.a', 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string'],
    [(d) => (d.metadata.labels = ['a']), 'metadata.labels', 'json: cannot unmarshal array into Go struct field ObjectMeta.metadata.labels of type map[string]string'],
    [(d) => (d.spec.paused = 'true'), 'spec.paused', 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.paused of type bool'],
    [(d) => (d.metadata.generation = 'x'), 'metadata.generation', 'json: cannot unmarshal string into Go struct field ObjectMeta.metadata.generation of type int64'],
    [(d) => (d.spec.strategy.rollingUpdate.maxSurge = true), 'spec.strategy.rollingUpdate.maxSurge', 'json: cannot unmarshal bool into Go value of type int32'],
    [(d) => (d.spec.template.spec.containers[0].resources.limits.cpu = '1Gb'), 'spec.template.spec.containers[0].resources.limits.cpu', "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
    [(d) => (d.spec.template.spec.containers[0].resources.limits.cpu = '1Qi'), 'spec.template.spec.containers[0].resources.limits.cpu', "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
    [(d) => (d.spec.template.spec.containers[0].resources.limits.cpu = '1mi'), 'spec.template.spec.containers[0].resources.limits.cpu', "unable to parse quantity's suffix"],
    [(d) => (d.spec.template.spec.containers[0].resources.limits.cpu = true), 'spec.template.spec.containers[0].resources.limits.cpu', "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
    [(d) => (d.metadata.creationTimestamp = 5), 'metadata.creationTimestamp', 'json: cannot unmarshal number into Go value of type string'],
    [(d) => (d.metadata.creationTimestamp = 'yesterday'), 'metadata.creationTimestamp', 'parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"'],
  ];
  for (const [mutate, field, message] of cases) {
    const d = deployment();
    mutate(d);
    const r = validateObject(d, 'apps', 'v1', 'Deployment');
    assert.equal(r.errors.length, 1, `${field}: ${JSON.stringify(r.errors)}`);
    assert.equal(r.errors[0]!.field, field);
    assert.equal(r.errors[0]!.message, message);
    assert.ok(['FieldValueTypeInvalid', 'FieldValueInvalid'].includes(r.errors[0]!.reason));
  }
  const bad = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: 'not base64!' } };
  assert.deepEqual(validateObject(bad, '', 'v1', 'Secret').errors.map((e) => e.message), ['illegal base64 data at input byte 3']);
});

test('the error the decoder stops at comes first', () => {
  const d = deployment();
  d.spec.replicas = 'x'; // recorded, decoding goes on
  d.spec.template.spec.containers[0].resources.limits.cpu = 'lots'; // a self-decoding type: decoding stops here
  const r = validateObject(d, 'apps', 'v1', 'Deployment');
  assert.equal(r.errors.length, 2);
  assert.match(r.errors[0]!.message, /^quantities must match/);
  assert.match(r.errors[1]!.message, /spec\.replicas of type int32/);
});

test('quantity, time and base64 checks', () => {
  for (const ok of ['1', '1.5', '.5', '1.', '-1', '+2', '100m', '1Ki', '2Gi', '1e3', '1E-3', '5k', '3M', '0']) assert.equal(quantityError(ok), undefined, ok);
  for (const bad of ['', 'x', '1 Gi', 'Gi', '1.2.3']) assert.match(quantityError(bad) ?? '', /^quantities must match/, bad);
  assert.equal(quantityError('1mi'), "unable to parse quantity's suffix");

  for (const ok of ['2024-01-01T00:00:00Z', '2024-02-29T23:59:59+05:30', '2024-01-01T00:00:00.5Z', '1999-12-31T01:02:03-08:00']) assert.equal(timeError(ok, false), undefined, ok);
  assert.equal(timeError('2023-02-29T00:00:00Z', false), 'parsing time "2023-02-29T00:00:00Z": day out of range');
  assert.equal(timeError('2024-01-01 00:00:00Z', false), 'parsing time "2024-01-01 00:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse " 00:00:00Z" as "T"');
  assert.equal(timeError('2024-01-01T00:00:00', false), 'parsing time "2024-01-01T00:00:00" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "Z07:00"');
  assert.equal(timeError('2024-01-01T00:00:00Zjunk', false), 'parsing time "2024-01-01T00:00:00Zjunk": extra text: "junk"');
  assert.equal(timeError('2024-01-01T00:00:00.123456Z', true), undefined);
  assert.match(timeError('2024-01-01T00:00:00Z', true) ?? '', /cannot parse "Z" as ".000000"/);

  assert.equal(base64ErrorOffset('aGVsbG8='), -1);
  assert.equal(base64ErrorOffset('aGVs\nbG8='), -1);
  assert.equal(base64ErrorOffset(''), -1);
  assert.equal(base64ErrorOffset('aGVsbG8'), 4);
  assert.equal(base64ErrorOffset('a=='), 1);
  assert.equal(base64ErrorOffset('aGVsbG8=x'), 8);
});

test('unknown kinds are not validated', () => {
  assert.deepEqual(validateObject({ anything: 1 }, 'example.com', 'v1', 'Widget'), { unknownFields: [], errors: [] });
});

test('validating a Deployment takes microseconds', () => {
  const d = deployment();
  for (let i = 0; i < 2000; i++) validateObject(d, 'apps', 'v1', 'Deployment');
  const n = 20000;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) validateObject(d, 'apps', 'v1', 'Deployment');
  const us = Number(process.hrtime.bigint() - t0) / n / 1000;
  assert.ok(us < 50, `${us.toFixed(2)} µs per Deployment`);
});
