// Tests for managed-fields.ts: Update bookkeeping of metadata.managedFields.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultManager, updateManagedFields, decodeManagedFields, type ManagedFieldsEntry } from './managed-fields.js';
import { deploymentSchema, deployment } from './test-fixture.js';

const T0 = '2024-05-01T10:00:00Z';
const T1 = '2024-05-01T11:00:00Z';
const T2 = '2024-05-01T12:00:00Z';
const schema = deploymentSchema;

function entries(obj: Record<string, any>): ManagedFieldsEntry[] {
  return obj.metadata.managedFields ?? [];
}
function entry(obj: Record<string, any>, manager: string): ManagedFieldsEntry | undefined {
  return entries(obj).find((e) => e.manager === manager);
}
function fields(obj: Record<string, any>, manager: string): string {
  return JSON.stringify(entry(obj, manager)?.fieldsV1);
}
/** The stored object after a create: server fields set, as the API server would. */
function created(manager = 'kubectl-create'): Record<string, any> {
  const d = deployment();
  Object.assign(d.metadata, { uid: 'u-1', resourceVersion: '1', generation: 1, creationTimestamp: T0 });
  d.status = { replicas: 0 };
  return updateManagedFields(undefined, d, { manager, apiVersion: 'apps/v1', time: T0, schema });
}

test('defaultManager takes the User-Agent up to the first slash', () => {
  assert.equal(defaultManager('kubectl/v1.32.0 (linux/amd64) kubernetes/70d3cc9'), 'kubectl');
  assert.equal(defaultManager('kube-controller-manager/v1.32.0 (linux/amd64) kubernetes/x/system:serviceaccount:kube-system:deployment-controller'), 'kube-controller-manager');
  assert.equal(defaultManager('node-fetch'), 'node-fetch');
  assert.equal(defaultManager(undefined), '');
  assert.equal(defaultManager('a\u0000b\tc/d'), 'abc');
  assert.equal(defaultManager('x'.repeat(200)).length, 128);
});

test('create records the whole object for the creating manager, as upstream writes it', () => {
  const obj = created();
  assert.deepEqual(entries(obj).map((e) => Object.keys(e)), [['manager', 'operation', 'apiVersion', 'time', 'fieldsType', 'fieldsV1']]);
  const e = entries(obj)[0];
  assert.equal(e.manager, 'kubectl-create');
  assert.equal(e.operation, 'Update');
  assert.equal(e.apiVersion, 'apps/v1');
  assert.equal(e.time, T0);
  assert.equal(e.fieldsType, 'FieldsV1');
  // maps and new list items carry ".": upstream compares against Go's empty object, where
  // metadata, spec, template and containers already exist but labels, ports and resources do not.
  // name, namespace, uid, resourceVersion, generation, creationTimestamp and status are not tracked.
  assert.equal(
    JSON.stringify(e.fieldsV1),
    '{"f:metadata":{"f:labels":{".":{},"f:app":{}}},' +
      '"f:spec":{"f:replicas":{},"f:selector":{},"f:template":{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containers":{' +
      '"k:{\\"name\\":\\"nginx\\"}":{".":{},"f:image":{},"f:name":{},' +
      '"f:ports":{".":{},"k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:containerPort":{},"f:protocol":{}}},' +
      '"f:resources":{".":{},"f:limits":{".":{},"f:cpu":{}}}},' +
      '"k:{\\"name\\":\\"sidecar\\"}":{".":{},"f:args":{},"f:env":{".":{},"k:{\\"name\\":\\"A\\"}":{".":{},"f:name":{},"f:value":{}}},"f:image":{},"f:name":{}}' +
      '}}}}}',
  );
});

