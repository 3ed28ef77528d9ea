// Tests for RFC 6902 JSON patch: every op, pointer escaping, array indices, upstream's quirks and status codes.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../../api/status.js';
import { MAX_JSON_PATCH_OPERATIONS, PATCH_NOT_APPLICABLE_MESSAGE, applyJsonPatch } from './json-patch.js';

const pod = () => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', labels: { app: 'web', 'app.kubernetes.io/name': 'web' }, annotations: { 'a~b': 'x' } },
  spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }, { name: 'sidecar', image: 'busybox' }] },
});

/** Asserts the call fails with upstream's 422 and that the hidden reason contains `reason`. */
function assert422(fn: () => unknown, reason: string | RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ApiError, String(e));
    assert.equal(e.code, 422);
    assert.equal(e.reason, 'Invalid');
    assert.equal(e.message, PATCH_NOT_APPLICABLE_MESSAGE);
    assert.deepEqual(e.toStatus().details, {});
    const why = (e.cause as Error).message;
    if (typeof reason === 'string') assert.ok(why.includes(reason), why);
    else assert.match(why, reason);
    return true;
  });
}

test('add sets object members, inserts into arrays at an index, appends with "-"', () => {
  const out = applyJsonPatch(pod(), [
    { op: 'add', path: '/metadata/labels/tier', value: 'front' },
    { op: 'add', path: '/spec/containers/1', value: { name: 'init', image: 'alpine' } },
    { op: 'add', path: '/spec/containers/-', value: { name: 'last', image: 'alpine' } },
    { op: 'add', path: '/spec/containers/0/ports', value: [{ containerPort: 80 }] },
  ]) as any;
  assert.equal(out.metadata.labels.tier, 'front');
  assert.deepEqual(out.spec.containers.map((c: any) => c.name), ['nginx', 'init', 'sidecar', 'last']);
  assert.deepEqual(out.spec.containers[0].ports, [{ containerPort: 80 }]);
});

test('add replaces an existing member; add at the array length appends; "" replaces the whole document', () => {
  const out = applyJsonPatch({ a: 1, list: [1, 2] }, [
    { op: 'add', path: '/a', value: 2 },
    { op: 'add', path: '/list/2', value: 3 },
  ]);
  assert.deepEqual(out, { a: 2, list: [1, 2, 3] });
  assert.deepEqual(applyJsonPatch({ a: 1 }, [{ op: 'add', path: '', value: { b: 2 } }]), { b: 2 });
});

test('remove deletes members and array elements', () => {
  const out = applyJsonPatch(pod(), [
    { op: 'remove', path: '/metadata/labels/app' },
    { op: 'remove', path: '/spec/containers/0' },
  ]) as any;
  assert.deepEqual(out.metadata.labels, { 'app.kubernetes.io/name': 'web' });
  assert.deepEqual(out.spec.containers, [{ name: 'sidecar', image: 'busybox' }]);
});

test('replace changes a value; move and copy relocate values', () => {
  const out = applyJsonPatch(pod(), [
    { op: 'replace', path: '/spec/containers/0/image', value: 'nginx:1.27' },
    { op: 'move', from: '/metadata/labels/app', path: '/metadata/labels/role' },
    { op: 'copy', from: '/spec/containers/1', path: '/spec/containers/-' },
    { op: 'move', from: '/spec/containers/0', path: '/spec/containers/-' },
  ]) as any;
  assert.deepEqual(out.metadata.labels, { 'app.kubernetes.io/name': 'web', role: 'web' });
  assert.deepEqual(out.spec.containers.map((c: any) => `${c.name}=${c.image}`), ['sidecar=busybox', 'sidecar=busybox', 'nginx=nginx:1.27']);
  out.spec.containers[0].image = 'changed';
  assert.equal(out.spec.containers[1].image, 'busybox', 'copy is deep');
});

