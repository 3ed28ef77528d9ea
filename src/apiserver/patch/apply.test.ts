// Tests for apply.ts: server-side apply merge, ownership, pruning and conflicts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverSideApply, conflictError, schemaFromDefinitions, schemaForKind, type ApplyOptions, type OpenApiSchema } from './apply.js';
import { updateManagedFields, type ManagedFieldsEntry } from './managed-fields.js';
import { ApiError } from '../../api/status.js';

import { deploymentSchema, deployment } from './test-fixture.js';

const T0 = '2024-05-01T10:00:00Z';
const T1 = '2024-05-01T11:00:00Z';
const T2 = '2024-05-01T12:00:00Z';
const schema = deploymentSchema;
type Obj = Record<string, any>;

function apply(live: Obj | undefined, applied: Obj, manager: string, more: Partial<ApplyOptions> = {}) {
  return serverSideApply(live, applied, { manager, schema, apiVersion: 'apps/v1', time: T1, ...more });
}
/** Apply that must succeed; returns the stored object (server fields added on create). */
function ok(live: Obj | undefined, applied: Obj, manager: string, more: Partial<ApplyOptions> = {}): Obj {
  const r = apply(live, applied, manager, more);
  assert.equal(r.conflicts, undefined, `unexpected conflicts: ${JSON.stringify(r.conflicts)}`);
  if (!live) Object.assign(r.object.metadata as Obj, { uid: 'u-1', resourceVersion: '1', creationTimestamp: T0 });
  return r.object;
}
function minimal(extra: Obj = {}): Obj {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' }, ...extra };
}
function entries(obj: Obj): ManagedFieldsEntry[] {
  return obj.metadata.managedFields ?? [];
}
function fields(obj: Obj, manager: string): string {
  return JSON.stringify(entries(obj).find((e) => e.manager === manager)?.fieldsV1);
}
function containers(obj: Obj): string[] {
  return obj.spec.template.spec.containers.map((c: Obj) => c.name);
}

test('apply with no live object creates it and records an Apply entry', () => {
  const obj = ok(undefined, deployment(), 'kubectl');
  assert.equal(obj.spec.replicas, 2);
  assert.deepEqual(containers(obj), ['nginx', 'sidecar']);
  assert.deepEqual(entries(obj).map((e) => [e.manager, e.operation, e.apiVersion, e.time, e.fieldsType]), [['kubectl', 'Apply', 'apps/v1', T1, 'FieldsV1']]);
  assert.ok(fields(obj, 'kubectl').startsWith('{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{},"f:selector":{}'));
});

