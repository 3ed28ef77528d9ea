// Tests of the generated definitions and the SchemaLookup: every served kind, number formats, patch metadata.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RESOURCES } from '../resources.js';
import { ATOMIC_STRUCTS, FIELD_PATCH_META } from './patch-meta.js';
import { definitionFor, definitions, gvksOf, INT_OR_STRING, QUANTITY, resolve, schemaLookup, TIME, type Schema } from './schemas.js';

const CORE = 'io.k8s.api.core.v1.';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';

test('every kind of the registry has a definition carrying its GVK, and a list definition', () => {
  for (const r of RESOURCES) {
    for (const kind of [r.kind, `${r.kind}List`]) {
      const d = definitionFor(r.group, r.version, kind);
      assert.ok(d, `no definition for ${r.group}/${r.version} ${kind}`);
      assert.ok(
        gvksOf(d.schema).some((g) => g.group === r.group && g.version === r.version && g.kind === kind),
        `${d.name} lacks x-kubernetes-group-version-kind ${r.group}/${r.version}/${kind}`,
      );
      assert.deepEqual(Object.keys(gvksOf(d.schema)[0]!).sort(), ['group', 'kind', 'version']);
    }
  }
  assert.equal(definitionFor('apps', 'v1', 'Deployment')?.name, 'io.k8s.api.apps.v1.Deployment');
  assert.equal(definitionFor('', 'v1', 'Event')?.name, `${CORE}Event`);
  assert.equal(definitionFor('events.k8s.io', 'v1', 'Event')?.name, 'io.k8s.api.events.v1.Event');
  assert.equal(definitionFor('autoscaling', 'v1', 'Scale')?.name, 'io.k8s.api.autoscaling.v1.Scale');
  assert.equal(definitionFor('apps', 'v1', 'DeleteOptions')?.name, `${META}DeleteOptions`);
  assert.equal(definitionFor('apps', 'v1', 'Nope'), undefined);
});

test('definitions have descriptions, required fields and upstream names for the special types', () => {
  const defs = definitions();
  const dep = defs['io.k8s.api.apps.v1.Deployment']!;
  assert.match(dep.description!, /declarative updates/);
  assert.deepEqual(defs['io.k8s.api.apps.v1.DeploymentSpec']!.required, ['selector', 'template']);
  assert.deepEqual(defs[`${CORE}Container`]!.required, ['name']);
  assert.equal(defs[QUANTITY]!.format, 'quantity');
  assert.equal(defs[INT_OR_STRING]!.format, 'int-or-string');
  assert.equal(defs[TIME]!.format, 'date-time');
  assert.equal(defs[`${META}MicroTime`]!.format, 'date-time');
  assert.equal(defs['io.k8s.apimachinery.pkg.runtime.RawExtension']!.type, 'object');
  const rolling = defs['io.k8s.api.apps.v1.RollingUpdateDeployment']!.properties!;
  assert.equal(rolling.maxSurge!.$ref, `#/definitions/${INT_OR_STRING}`);
  const limits = defs[`${CORE}ResourceRequirements`]!.properties!.limits!;
  assert.equal((limits.additionalProperties as Schema).$ref, `#/definitions/${QUANTITY}`);
  assert.equal(defs[`${META}ObjectMeta`]!.properties!.creationTimestamp!.$ref, `#/definitions/${TIME}`);
  assert.equal(defs[`${CORE}Secret`]!.properties!.data!.additionalProperties && (defs[`${CORE}Secret`]!.properties!.data!.additionalProperties as Schema).format, 'byte');
});

