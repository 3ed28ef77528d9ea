// Round trips: JSON → protobuf → JSON for realistic objects of every kind, and byte stability of the encoder.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeKubernetesProtobuf, decodeMessage } from './decode.js';
import { encodeKubernetesProtobuf, encodeMessage } from './encode.js';
import { KINDS, messageForKind } from './schema.js';
import { ProtobufError } from './wire.js';
import { FIXTURES } from './test-fixtures.js';

for (const { name, obj } of FIXTURES) {
  test(`round trip: ${name}`, () => {
    const bytes = encodeKubernetesProtobuf(obj);
    assert.deepEqual(bytes.subarray(0, 4), Buffer.from('k8s\0', 'latin1'));
    const back = decodeKubernetesProtobuf(bytes);
    assert.deepEqual(back, obj);
    // decoding then encoding again gives the same bytes (what Go writes is a fixed point)
    assert.deepEqual(encodeKubernetesProtobuf(back), bytes);
  });
}

test('every kind of the fixtures is registered and every registered kind encodes an empty object', () => {
  for (const [apiVersion, kinds] of Object.entries(KINDS)) {
    for (const kind of kinds) {
      assert.ok(messageForKind(apiVersion, kind), `${apiVersion} ${kind}`);
      const back = decodeKubernetesProtobuf(encodeKubernetesProtobuf({ apiVersion, kind }));
      assert.equal(back.kind, kind);
      assert.equal(back.apiVersion, apiVersion);
      // and the zero object is stable
      assert.deepEqual(decodeKubernetesProtobuf(encodeKubernetesProtobuf(back)), back);
    }
  }
});

test('zero values: Go writes non-pointer fields, JSON leaves out omitempty ones', () => {
  // a Deployment with nothing set: what Go would print for a zero apps/v1 Deployment
  const back = decodeKubernetesProtobuf(encodeKubernetesProtobuf({ apiVersion: 'apps/v1', kind: 'Deployment' }));
  assert.deepEqual(back, {
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    metadata: { creationTimestamp: null },
    spec: { selector: null, template: { metadata: { creationTimestamp: null }, spec: { containers: null } }, strategy: {} },
    status: {},
  });
  // a ServicePort: port and targetPort are always there
  const svc = decodeKubernetesProtobuf(encodeKubernetesProtobuf({ apiVersion: 'v1', kind: 'Service', spec: { ports: [{}] } }));
  assert.deepEqual((svc.spec as { ports: unknown[] }).ports, [{ port: 0, targetPort: 0 }]);
  // ContainerPort.containerPort likewise
  const pod = decodeKubernetesProtobuf(encodeKubernetesProtobuf({ apiVersion: 'v1', kind: 'Pod', spec: { containers: [{ name: 'c', ports: [{}] }] } }));
  assert.deepEqual((pod.spec as { containers: unknown[] }).containers, [{ name: 'c', ports: [{ containerPort: 0 }], resources: {} }]);
});

test('pointer fields keep zero values; omitempty scalars drop them', () => {
  const d = decodeKubernetesProtobuf(
    encodeKubernetesProtobuf({ apiVersion: 'apps/v1', kind: 'Deployment', spec: { replicas: 0, minReadySeconds: 0, paused: false, template: { spec: { containers: [] } } } }),
  );
  const spec = d.spec as Record<string, unknown>;
  assert.equal(spec.replicas, 0);
  assert.equal('minReadySeconds' in spec, false);
  assert.equal('paused' in spec, false);
});

test('IntOrString: int, string and zero', () => {
  for (const targetPort of [8080, 'http', 0, -1]) {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { creationTimestamp: null }, spec: { ports: [{ port: 80, targetPort }] }, status: { loadBalancer: {} } };
    assert.deepEqual(decodeKubernetesProtobuf(encodeKubernetesProtobuf(svc)), svc);
  }
});

test('Secret data: bytes on the wire, base64 in JSON; a nil value decodes to null', () => {
  const raw = Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00]);
  const bytes = encodeKubernetesProtobuf({ apiVersion: 'v1', kind: 'Secret', data: { k: raw.toString('base64'), nil: null } });
  // the raw bytes appear verbatim in the body
  assert.ok(bytes.includes(raw));
  const back = decodeKubernetesProtobuf(bytes);
  assert.deepEqual(back.data, { k: '3q2+7wA=', nil: null });
});