test('two appliers on the same field: conflict, with upstream message and causes', () => {
  const a = ok(undefined, minimal({ spec: { replicas: 2 } }), 'a');
  const r = apply(a, minimal({ spec: { replicas: 3 } }), 'b');
  assert.deepEqual(r.conflicts, [{ manager: 'a', operation: 'Apply', field: '.spec.replicas' }]);
  assert.deepEqual(r.object, a, 'nothing changes on conflict');
  const err = conflictError(r.conflicts!);
  assert.ok(err instanceof ApiError);
  assert.equal(err.code, 409);
  assert.equal(err.reason, 'Conflict');
  assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "a": .spec.replicas');
  assert.deepEqual(err.toStatus().details, { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "a"', field: '.spec.replicas' }] });
});

test('conflicts with an Update owner name its apiVersion; several conflicts are listed per manager', () => {
  // created by kubectl client-side apply (an Update), then changed by an applier
  const created = updateManagedFields(undefined, minimal({ spec: { replicas: 1, paused: false } }), { manager: 'kubectl-client-side-apply', apiVersion: 'apps/v1', time: T0, schema });
  Object.assign(created.metadata, { uid: 'u-1' });
  const r = apply(created, minimal({ spec: { replicas: 3, paused: true } }), 'm');
  assert.equal(r.conflicts!.length, 2);
  const err = conflictError(r.conflicts!);
  assert.equal(err.message, 'Apply failed with 2 conflicts: conflicts with "kubectl-client-side-apply" using apps/v1:\n- .spec.paused\n- .spec.replicas');
  assert.deepEqual(err.details!.causes![1], { reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' });

  const one = conflictError([{ manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'apps/v1', field: '.spec.replicas' }]);
  assert.equal(one.message, 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');
  const multi = conflictError([
    { manager: 'm', operation: 'Update', apiVersion: 'apps/v1', field: '.spec.replicas' },
    { manager: 'm', operation: 'Update', apiVersion: 'apps/v1', field: '.spec.x' },
  ]);
  assert.equal(multi.message, 'Apply failed with 2 conflicts: conflicts with "m" using apps/v1:\n- .spec.replicas\n- .spec.x');
  const mixed = conflictError([
    { manager: 'z', operation: 'Apply', field: '.a' },
    { manager: 'b', operation: 'Update', apiVersion: 'v1', subresource: 'status', field: '.status.x' },
  ]);
  assert.equal(mixed.message, 'Apply failed with 2 conflicts: conflicts with "b" with subresource "status" using v1:\n- .status.x\nconflicts with "z":\n- .a');
});

test('applying the value another manager set is no conflict: both own it', () => {
  const a = ok(undefined, minimal({ spec: { replicas: 2 } }), 'a');
  const b = ok(a, minimal({ spec: { replicas: 2 } }), 'b');
  assert.equal(fields(b, 'a'), '{"f:spec":{"f:replicas":{}}}');
  assert.equal(fields(b, 'b'), '{"f:spec":{"f:replicas":{}}}');
});

test('force takes ownership of the conflicting fields', () => {
  const a = ok(undefined, minimal({ spec: { replicas: 2, paused: false } }), 'a');
  const b = ok(a, minimal({ spec: { replicas: 3 } }), 'b', { force: true, time: T2 });
  assert.equal(b.spec.replicas, 3);
  assert.equal(fields(b, 'a'), '{"f:spec":{"f:paused":{}}}');
  assert.equal(fields(b, 'b'), '{"f:spec":{"f:replicas":{}}}');
  // a re-applying its old value now conflicts with b
  const r = apply(b, minimal({ spec: { replicas: 2, paused: false } }), 'a');
  assert.deepEqual(r.conflicts!.map((c) => [c.manager, c.field]), [['b', '.spec.replicas']]);
});

test('a field dropped from the applied config is deleted when nobody else owns it', () => {
  const a = ok(undefined, minimal({ metadata: { name: 'web', namespace: 'default', labels: { app: 'web', tier: 'front' } }, spec: { replicas: 2, paused: true } }), 'a');
  const b = ok(a, minimal({ metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } }, spec: { replicas: 2 } }), 'a', { time: T2 });
  assert.deepEqual(b.metadata.labels, { app: 'web' });
  assert.equal('paused' in b.spec, false);
  assert.equal(fields(b, 'a'), '{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{}}}');
  assert.equal(entries(b)[0].time, T2);
});

test('a dropped field another manager co-owns is kept, and stays theirs', () => {
  const a = ok(undefined, minimal({ spec: { replicas: 2, paused: true } }), 'a');
  const both = ok(a, minimal({ spec: { paused: true } }), 'b');
  const after = ok(both, minimal({ spec: { replicas: 2 } }), 'a');
  assert.equal(after.spec.paused, true);
  assert.equal(fields(after, 'b'), '{"f:spec":{"f:paused":{}}}');
  assert.equal(fields(after, 'a'), '{"f:spec":{"f:replicas":{}}}');
  // a field an Update manager changed is co-owned too
  const edited = structuredClone(after);
  edited.spec.paused = false;
  const withEdit = updateManagedFields(after, edited, { manager: 'kubectl-edit', apiVersion: 'apps/v1', time: T2, schema });
  const gone = ok(withEdit, minimal({ spec: {} }), 'b');
  assert.equal(gone.spec.paused, false, 'kubectl-edit still owns it');
  assert.equal(gone.spec.replicas, 2);
});

test('list-type map lists merge by key and keep other managers\' items', () => {
  const base = ok(undefined, deployment(), 'a');
  const sidecarOnly = minimal({ spec: { template: { spec: { containers: [{ name: 'logger', image: 'fluentbit' }] } } } });
  const b = ok(base, sidecarOnly, 'b');
  assert.deepEqual(containers(b), ['nginx', 'sidecar', 'logger']);
  assert.equal(
    fields(b, 'b'),
    '{"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\\"name\\":\\"logger\\"}":{".":{},"f:image":{},"f:name":{}}}}}}}',
  );
  // a re-applies with sidecar removed and nginx changed: sidecar goes, logger (b's) stays
  const next = deployment();
  next.spec.template.spec.containers = [{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80, protocol: 'TCP' }] }];
  const c = ok(b, next, 'a', { time: T2 });
  assert.deepEqual(containers(c), ['nginx', 'logger']);
  assert.equal(c.spec.template.spec.containers[0].image, 'nginx:1.27');
  assert.equal('resources' in c.spec.template.spec.containers[0], false, 'resources emptied by the prune are removed');
  assert.deepEqual(c.spec.template.spec.containers[1], { name: 'logger', image: 'fluentbit' });
});

test('applied item order wins; live-only items keep their place', () => {
  const base = ok(undefined, minimal({ spec: { template: { spec: { containers: [{ name: 'x' }, { name: 'y' }] } } } }), 'a');
  const mid = ok(base, minimal({ spec: { template: { spec: { containers: [{ name: 'z' }] } } } }), 'b');
  assert.deepEqual(containers(mid), ['x', 'y', 'z']);
  const re = ok(mid, minimal({ spec: { template: { spec: { containers: [{ name: 'y' }, { name: 'x' }] } } } }), 'a');
  assert.deepEqual(containers(re), ['y', 'x', 'z']);
});

test('an item dropped by its applier survives while another manager owns a field in it', () => {
  const base = ok(undefined, deployment(), 'a');
  const edited = structuredClone(base);
  edited.spec.template.spec.containers[1].image = 'busybox:1.37';
  const withEdit = updateManagedFields(base, edited, { manager: 'kubectl-edit', apiVersion: 'apps/v1', time: T2, schema });
  const next = deployment();
  next.spec.template.spec.containers.pop();
  const r = ok(withEdit, next, 'a');
  assert.deepEqual(containers(r), ['nginx', 'sidecar']);
  assert.deepEqual(r.spec.template.spec.containers[1], { name: 'sidecar', image: 'busybox:1.37' }, 'only the edited field and the key remain');
});

test('sets merge by value; atomic lists and maps are replaced whole', () => {
  const a = ok(undefined, minimal({ metadata: { name: 'web', namespace: 'default', finalizers: ['a/x'] }, spec: { selector: { matchLabels: { app: 'web', v: '1' } } } }), 'a');
  const b = ok(a, minimal({ metadata: { name: 'web', namespace: 'default', finalizers: ['b/y'] } }), 'b');
  assert.deepEqual(b.metadata.finalizers, ['a/x', 'b/y']);
  const withArgs = ok(b, minimal({ spec: { template: { spec: { containers: [{ name: 'c', args: ['1', '2'] }] } } } }), 'c');
  const replaced = ok(withArgs, minimal({ spec: { template: { spec: { containers: [{ name: 'c', args: ['3'] }] } } } }), 'c');
  assert.deepEqual(replaced.spec.template.spec.containers[0].args, ['3']);
  const sel = ok(replaced, minimal({ spec: { selector: { matchLabels: { app: 'web' } } } }), 'a', { force: true });
  assert.deepEqual(sel.spec.selector, { matchLabels: { app: 'web' } });
});

test('without a schema maps merge key by key and lists are atomic', () => {
  const cm = (data: Obj, list: unknown[]) => ({ apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 't' }, spec: { data, list } });
  const a = serverSideApply(undefined, cm({ a: '1' }, [1, 2]), { manager: 'a', time: T1 }).object;
  const b = serverSideApply(a, { apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 't' }, spec: { data: { b: '2' } } }, { manager: 'b', time: T1 }).object;
  assert.deepEqual((b.spec as Obj).data, { a: '1', b: '2' });
  const r = serverSideApply(b, cm({ a: '1' }, [3]), { manager: 'b', time: T1 });
  assert.deepEqual(r.conflicts!.map((c) => c.field), ['.spec.list']);
});