test('integers are int32 except the int64 table and generation fields', () => {
  const p = (def: string, f: string) => definitions()[def]!.properties![f]!;
  assert.deepEqual([p('io.k8s.api.apps.v1.DeploymentSpec', 'replicas').type, p('io.k8s.api.apps.v1.DeploymentSpec', 'replicas').format], ['integer', 'int32']);
  assert.equal(p(`${META}ObjectMeta`, 'generation').format, 'int64');
  assert.equal(p('io.k8s.api.apps.v1.DeploymentStatus', 'observedGeneration').format, 'int64');
  assert.equal(p(`${CORE}PodSpec`, 'terminationGracePeriodSeconds').format, 'int64');
  assert.equal(p(`${CORE}PodSpec`, 'activeDeadlineSeconds').format, 'int64');
  assert.equal(p('io.k8s.api.batch.v1.JobSpec', 'activeDeadlineSeconds').format, 'int64');
  assert.equal(p(`${CORE}Toleration`, 'tolerationSeconds').format, 'int64');
  assert.equal(p(`${CORE}PodSecurityContext`, 'supplementalGroups').items!.format, 'int64');
  assert.equal(p(`${CORE}ContainerPort`, 'containerPort').format, 'int32');
  assert.equal(p('io.k8s.api.coordination.v1.LeaseSpec', 'leaseDurationSeconds').format, 'int32');
});

test('patch metadata is published on the commonly patched fields', () => {
  const p = (def: string, f: string) => definitions()[def]!.properties![f]!;
  const meta = (s: Schema) => ({
    strategy: s['x-kubernetes-patch-strategy'],
    key: s['x-kubernetes-patch-merge-key'],
    listType: s['x-kubernetes-list-type'],
    keys: s['x-kubernetes-list-map-keys'],
  });
  assert.deepEqual(meta(p(`${CORE}PodSpec`, 'containers')), { strategy: 'merge', key: 'name', listType: 'map', keys: ['name'] });
  assert.deepEqual(meta(p(`${CORE}PodSpec`, 'initContainers')), { strategy: 'merge', key: 'name', listType: 'map', keys: ['name'] });
  assert.deepEqual(meta(p(`${CORE}PodSpec`, 'volumes')), { strategy: 'merge,retainKeys', key: 'name', listType: 'map', keys: ['name'] });
  assert.deepEqual(meta(p(`${CORE}Container`, 'ports')), { strategy: 'merge', key: 'containerPort', listType: 'map', keys: ['containerPort', 'protocol'] });
  assert.deepEqual(meta(p(`${CORE}Container`, 'env')), { strategy: 'merge', key: 'name', listType: 'map', keys: ['name'] });
  assert.deepEqual(meta(p(`${CORE}Container`, 'volumeMounts')), { strategy: 'merge', key: 'mountPath', listType: 'map', keys: ['mountPath'] });
  assert.deepEqual(meta(p(`${CORE}EphemeralContainer`, 'env')), { strategy: 'merge', key: 'name', listType: 'map', keys: ['name'] });
  assert.deepEqual(meta(p(`${CORE}ServiceSpec`, 'ports')), { strategy: 'merge', key: 'port', listType: 'map', keys: ['port', 'protocol'] });
  assert.deepEqual(meta(p(`${META}ObjectMeta`, 'finalizers')), { strategy: 'merge', key: undefined, listType: 'set', keys: undefined });
  assert.deepEqual(meta(p(`${META}ObjectMeta`, 'ownerReferences')), { strategy: 'merge', key: 'uid', listType: 'map', keys: ['uid'] });
  assert.deepEqual(meta(p(`${CORE}PodSpec`, 'tolerations')), { strategy: undefined, key: undefined, listType: 'atomic', keys: undefined });
  assert.deepEqual(meta(p('io.k8s.api.apps.v1.DeploymentStatus', 'conditions')), { strategy: 'merge', key: 'type', listType: 'map', keys: ['type'] });
  assert.deepEqual(meta(p(`${CORE}PodStatus`, 'conditions')), { strategy: 'merge', key: 'type', listType: 'map', keys: ['type'] });
  assert.equal(p('io.k8s.api.apps.v1.DeploymentSpec', 'strategy')['x-kubernetes-patch-strategy'], 'retainKeys');
  assert.equal(definitions()[`${META}LabelSelector`]!['x-kubernetes-map-type'], 'atomic');
});