test('test passes on equal values (deep, key order irrelevant) and fails the whole patch otherwise', () => {
  const out = applyJsonPatch(pod(), [
    { op: 'test', path: '/spec/containers/0', value: { image: 'nginx:1.25', name: 'nginx' } },
    { op: 'test', path: '/metadata/name', value: 'web' },
    { op: 'replace', path: '/metadata/name', value: 'web2' },
  ]) as any;
  assert.equal(out.metadata.name, 'web2');
  const original = pod();
  assert422(() => applyJsonPatch(original, [
    { op: 'replace', path: '/metadata/name', value: 'changed' },
    { op: 'test', path: '/metadata/labels/app', value: 'db' },
  ]), 'testing value /metadata/labels/app failed: test failed');
  assert.equal(original.metadata.name, 'web', 'atomic: nothing applied to the input');
  assert422(() => applyJsonPatch({ n: 1 }, [{ op: 'test', path: '/n', value: '1' }]), 'test failed');
});

test('JSON pointer escaping: ~1 is "/", ~0 is "~", decoded in that order', () => {
  const out = applyJsonPatch(pod(), [
    { op: 'replace', path: '/metadata/annotations/a~0b', value: 'y' },
    { op: 'add', path: '/metadata/labels/example.com~1team', value: 'ops' },
    { op: 'add', path: '/metadata/labels/~01', value: 'tilde-one' },
  ]) as any;
  assert.equal(out.metadata.annotations['a~b'], 'y');
  assert.equal(out.metadata.labels['example.com/team'], 'ops');
  assert.equal(out.metadata.labels['~1'], 'tilde-one');
});

test('missing paths, bad indices and unknown ops are 422 Invalid with upstream\'s message', () => {
  assert422(() => applyJsonPatch(pod(), [{ op: 'add', path: '/metadata/missing/x', value: 1 }]), 'add operation does not apply: doc is missing path: "/metadata/missing/x"');
  assert422(() => applyJsonPatch(pod(), [{ op: 'remove', path: '/metadata/labels/nope' }]), 'Unable to remove nonexistent key: nope');
  assert422(() => applyJsonPatch(pod(), [{ op: 'remove', path: '/spec/containers/5' }]), 'invalid index');
  assert422(() => applyJsonPatch(pod(), [{ op: 'add', path: '/spec/containers/3', value: {} }]), 'invalid index');
  assert422(() => applyJsonPatch(pod(), [{ op: 'add', path: '/spec/containers/x', value: {} }]), 'not a proper array index');
  assert422(() => applyJsonPatch(pod(), [{ op: 'replace', path: '/spec/containers/2', value: {} }]), 'doc is missing key');
  assert422(() => applyJsonPatch(pod(), [{ op: 'move', from: '/nope', path: '/x' }]), 'missing value');
  assert422(() => applyJsonPatch(pod(), [{ op: 'move', from: '/spec', path: '/spec/inner' }]), 'inside');
  assert422(() => applyJsonPatch(pod(), [{ op: 'copy', from: '/spec/containers/7', path: '/x' }]), 'error in copy');
  assert422(() => applyJsonPatch(pod(), [{ op: 'copy', from: '/nope/deeper', path: '/x' }]), 'doc is missing from path');
  assert422(() => applyJsonPatch(pod(), [{ op: 'remove', path: '' }]), 'doc is missing path');
  assert422(() => applyJsonPatch(pod(), [{ op: 'add', path: 'metadata/name', value: 1 }]), 'doc is missing path');
  assert422(() => applyJsonPatch(pod(), [{ op: 'frobnicate', path: '/a' }]), 'Unexpected kind: frobnicate');
  assert422(() => applyJsonPatch(pod(), [{ path: '/a' }]), 'Unexpected kind: unknown');
  assert422(() => applyJsonPatch(pod(), [null]), 'Unexpected kind: unknown');
  assert422(() => applyJsonPatch(pod(), [{ op: 'add', value: 1 }]), 'add operation failed to decode path');
});

test('a body that is not an array of objects is 400 in Go decoder wording; null is an empty patch', () => {
  for (const [body, msg] of [
    [{ op: 'add' }, 'json: cannot unmarshal object into Go value of type jsonpatch.Patch'],
    ['x', 'json: cannot unmarshal string into Go value of type jsonpatch.Patch'],
    [['x'], 'json: cannot unmarshal string into Go value of type jsonpatch.Operation'],
    [[1], 'json: cannot unmarshal number into Go value of type jsonpatch.Operation'],
    [[[]], 'json: cannot unmarshal array into Go value of type jsonpatch.Operation'],
  ] as const) {
    assert.throws(() => applyJsonPatch(pod(), body), (e: any) => e instanceof ApiError && e.code === 400 && e.reason === 'BadRequest' && e.message === msg);
  }
  assert.deepEqual(applyJsonPatch(pod(), null), pod());
  assert.deepEqual(applyJsonPatch(pod(), []), pod());
});