test('apply to an object without managedFields: existing fields belong to before-first-apply', () => {
  const legacy: Obj = { ...minimal({ spec: { replicas: 1 } }), status: {} };
  legacy.metadata.uid = 'u-1';
  const r = apply(legacy, minimal({ spec: { replicas: 4 } }), 'kubectl');
  assert.equal(conflictError(r.conflicts!).message, 'Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas');
  const same = ok(legacy, minimal({ spec: { replicas: 1 } }), 'kubectl');
  assert.deepEqual(entries(same).map((e) => e.manager), ['kubectl', 'before-first-apply']);
});

test('a no-op apply keeps the entry time', () => {
  const a = ok(undefined, minimal({ spec: { replicas: 2 } }), 'a');
  const again = ok(a, minimal({ spec: { replicas: 2 } }), 'a', { time: T2 });
  assert.equal(entries(again)[0].time, T1);
  const changed = ok(a, minimal({ spec: { replicas: 3 } }), 'a', { time: T2 });
  assert.equal(entries(changed)[0].time, T2);
});

test('apply through the status subresource owns status under its own entry', () => {
  const a = ok(undefined, minimal({ spec: { replicas: 2 } }), 'a');
  const s = ok(a, minimal({ status: { replicas: 2 } }), 'ctrl', { subresource: 'status' });
  assert.deepEqual(s.status, { replicas: 2 });
  const e = entries(s).find((x) => x.manager === 'ctrl')!;
  assert.equal(e.subresource, 'status');
  assert.equal(JSON.stringify(e.fieldsV1), '{"f:status":{"f:replicas":{}}}');
});