test('every patch-meta.ts entry names a field that exists', () => {
  for (const [def, fields] of Object.entries(FIELD_PATCH_META)) {
    const d = definitions()[def];
    if (!d) continue; // a group this build does not serve
    for (const f of Object.keys(fields)) assert.ok(d.properties?.[f], `${def}.${f} does not exist`);
  }
  for (const def of ATOMIC_STRUCTS) if (def.startsWith('io.k8s.api.core.') || def.startsWith('io.k8s.apimachinery.')) assert.ok(definitions()[def], def);
});

test('every $ref resolves, in any of its spellings', () => {
  const walk = (s: unknown): void => {
    if (!s || typeof s !== 'object') return;
    const o = s as Record<string, unknown>;
    if (typeof o.$ref === 'string') assert.ok(resolve(o.$ref), `dangling ${o.$ref}`);
    for (const v of Object.values(o)) walk(v);
  };
  for (const d of Object.values(definitions())) walk(d);
  assert.ok(resolve('#/components/schemas/io.k8s.api.apps.v1.Deployment'));
  assert.ok(resolve('#/definitions/io.k8s.api.apps.v1.Deployment'));
  assert.ok(resolve('io.k8s.api.apps.v1.Deployment'));
  assert.equal(resolve('#/definitions/nope'), undefined);
});

test('SchemaLookup describes fields, items and patch metadata', () => {
  const L = schemaLookup;
  const dep = L.rootTypeName('apps', 'v1', 'Deployment')!;
  assert.equal(dep, 'io.k8s.api.apps.v1.Deployment');
  assert.deepEqual(L.fieldType(dep, 'spec'), { kind: 'object', typeName: 'io.k8s.api.apps.v1.DeploymentSpec' });
  assert.ok(L.fields(dep).includes('metadata'));
  assert.deepEqual([...L.required('io.k8s.api.apps.v1.DeploymentSpec')], ['selector', 'template']);

  const podSpec = `${CORE}PodSpec`;
  const containers = L.fieldSchema(podSpec, 'containers')!;
  assert.equal(containers.required, true);
  assert.equal(containers.type.kind, 'array');
  assert.deepEqual(L.itemType(podSpec, 'containers'), { kind: 'object', typeName: `${CORE}Container` });
  assert.deepEqual(L.patchMeta(podSpec, 'containers'), { strategies: ['merge'], mergeKey: 'name', listType: 'map', listMapKeys: ['name'] });
  assert.deepEqual(L.patchMeta(podSpec, 'volumes').strategies, ['merge', 'retainKeys']);
  assert.deepEqual(L.patchMeta(podSpec, 'nodeName'), { strategies: [] });
  assert.deepEqual(L.patchMeta(podSpec, 'nope'), { strategies: [] });
  assert.equal(L.patchMeta(podSpec, 'nodeSelector').mapType, 'atomic');
  assert.equal(L.fieldSchema(podSpec, 'nope'), undefined);

  assert.deepEqual(L.fieldType(`${CORE}ResourceRequirements`, 'limits'), { kind: 'map', elem: { kind: 'quantity', typeName: QUANTITY, format: 'quantity' } });
  assert.deepEqual(L.itemType(`${META}ObjectMeta`, 'labels'), { kind: 'string' });
  assert.equal(L.fieldType('io.k8s.api.apps.v1.RollingUpdateDeployment', 'maxSurge')!.kind, 'int-or-string');
  assert.equal(L.fieldType(`${META}ObjectMeta`, 'creationTimestamp')!.kind, 'date-time');
  assert.deepEqual(L.fieldType(`${META}ObjectMeta`, 'generation'), { kind: 'integer', format: 'int64' });
  assert.equal(L.fieldType(`${META}ManagedFieldsEntry`, 'fieldsV1')!.kind, 'any');
  assert.equal(L.fieldType(`${CORE}Secret`, 'data')!.elem!.kind, 'bytes');
  assert.equal(L.structMapType(`${META}LabelSelector`), 'atomic');
  assert.equal(L.structMapType(`${CORE}PodSpec`), 'granular');
  assert.equal(L.hasType(podSpec), true);
  assert.equal(L.hasType('nope'), false);
  assert.deepEqual(L.fields('nope'), []);
});
