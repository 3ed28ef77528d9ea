// Tests for field-set.ts: fieldsV1 encoding, set algebra, and field sets built from objects.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldSet, compareObjects, fieldSetOf, parsePathElement, pathString, peKey, FieldPathError, type FieldPath } from './field-set.js';
import { UNTRACKED } from './managed-fields.js';
import { deploymentSchema, deployment } from './test-fixture.js';

const f = (field: string) => ({ field });
const p = (...names: string[]): FieldPath => names.map(f);

test('path elements encode as upstream: f:, k: with sorted compact JSON, v:, i:', () => {
  assert.equal(peKey({ field: 'replicas' }), 'f:replicas');
  assert.equal(peKey({ key: { protocol: 'TCP', containerPort: 80 } }), 'k:{"containerPort":80,"protocol":"TCP"}');
  assert.equal(peKey({ value: 'foregroundDeletion' }), 'v:"foregroundDeletion"');
  assert.equal(peKey({ value: 'a<b' }), 'v:"a\\u003cb"');
  assert.equal(peKey({ index: 3 }), 'i:3');
  for (const s of ['f:a.b', 'k:{"name":"x"}', 'v:"y"', 'v:5', 'i:0']) assert.equal(peKey(parsePathElement(s)), s);
  assert.deepEqual(parsePathElement('k:{"protocol":"TCP","containerPort":80}'), { key: { protocol: 'TCP', containerPort: 80 } });
  assert.throws(() => parsePathElement('x:y'), /unknown path element/);
  assert.throws(() => parsePathElement('k:{bad'), /invalid JSON/);
});

test('the brief example round-trips byte for byte', () => {
  const text = '{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\\"name\\":\\"nginx\\"}":{".":{},"f:image":{}}}}}';
  const s = FieldSet.fromFieldsV1(JSON.parse(text));
  assert.equal(JSON.stringify(s.toFieldsV1()), text);
  assert.deepEqual(s.paths().map(pathString), ['.metadata.labels.app', '.spec.containers[name="nginx"]', '.spec.containers[name="nginx"].image']);
  assert.ok(s.has([f('spec'), f('containers'), { key: { name: 'nginx' } }]));
  assert.ok(!s.has(p('spec', 'containers')));
  assert.ok(s.touches(p('spec', 'containers')));
});

test('toFieldsV1 orders fields, then keys (by value, numbers numerically), then values, then indexes', () => {
  const s = FieldSet.of(
    [f('l'), { index: 1 }],
    [f('l'), { value: 'b' }],
    [f('l'), { key: { port: 443 } }],
    [f('l'), { key: { port: 80 } }],
    [f('l'), f('z')],
    [f('l'), f('a')],
    [f('l'), { value: 2 }],
  );
  assert.equal(JSON.stringify(s.toFieldsV1()), '{"f:l":{"f:a":{},"f:z":{},"k:{\\"port\\":80}":{},"k:{\\"port\\":443}":{},"v:2":{},"v:\\"b\\"":{},"i:1":{}}}');
});

test('fromFieldsV1 rejects malformed input', () => {
  assert.throws(() => FieldSet.fromFieldsV1([]), /JSON object/);
  assert.throws(() => FieldSet.fromFieldsV1({ 'f:a': 1 }), /must be an object/);
  assert.throws(() => FieldSet.fromFieldsV1({ '.': {} }), /only valid inside/);
  assert.throws(() => FieldSet.fromFieldsV1({ 'q:a': {} }), /unknown path element/);
  assert.ok(FieldSet.fromFieldsV1(undefined).isEmpty());
});

test('fieldsV1 of a Deployment with two containers (the Apply-style set: leaves and list items)', () => {
  const set = fieldSetOf(deployment(), deploymentSchema).difference(UNTRACKED);
  const expected =
    '{"f:metadata":{"f:labels":{"f:app":{}}},' +
    '"f:spec":{"f:replicas":{},"f:selector":{},"f:template":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{' +
    '"k:{\\"name\\":\\"nginx\\"}":{".":{},"f:image":{},"f:name":{},' +
    '"f:ports":{"k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:containerPort":{},"f:protocol":{}}},' +
    '"f:resources":{"f:limits":{"f:cpu":{}}}},' +
    '"k:{\\"name\\":\\"sidecar\\"}":{".":{},"f:args":{},"f:env":{"k:{\\"name\\":\\"A\\"}":{".":{},"f:name":{},"f:value":{}}},"f:image":{},"f:name":{}}' +
    '}}}}}';
  assert.equal(JSON.stringify(set.toFieldsV1()), expected);
  assert.ok(FieldSet.fromFieldsV1(JSON.parse(expected)).equals(set));
  // metadata.name/namespace, apiVersion and kind are never tracked
  assert.ok(!set.touches(p('apiVersion')) && !set.has(p('metadata', 'name')));
});