test('bad apply patches are refused as upstream does', () => {
  assert.throws(() => apply(undefined, { ...minimal(), metadata: { name: 'web', managedFields: [] } }, 'a'), (e: unknown) => e instanceof ApiError && e.code === 400 && e.message === 'metadata.managedFields must be nil');
  assert.throws(
    () => apply(undefined, { ...minimal(), apiVersion: 'apps/v1beta1' }, 'a'),
    (e: unknown) => e instanceof ApiError && e.code === 400 && e.message === 'Incorrect version specified in apply patch. Specified patch version: apps/v1beta1, expected: apps/v1',
  );
  assert.throws(
    () => apply(undefined, minimal({ spec: { template: { spec: { containers: [{ image: 'x' }] } } } }), 'a'),
    (e: unknown) => e instanceof ApiError && e.code === 500 && /failed to create typed patch object \(default\/web; apps\/v1, Kind=Deployment\): \.spec\.template\.spec\.containers\[0\]: associative list with keys has an element that omits key field "name"/.test(e.message),
  );
  assert.throws(
    () => apply(undefined, minimal({ spec: { template: { spec: { containers: [{ name: 'x' }, { name: 'x' }] } } } }), 'a'),
    (e: unknown) => e instanceof ApiError && /\.spec\.template\.spec\.containers: duplicate entries for key \[name="x"\]/.test(e.message),
  );
});