test('map keys are written in Go order (bytewise UTF-8) and decode to own properties, even __proto__', () => {
  const data = { b: '2', a: '1', 'é': '3', '\u{1F600}': '4', '\uFF01': '5', __proto__x: '6' };
  const bytes = encodeMessage('core.ConfigMap', { data });
  const keys: string[] = [];
  const text = bytes.toString('utf8');
  for (const k of Object.keys(data)) keys.push(k);
  const order = [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
  const positions = order.map((k) => text.indexOf(k));
  assert.deepEqual([...positions].sort((x, y) => x - y), positions);
  // __proto__ as a map key (possible on the wire) stays data
  const cm = decodeMessage('core.ConfigMap', Buffer.from([0x12, 0x0f, 0x0a, 0x09, ...Buffer.from('__proto__'), 0x12, 0x02, 0x68, 0x69]));
  const d = cm.data as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(d), Object.prototype);
  assert.deepEqual(Object.keys(d), ['__proto__']);
  assert.equal(Object.getOwnPropertyDescriptor(d, '__proto__')?.value, 'hi');
});

test('times: whole seconds for Time, microseconds for MicroTime, zero time is null', () => {
  const lease = {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { creationTimestamp: '1970-01-01T00:00:00Z', deletionTimestamp: '2024-02-29T23:59:59+02:00' },
    spec: { acquireTime: '2024-02-29T23:59:59.1234567Z', renewTime: '0001-01-01T00:00:00Z' },
  };
  const back = decodeKubernetesProtobuf(encodeKubernetesProtobuf(lease));
  assert.deepEqual(back.metadata, { creationTimestamp: '1970-01-01T00:00:00Z', deletionTimestamp: '2024-02-29T21:59:59Z' });
  assert.deepEqual(back.spec, { acquireTime: '2024-02-29T23:59:59.123456Z', renewTime: null });
});

test('encoder: wrong JSON types are ProtobufErrors naming the field; unknown keys are dropped', () => {
  assert.throws(() => encodeKubernetesProtobuf({ apiVersion: 'apps/v1', kind: 'Deployment', spec: { replicas: 'three' } }), (e: unknown) => e instanceof ProtobufError && /apps\.DeploymentSpec\.replicas/.test(e.message));
  assert.throws(() => encodeKubernetesProtobuf({ apiVersion: 'v1', kind: 'ConfigMap', data: ['x'] }), ProtobufError);
  assert.throws(() => encodeKubernetesProtobuf({ apiVersion: 'v1', kind: 'Pod', spec: { containers: [{ name: 'c', ports: [{ containerPort: 2 ** 40 }] }] } }), ProtobufError);
  assert.throws(() => encodeKubernetesProtobuf({ apiVersion: 'v1', kind: 'Nope' }), /no kind "Nope" is registered for version "v1"/);
  assert.throws(() => encodeKubernetesProtobuf({ kind: 'Pod' }), /apiVersion/);
  const back = decodeKubernetesProtobuf(encodeKubernetesProtobuf({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', bogus: 1 }, extra: true }));
  assert.deepEqual(back, { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'x', creationTimestamp: null } });
});

test('meta kinds are accepted under any served group version', () => {
  for (const apiVersion of ['v1', 'apps/v1', 'batch/v1', 'rbac.authorization.k8s.io/v1']) {
    const obj = { kind: 'DeleteOptions', apiVersion, propagationPolicy: 'Orphan', dryRun: ['All'] };
    assert.deepEqual(decodeKubernetesProtobuf(encodeKubernetesProtobuf(obj)), obj);
  }
});

test('a WatchEvent carries a nested protobuf object in its RawExtension', () => {
  const inner = encodeKubernetesProtobuf({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 'b' } });
  // hand-built: WatchEvent {type = 1 "ADDED", object = 2 RawExtension {raw = 1 inner}}
  const raw = Buffer.concat([Buffer.from([0x0a]), varint(inner.length), inner]);
  const ev = Buffer.concat([Buffer.from([0x0a, 5]), Buffer.from('ADDED'), Buffer.from([0x12]), varint(raw.length), raw]);
  assert.deepEqual(decodeMessage('meta.WatchEvent', ev), { type: 'ADDED', object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'x', creationTimestamp: null }, data: { a: 'b' } } });
});

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
}