test('a list-map key the item leaves out takes the schema default; without one it is an error', () => {
  const obj = { spec: { template: { spec: { containers: [{ name: 'c', ports: [{ containerPort: 8080 }] }] } } } };
  const set = fieldSetOf(obj, deploymentSchema);
  assert.ok(set.has([f('spec'), f('template'), f('spec'), f('containers'), { key: { name: 'c' } }, f('ports'), { key: { containerPort: 8080, protocol: 'TCP' } }]));
  const bad = { spec: { template: { spec: { containers: [{ image: 'x' }] } } } };
  assert.throws(
    () => fieldSetOf(bad, deploymentSchema),
    (e: unknown) => e instanceof FieldPathError && /\.spec\.template\.spec\.containers\[0\]: associative list with keys has an element that omits key field "name"/.test(e.message),
  );
});

test('null and empty maps and undeclared keys are members; sets use v:', () => {
  const set = fieldSetOf({ metadata: { annotations: {}, finalizers: ['a', 'b'], labels: { x: 'y' } }, spec: { paused: null } }, deploymentSchema);
  assert.equal(
    JSON.stringify(set.toFieldsV1()),
    '{"f:metadata":{"f:annotations":{},"f:finalizers":{"v:\\"a\\"":{},"v:\\"b\\"":{}},"f:labels":{"f:x":{}}},"f:spec":{"f:paused":{}}}',
  );
});

test('without a schema maps are granular (every key undeclared, so a member) and lists atomic', () => {
  const set = fieldSetOf({ a: { b: 1, c: [1, 2] }, d: [] }, undefined);
  assert.equal(JSON.stringify(set.toFieldsV1()), '{"f:a":{".":{},"f:b":{},"f:c":{}},"f:d":{}}');
});

test('union, intersection, difference, recursiveDifference', () => {
  const a = FieldSet.of(p('a', 'b'), p('a', 'c'), p('x'));
  const b = FieldSet.of(p('a', 'c'), p('y'), p('a'));
  assert.deepEqual(a.union(b).paths().map(pathString), ['.a', '.x', '.y', '.a.b', '.a.c']);
  assert.deepEqual(a.intersection(b).paths().map(pathString), ['.a.c']);
  assert.deepEqual(a.difference(b).paths().map(pathString), ['.x', '.a.b']);
  // a member of b removes everything under it
  assert.deepEqual(a.recursiveDifference(b).paths().map(pathString), ['.x']);
  assert.ok(a.difference(a).isEmpty());
  assert.equal(a.size, 3);
  // operations never mutate their operands
  assert.deepEqual(a.paths().map(pathString), ['.x', '.a.b', '.a.c']);
});

test('pathString prints keys, values and indexes as upstream', () => {
  assert.equal(pathString([f('spec'), f('ports'), { key: { protocol: 'TCP', port: 80 } }, f('name')]), '.spec.ports[port=80,protocol="TCP"].name');
  assert.equal(pathString([f('metadata'), f('finalizers'), { value: 'x' }]), '.metadata.finalizers[="x"]');
  assert.equal(pathString([f('a'), { index: 2 }]), '.a[2]');
});

test('compareObjects reports added, modified and removed fields and items', () => {
  const old = deployment();
  const next = deployment();
  next.spec.replicas = 3;
  next.spec.template.spec.containers.pop();
  next.spec.template.spec.containers[0].image = 'nginx:1.27';
  next.metadata.labels.tier = 'front';
  const c = compareObjects(old, next, deploymentSchema);
  assert.deepEqual(c.modified.paths().map(pathString), ['.spec.replicas', '.spec.template.spec.containers[name="nginx"].image']);
  assert.deepEqual(c.added.paths().map(pathString), ['.metadata.labels.tier']);
  assert.ok(c.removed.has([f('spec'), f('template'), f('spec'), f('containers'), { key: { name: 'sidecar' } }]));
  assert.ok(c.removed.has([f('spec'), f('template'), f('spec'), f('containers'), { key: { name: 'sidecar' } }, f('args')]));
  assert.ok(compareObjects(old, deployment(), deploymentSchema).modified.isEmpty());
});