test('kubectl moving from client-side to server-side apply: conflicts on last-applied values are forced', () => {
  const LA = 'kubectl.kubernetes.io/last-applied-configuration';
  const cfg = minimal({ spec: { replicas: 1, paused: false } });
  const withAnno = structuredClone(cfg);
  withAnno.metadata.annotations = { [LA]: JSON.stringify(cfg) };
  const created = updateManagedFields(undefined, withAnno, { manager: 'kubectl-client-side-apply', apiVersion: 'apps/v1', time: T0, schema });
  created.metadata.uid = 'u-1';

  // the live values still equal the annotation: kubectl takes them over without conflict
  const next = minimal({ spec: { replicas: 3, paused: false } });
  const r = ok(created, next, 'kubectl');
  assert.equal(r.spec.replicas, 3);
  assert.equal(r.metadata.annotations[LA], '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"},"spec":{"paused":false,"replicas":3}}\n');
  assert.equal(fields(r, 'kubectl'), '{"f:spec":{"f:paused":{},"f:replicas":{}}}');

  // someone changed replicas since: that conflict stays
  const scaled = structuredClone(created);
  scaled.spec.replicas = 5;
  const moved = updateManagedFields(created, scaled, { manager: 'kubectl-scale', apiVersion: 'apps/v1', time: T1, schema });
  const c = apply(moved, minimal({ spec: { replicas: 3, paused: true } }), 'kubectl');
  assert.deepEqual(c.conflicts!.map((x) => [x.manager, x.field]), [['kubectl-scale', '.spec.replicas']]);
  // another manager name gets no such help
  const other = apply(created, next, 'helm');
  assert.deepEqual(other.conflicts!.map((x) => x.field), ['.spec.replicas']);
});

test('schemaFromDefinitions reads list types, merge keys, map types and recursive refs', () => {
  const defs: Record<string, OpenApiSchema> = {
    Node: { type: 'object', properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/definitions/Node' }, 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge' } } },
    Tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-patch-strategy': 'merge' },
    Plain: { type: 'array', items: { type: 'string' } },
    Atomic: { type: 'object', properties: { a: { type: 'string' } }, 'x-kubernetes-map-type': 'atomic' },
    IntOrString: { type: 'string', format: 'int-or-string' },
    V3: { type: 'object', properties: { x: { allOf: [{ $ref: '#/components/schemas/Atomic' }], default: {} } } },
    Override: { type: 'object', properties: { r: { $ref: '#/definitions/Atomic', 'x-kubernetes-map-type': 'granular' } } },
  };
  const node = schemaFromDefinitions(defs, 'Node')!;
  const children = node.field!('children')!;
  assert.equal(children.listType, 'map');
  assert.deepEqual(children.mapKeys, ['name']);
  assert.equal(children.elements!.field!('children')!.elements!.field!('name')!.kind, 'scalar');
  assert.equal(schemaFromDefinitions(defs, 'Tags')!.listType, 'set');
  assert.equal(schemaFromDefinitions(defs, 'Plain')!.listType, 'atomic');
  assert.equal(schemaFromDefinitions(defs, 'Atomic')!.mapType, 'atomic');
  assert.equal(schemaFromDefinitions(defs, 'IntOrString')!.kind, 'scalar');
  const x = schemaFromDefinitions(defs, 'V3')!.field!('x')!;
  assert.equal(x.mapType, 'atomic');
  assert.deepEqual(x.default, {});
  assert.equal(schemaFromDefinitions(defs, 'Missing'), undefined);
  const r = schemaFromDefinitions(defs, 'Override')!.field!('r')!;
  assert.equal(r.mapType, 'granular');
  assert.equal(r.field!('a')!.kind, 'scalar');
});

// ---- with the generated OpenAPI definitions of the built-in kinds (src/api/openapi)