test('more than 10,000 operations is 413', () => {
  const ops = Array.from({ length: MAX_JSON_PATCH_OPERATIONS + 1 }, () => ({ op: 'test', path: '/kind', value: 'Pod' }));
  assert.throws(() => applyJsonPatch(pod(), ops), (e: any) =>
    e.code === 413 && e.reason === 'RequestEntityTooLarge' &&
    e.message === 'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001');
  assert.deepEqual(applyJsonPatch(pod(), ops.slice(1)), pod());
});

test('upstream quirks by default, refused in strict mode', () => {
  // replace of a missing member adds it (evanphx/json-patch v4, which kube-apiserver uses)
  assert.deepEqual(applyJsonPatch({ spec: {} }, [{ op: 'replace', path: '/spec/replicas', value: 3 }]), { spec: { replicas: 3 } });
  assert422(() => applyJsonPatch({ spec: {} }, [{ op: 'replace', path: '/spec/replicas', value: 3 }], { strict: true }), 'doc is missing key');
  // test of a missing member against null passes
  assert.deepEqual(applyJsonPatch({ a: 1 }, [{ op: 'test', path: '/b', value: null }]), { a: 1 });
  assert422(() => applyJsonPatch({ a: 1 }, [{ op: 'test', path: '/b', value: null }], { strict: true }), 'test failed');
  // negative indices count from the end
  assert.deepEqual(applyJsonPatch({ l: [1, 2, 3] }, [{ op: 'remove', path: '/l/-1' }, { op: 'replace', path: '/l/-2', value: 9 }]), { l: [9, 2] });
  assert.deepEqual(applyJsonPatch({ l: [1, 2] }, [{ op: 'add', path: '/l/-1', value: 3 }]), { l: [1, 2, 3] });
  assert422(() => applyJsonPatch({ l: [1, 2, 3] }, [{ op: 'remove', path: '/l/-1' }], { strict: true }), 'invalid index');
  assert422(() => applyJsonPatch({ l: [1, 2, 3] }, [{ op: 'remove', path: '/l/01' }], { strict: true }), 'invalid index');
  // copy from a missing member copies null
  assert.deepEqual(applyJsonPatch({ a: 1 }, [{ op: 'copy', from: '/nope', path: '/b' }]), { a: 1, b: null });
  assert422(() => applyJsonPatch({ a: 1 }, [{ op: 'copy', from: '/nope', path: '/b' }], { strict: true }), 'error in copy');
  // an op without value uses null
  assert.deepEqual(applyJsonPatch({}, [{ op: 'add', path: '/a' }]), { a: null });
  assert422(() => applyJsonPatch({}, [{ op: 'add', path: '/a' }], { strict: true }), 'missing value field');
});

test('never mutates its inputs and shares no objects with them', () => {
  const doc = pod();
  const before = JSON.stringify(doc);
  const value = { name: 'x', env: [{ name: 'A', value: '1' }] };
  const patch = [{ op: 'add', path: '/spec/containers/-', value }, { op: 'remove', path: '/metadata/labels' }];
  const out = applyJsonPatch(doc, patch) as any;
  assert.equal(JSON.stringify(doc), before);
  assert.notEqual(out.spec, doc.spec);
  out.spec.containers[2].env[0].value = 'changed';
  assert.equal(value.env[0].value, '1');
});

test('"__proto__" is an ordinary member name', () => {
  const out = applyJsonPatch({}, [{ op: 'add', path: '/__proto__', value: { polluted: true } }]) as any;
  assert.ok(Object.hasOwn(out, '__proto__'));
  assert.equal(({} as any).polluted, undefined);
  assert.equal(Object.getPrototypeOf(out), Object.prototype);
});