test('an Update moves the fields it changed to its own entry and out of the others', () => {
  const old = created();
  const next = structuredClone(old);
  next.spec.replicas = 5;
  next.spec.template.spec.containers[0].image = 'nginx:1.27';
  const obj = updateManagedFields(old, next, { manager: 'kubectl-edit', apiVersion: 'apps/v1', time: T1, schema });
  assert.deepEqual(entries(obj).map((e) => [e.manager, e.time]), [['kubectl-create', T0], ['kubectl-edit', T1]]);
  assert.equal(fields(obj, 'kubectl-edit'), '{"f:spec":{"f:replicas":{},"f:template":{"f:spec":{"f:containers":{"k:{\\"name\\":\\"nginx\\"}":{"f:image":{}}}}}}}');
  const create = decodeManagedFields(obj.metadata.managedFields).get('{"manager":"kubectl-create","operation":"Update","apiVersion":"apps/v1"}')!;
  assert.ok(!create.set.has([{ field: 'spec' }, { field: 'replicas' }]));
  assert.ok(create.set.has([{ field: 'spec' }, { field: 'selector' }]));
  assert.ok(!create.set.has([{ field: 'spec' }, { field: 'template' }, { field: 'spec' }, { field: 'containers' }, { key: { name: 'nginx' } }, { field: 'image' }]));
  // the old object is untouched
  assert.equal(old.spec.replicas, 2);
  assert.equal(entries(old).length, 1);
});

test('a later Update by the same manager adds to its entry and refreshes its time', () => {
  const a = created();
  const b = structuredClone(a);
  b.spec.replicas = 5;
  const one = updateManagedFields(a, b, { manager: 'kubectl-edit', apiVersion: 'apps/v1', time: T1, schema });
  const c = structuredClone(one);
  c.metadata.labels.tier = 'web';
  const two = updateManagedFields(one, c, { manager: 'kubectl-edit', apiVersion: 'apps/v1', time: T2, schema });
  assert.equal(fields(two, 'kubectl-edit'), '{"f:metadata":{"f:labels":{"f:tier":{}}},"f:spec":{"f:replicas":{}}}');
  assert.equal(entry(two, 'kubectl-edit')!.time, T2);
});

test('removed fields leave every entry; entries left empty are dropped', () => {
  const old = created();
  const a = structuredClone(old);
  a.spec.replicas = 3;
  const edited = updateManagedFields(old, a, { manager: 'kubectl-edit', apiVersion: 'apps/v1', time: T1, schema });
  const b = structuredClone(edited);
  delete b.spec.replicas;
  const obj = updateManagedFields(edited, b, { manager: 'other', apiVersion: 'apps/v1', time: T2, schema });
  assert.deepEqual(entries(obj).map((e) => e.manager), ['kubectl-create']);
  assert.ok(!fields(obj, 'kubectl-create').includes('f:replicas'));
});

test('an Update that changes nothing adds no entry and keeps times', () => {
  const old = created();
  const obj = updateManagedFields(old, structuredClone(old), { manager: 'kubectl-edit', apiVersion: 'apps/v1', time: T1, schema });
  assert.deepEqual(entries(obj), entries(old));
});

test('entries are keyed by manager, operation, apiVersion and subresource; status counts only on its subresource', () => {
  const old = created();
  const s = structuredClone(old);
  s.status = { replicas: 2, readyReplicas: 2 };
  const viaStatus = updateManagedFields(old, s, { manager: 'kube-controller-manager', apiVersion: 'apps/v1', subresource: 'status', time: T1, schema });
  const e = entry(viaStatus, 'kube-controller-manager')!;
  assert.equal(e.subresource, 'status');
  assert.deepEqual(Object.keys(e), ['manager', 'operation', 'apiVersion', 'time', 'fieldsType', 'fieldsV1', 'subresource']);
  assert.equal(JSON.stringify(e.fieldsV1), '{"f:status":{"f:readyReplicas":{},"f:replicas":{}}}');

  // the same manager through the main resource and another version: separate entries
  const m = structuredClone(viaStatus);
  m.spec.paused = true;
  const viaMain = updateManagedFields(viaStatus, m, { manager: 'kube-controller-manager', apiVersion: 'apps/v1beta2', time: T2, schema });
  assert.deepEqual(
    entries(viaMain).map((x) => [x.manager, x.apiVersion, x.subresource ?? '']),
    [['kubectl-create', 'apps/v1', ''], ['kube-controller-manager', 'apps/v1', 'status'], ['kube-controller-manager', 'apps/v1beta2', '']],
  );
  // status written through the main resource is not tracked
  const n = structuredClone(viaMain);
  n.status.replicas = 9;
  const ignored = updateManagedFields(viaMain, n, { manager: 'someone', apiVersion: 'apps/v1', time: T2, schema });
  assert.equal(entry(ignored, 'someone'), undefined);
});