test('real Deployment schema: two containers encode as upstream and kubectl flows conflict as upstream', () => {
  const real = schemaForKind('apps', 'v1', 'Deployment')!;
  assert.ok(real, 'apps/v1 Deployment is in the generated definitions');
  const containersSchema = real.field!('spec')!.field!('template')!.field!('spec')!.field!('containers')!;
  assert.equal(containersSchema.listType, 'map');
  assert.deepEqual(containersSchema.mapKeys, ['name']);
  assert.equal(real.field!('spec')!.field!('selector')!.mapType, 'atomic');

  // same result as the hand-written slice of the schema
  const handApplied = serverSideApply(undefined, deployment(), { manager: 'kubectl', schema, apiVersion: 'apps/v1', time: T1 }).object;
  const realApplied = serverSideApply(undefined, deployment(), { manager: 'kubectl', schema: real, apiVersion: 'apps/v1', time: T1 }).object;
  assert.deepEqual(realApplied, handApplied);

  // kubectl create, then kubectl apply --server-side changing replicas
  const created = updateManagedFields(undefined, deployment(), { manager: 'kubectl-create', apiVersion: 'apps/v1', time: T0, schema: real });
  created.metadata.uid = 'u-1';
  assert.ok(JSON.stringify(created.metadata.managedFields[0].fieldsV1).startsWith('{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:replicas":{},"f:selector":{},"f:template":'));
  const cfg = deployment();
  cfg.spec.replicas = 5;
  cfg.spec.template.spec.containers[0].ports = [{ containerPort: 80 }]; // protocol defaults to TCP in the key
  const r = serverSideApply(created, cfg, { manager: 'kubectl', schema: real, apiVersion: 'apps/v1', time: T1 });
  assert.equal(conflictError(r.conflicts!).message, 'Apply failed with 1 conflict: conflict with "kubectl-create" using apps/v1: .spec.replicas');
  const forced = serverSideApply(created, cfg, { manager: 'kubectl', schema: real, apiVersion: 'apps/v1', time: T1, force: true }).object as Obj;
  assert.equal(forced.spec.replicas, 5);
  assert.deepEqual(forced.spec.template.spec.containers[0].ports, [{ containerPort: 80, protocol: 'TCP' }]);
  assert.deepEqual(entries(forced).map((e) => [e.manager, e.operation]), [['kubectl', 'Apply'], ['kubectl-create', 'Update']]);
  assert.ok(!fields(forced, 'kubectl-create').includes('f:replicas'));
});

test('real Service and ConfigMap schemas: ports keyed by port and protocol, data granular', () => {
  const svcSchema = schemaForKind('', 'v1', 'Service')!;
  const svc = (ports: Obj[]) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports } });
  const a = serverSideApply(undefined, svc([{ port: 80, name: 'http' }]), { manager: 'a', schema: svcSchema, apiVersion: 'v1', time: T1 }).object;
  const b = serverSideApply(a, svc([{ port: 443, name: 'https' }]), { manager: 'b', schema: svcSchema, apiVersion: 'v1', time: T1 }).object as Obj;
  assert.deepEqual(b.spec.ports.map((p: Obj) => p.port), [80, 443]);
  assert.equal(fields(b, 'b'), '{"f:spec":{"f:ports":{"k:{\\"port\\":443,\\"protocol\\":\\"TCP\\"}":{".":{},"f:name":{},"f:port":{}}}}}');

  const cmSchema = schemaForKind('', 'v1', 'ConfigMap')!;
  const cm = (data: Obj) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data });
  const one = serverSideApply(undefined, cm({ x: '1' }), { manager: 'a', schema: cmSchema, apiVersion: 'v1', time: T1 }).object;
  const two = serverSideApply(one, cm({ y: '2' }), { manager: 'b', schema: cmSchema, apiVersion: 'v1', time: T1 }).object as Obj;
  assert.deepEqual(two.data, { x: '1', y: '2' });
  assert.equal(schemaForKind('example.com', 'v1', 'Nope'), undefined);
});