test('managedFields sent on the main resource are the starting point; [{}] resets; subresources ignore them', () => {
  const old = created();
  const a = structuredClone(old);
  a.metadata.managedFields = [{ manager: 'imported', operation: 'Update', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:paused': {} } } }];
  const kept = updateManagedFields(old, a, { manager: 'x', apiVersion: 'apps/v1', time: T1, schema });
  assert.deepEqual(entries(kept).map((e) => e.manager), ['imported']);

  const b = structuredClone(old);
  b.metadata.managedFields = [{}];
  b.spec.replicas = 7;
  const reset = updateManagedFields(old, b, { manager: 'x', apiVersion: 'apps/v1', time: T1, schema });
  // upstream: an existing object with no managed fields stays untracked until its first apply
  assert.equal(reset.metadata.managedFields, undefined);

  const c = structuredClone(old);
  c.metadata.managedFields = [];
  c.status = { replicas: 1 };
  const sub = updateManagedFields(old, c, { manager: 'x', apiVersion: 'apps/v1', subresource: 'status', time: T1, schema });
  assert.deepEqual(entries(sub).map((e) => e.manager), ['kubectl-create', 'x']);
});

test('invalid managedFields in a request fall back to the stored ones', () => {
  const old = created();
  const a = structuredClone(old);
  a.metadata.managedFields = [{ manager: 'bad', operation: 'Patch', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: {} }];
  a.spec.replicas = 4;
  const obj = updateManagedFields(old, a, { manager: 'x', apiVersion: 'apps/v1', time: T1, schema });
  assert.deepEqual(entries(obj).map((e) => e.manager), ['kubectl-create', 'x']);
});

test('an object the schema cannot walk keeps its stored managedFields', () => {
  const old = created();
  const a = structuredClone(old);
  a.spec.template.spec.containers.push({ image: 'no-name' });
  const obj = updateManagedFields(old, a, { manager: 'x', apiVersion: 'apps/v1', time: T1, schema });
  assert.deepEqual(obj.metadata.managedFields, old.metadata.managedFields);
});

test('more than ten Update managers: the oldest merge into ancient-changes', () => {
  let obj = created('m00');
  for (let i = 1; i <= 11; i++) {
    const next = structuredClone(obj);
    next.metadata.labels[`l${i}`] = 'x';
    obj = updateManagedFields(obj, next, { manager: `m${String(i).padStart(2, '0')}`, apiVersion: 'apps/v1', time: new Date(Date.parse(T0) + i * 1000), schema });
  }
  const names = entries(obj).map((e) => e.manager);
  assert.equal(names.length, 10);
  assert.equal(names[0], 'ancient-changes');
  const ancient = entry(obj, 'ancient-changes')!;
  // m00 (whole object), m01, m02 merged; the bucket takes the newest merged time
  assert.ok(JSON.stringify(ancient.fieldsV1).includes('f:l2'));
  assert.ok(JSON.stringify(ancient.fieldsV1).includes('f:replicas'));
  assert.equal(ancient.time, '2024-05-01T10:00:02Z');
  assert.deepEqual(names.slice(1), ['m03', 'm04', 'm05', 'm06', 'm07', 'm08', 'm09', 'm10', 'm11']);
});

test('entries sort Apply before Update, then oldest first', () => {
  const obj = created();
  obj.metadata.managedFields.push({ manager: 'zz', operation: 'Apply', apiVersion: 'apps/v1', time: T2, fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:paused': {} } } });
  const next = structuredClone(obj);
  next.spec.replicas = 1;
  const out = updateManagedFields(obj, next, { manager: 'aa', apiVersion: 'apps/v1', time: T1, schema });
  assert.deepEqual(entries(out).map((e) => `${e.operation}:${e.manager}`), ['Apply:zz', 'Update:kubectl-create', 'Update:aa']);
});

test('oldObj is never modified, even when newObj shares its metadata', () => {
  const old = created();
  const before = structuredClone(old);
  const next = { ...old, spec: { ...old.spec, replicas: 9 } };
  const out = updateManagedFields(old, next, { manager: 'x', apiVersion: 'apps/v1', time: T1, schema });
  assert.deepEqual(old, before);
  assert.deepEqual(entries(out).map((e) => e.manager), ['kubectl-create', 'x']);
});
