// Tests for strategic merge patch on hand-built OpenAPI definitions: list merging, ordering, directives, errors.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../../api/status.js';
import { definitions as builtinDefinitions, schemaLookup } from '../../api/openapi/schemas.js';
import { PATCH_NOT_APPLICABLE_MESSAGE } from './json-patch.js';
import { patchSchemaFromDefinitions, patchSchemaFromLookup, type PatchSchema } from './patch-schema.js';
import { strategicMergePatch } from './strategic-merge-patch.js';

const ref = (name: string) => ({ $ref: `#/definitions/${name}` });
const str = { type: 'string' };
const merge = (key: string | undefined, items: object, extra: object = {}) => ({
  type: 'array', items, 'x-kubernetes-patch-strategy': 'merge', ...(key ? { 'x-kubernetes-patch-merge-key': key } : {}), ...extra,
});
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/** A slice of the real definitions, in OpenAPI v2 form, with upstream's patch extensions. */
const definitions: Record<string, any> = {
  'io.k8s.api.apps.v1.Deployment': {
    type: 'object',
    properties: { apiVersion: str, kind: str, metadata: ref(META), spec: ref('io.k8s.api.apps.v1.DeploymentSpec') },
  },
  'io.k8s.api.apps.v1.DeploymentSpec': {
    type: 'object',
    properties: {
      replicas: { type: 'integer' },
      strategy: { ...ref('io.k8s.api.apps.v1.DeploymentStrategy'), 'x-kubernetes-patch-strategy': 'retainKeys' },
      template: ref('io.k8s.api.core.v1.PodTemplateSpec'),
    },
  },
  'io.k8s.api.apps.v1.DeploymentStrategy': {
    type: 'object',
    properties: { type: str, rollingUpdate: ref('io.k8s.api.apps.v1.RollingUpdateDeployment') },
  },
  'io.k8s.api.apps.v1.RollingUpdateDeployment': { type: 'object', properties: { maxSurge: { format: 'int-or-string' }, maxUnavailable: { format: 'int-or-string' } } },
  'io.k8s.api.core.v1.PodTemplateSpec': { type: 'object', properties: { metadata: ref(META), spec: ref('io.k8s.api.core.v1.PodSpec') } },
  'io.k8s.api.core.v1.PodSpec': {
    type: 'object',
    properties: {
      containers: merge('name', ref('io.k8s.api.core.v1.Container'), { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] }),
      volumes: merge('name', ref('io.k8s.api.core.v1.Volume'), { 'x-kubernetes-patch-strategy': 'merge,retainKeys' }),
      tolerations: { type: 'array', items: ref('io.k8s.api.core.v1.Toleration'), 'x-kubernetes-list-type': 'atomic' },
      nodeSelector: { type: 'object', additionalProperties: str },
    },
  },
  'io.k8s.api.core.v1.Container': {
    type: 'object',
    properties: {
      name: str,
      image: str,
      args: { type: 'array', items: str },
      env: merge('name', ref('io.k8s.api.core.v1.EnvVar')),
      ports: merge('containerPort', ref('io.k8s.api.core.v1.ContainerPort'), { 'x-kubernetes-list-map-keys': ['containerPort', 'protocol'] }),
      resources: ref('io.k8s.api.core.v1.ResourceRequirements'),
    },
  },
  'io.k8s.api.core.v1.EnvVar': { type: 'object', properties: { name: str, value: str, valueFrom: { type: 'object', properties: { fieldRef: { type: 'object' } } } } },
  'io.k8s.api.core.v1.ContainerPort': { type: 'object', properties: { containerPort: { type: 'integer' }, name: str, protocol: str } },
  'io.k8s.api.core.v1.ResourceRequirements': {
    type: 'object',
    properties: { limits: { type: 'object', additionalProperties: ref('io.k8s.apimachinery.pkg.api.resource.Quantity') }, requests: { type: 'object', additionalProperties: ref('io.k8s.apimachinery.pkg.api.resource.Quantity') } },
  },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { type: 'string' },
  'io.k8s.api.core.v1.Volume': {
    type: 'object',
    properties: {
      name: str,
      emptyDir: { type: 'object', properties: { medium: str, sizeLimit: str } },
      hostPath: { type: 'object', properties: { path: str, type: str } },
      configMap: { type: 'object', properties: { name: str, items: { type: 'array', items: { type: 'object' } } } },
    },
  },
  'io.k8s.api.core.v1.Toleration': { type: 'object', properties: { key: str, operator: str, effect: str } },
  [META]: {
    type: 'object',
    properties: {
      name: str,
      labels: { type: 'object', additionalProperties: str },
      annotations: { type: 'object', additionalProperties: str },
      finalizers: { type: 'array', items: str, 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'set' },
      ownerReferences: merge('uid', { type: 'object', properties: { uid: str, name: str } }),
    },
  },
};

const schema = patchSchemaFromDefinitions(definitions, 'io.k8s.api.apps.v1.Deployment') as PatchSchema;

const deployment = () => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web', tier: 'front' }, finalizers: ['a', 'b'] },
  spec: {
    replicas: 2,
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          {
            name: 'app',
            image: 'app:1',
            args: ['--port=8080', '--verbose'],
            env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }, { name: 'C', value: '3' }],
            ports: [{ containerPort: 8080, protocol: 'TCP' }, { containerPort: 9090, protocol: 'TCP', name: 'metrics' }],
          },
          { name: 'proxy', image: 'envoy:1' },
        ],
        volumes: [{ name: 'data', emptyDir: {} }, { name: 'conf', configMap: { name: 'web-conf' } }],
        tolerations: [{ key: 'k1', operator: 'Exists' }, { key: 'k2', operator: 'Exists' }],
      },
    },
  },
});

const smp = (patch: unknown, original: object = deployment()) => strategicMergePatch(original as any, patch, schema) as any;
const podSpec = (patch: object) => ({ spec: { template: { spec: patch } } });
const containers = (out: any) => out.spec.template.spec.containers;
const names = (list: any[]) => list.map((x) => x.name);

/** Asserts an ApiError with this code, and a message (or hidden cause) matching. */
function assertApiError(fn: () => unknown, code: number, message: string | RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ApiError, String(e));
    assert.equal(e.code, code);
    const text = code === 422 ? (e.cause as Error).message : e.message;
    if (typeof message === 'string') assert.equal(text, message);
    else assert.match(text, message);
    return true;
  });
}

test('containers merge by name: one image changes, the other container and all other fields stay', () => {
  const out = smp(podSpec({ containers: [{ name: 'proxy', image: 'envoy:2' }] }));
  assert.deepEqual(containers(out), [deployment().spec.template.spec.containers[0], { name: 'proxy', image: 'envoy:2' }]);
  assert.deepEqual(out.spec.template.spec.volumes, deployment().spec.template.spec.volumes);
  assert.equal(out.spec.replicas, 2);
});

test('env merges by name inside the matched container; ports merge by containerPort (a number key)', () => {
  const out = smp(podSpec({
    containers: [{
      name: 'app',
      env: [{ name: 'B', value: 'two' }, { name: 'D', value: '4' }],
      ports: [{ containerPort: 9090, name: 'prom' }, { containerPort: 7070, protocol: 'UDP' }],
    }],
  }));
  const app = containers(out)[0];
  assert.deepEqual(app.env, [{ name: 'A', value: '1' }, { name: 'B', value: 'two' }, { name: 'D', value: '4' }, { name: 'C', value: '3' }]);
  assert.deepEqual(app.ports, [
    { containerPort: 8080, protocol: 'TCP' },
    { containerPort: 9090, protocol: 'TCP', name: 'prom' },
    { containerPort: 7070, protocol: 'UDP' },
  ]);
  assert.deepEqual(app.args, ['--port=8080', '--verbose']);
  assert.equal(app.image, 'app:1');
});

test('merged list order is upstream\'s: patch order kept, a new item with no live neighbour before it comes first', () => {
  // [app, proxy] + [log] → log has no live position, so it is placed before the live-only items
  assert.deepEqual(names(containers(smp(podSpec({ containers: [{ name: 'log', image: 'fluent' }] })))), ['log', 'app', 'proxy']);
  // after a live item named in the patch, it follows that item
  assert.deepEqual(names(containers(smp(podSpec({ containers: [{ name: 'proxy' }, { name: 'log' }] })))), ['app', 'proxy', 'log']);
  // patch order wins over live order for the items it names; live-only items keep their place where they can
  const live = { spec: { template: { spec: { containers: [{ name: '1' }, { name: '2', v: 'b' }, { name: '3' }] } } } };
  assert.deepEqual(containers(smp(podSpec({ containers: [{ name: '3', v: 'c' }, { name: '1', v: 'a' }] }), live)), [{ name: '2', v: 'b' }, { name: '3', v: 'c' }, { name: '1', v: 'a' }]);
  assert.deepEqual(names(containers(smp(podSpec({ containers: [{ name: '3' }, { name: '1' }, { name: '2' }] }), live))), ['3', '1', '2']);
});

test('$patch: delete removes a container (every item with that key), other items untouched', () => {
  const out = smp(podSpec({ containers: [{ name: 'app', $patch: 'delete' }, { name: 'proxy', image: 'envoy:3' }] }));
  assert.deepEqual(containers(out), [{ name: 'proxy', image: 'envoy:3' }]);
  const dup = { spec: { template: { spec: { containers: [{ name: 'x', n: 1 }, { name: 'y' }, { name: 'x', n: 2 }] } } } };
  assert.deepEqual(containers(smp(podSpec({ containers: [{ name: 'x', $patch: 'delete' }] }), dup)), [{ name: 'y' }]);
  // deleting an item that is not there is a no-op
  assert.deepEqual(containers(smp(podSpec({ containers: [{ name: 'nope', $patch: 'delete' }] }))), deployment().spec.template.spec.containers);
});

test('$patch: replace in a list replaces the whole list with the other items', () => {
  const out = smp(podSpec({ containers: [{ name: 'only', image: 'x', $unused: null }, { $patch: 'replace' }] }));
  assert.deepEqual(containers(out), [{ name: 'only', image: 'x' }]);
  assert.deepEqual(containers(smp(podSpec({ containers: [{ $patch: 'replace' }] }))), []);
});

test('$patch: replace on a map takes the patch map as is; $patch: delete on a map leaves {} (as upstream)', () => {
  const out = smp({ metadata: { labels: { $patch: 'replace', owner: 'me', dropped: null } }, spec: { strategy: { $patch: 'delete' } } });
  assert.deepEqual(out.metadata.labels, { owner: 'me' });
  assert.deepEqual(out.spec.strategy, {});
  // on a map that is not there: delete adds nothing, replace sets the map
  const none = smp({ spec: { template: { spec: { nodeSelector: { $patch: 'delete' } } } } });
  assert.equal('nodeSelector' in none.spec.template.spec, false);
  assert.deepEqual(smp({ spec: { template: { spec: { nodeSelector: { $patch: 'replace', disk: 'ssd' } } } } }).spec.template.spec.nodeSelector, { disk: 'ssd' });
  // on the whole object
  assert.deepEqual(smp({ $patch: 'replace', kind: 'Deployment' }), { kind: 'Deployment' });
  assert.deepEqual(smp({ $patch: 'delete' }), {});
  // $patch: merge is the default, spelled out
  assert.deepEqual(smp({ metadata: { $patch: 'merge', labels: { x: 'y' } } }).metadata.labels, { app: 'web', tier: 'front', x: 'y' });
});

test('labels: null removes a key, other keys merge; null for an absent key is a no-op', () => {
  const out = smp({ metadata: { labels: { tier: null, track: 'canary', ghost: null } } });
  assert.deepEqual(out.metadata.labels, { app: 'web', track: 'canary' });
  assert.equal('annotations' in smp({ metadata: { annotations: null } }).metadata, false);
  assert.equal('spec' in smp({ spec: null }), false);
});

test('lists without a strategy are replaced whole (tolerations, args)', () => {
  const out = smp(podSpec({ tolerations: [{ key: 'k3', operator: 'Exists' }], containers: [{ name: 'app', args: ['--quiet'] }] }));
  assert.deepEqual(out.spec.template.spec.tolerations, [{ key: 'k3', operator: 'Exists' }]);
  assert.deepEqual(containers(out)[0].args, ['--quiet']);
  assert.deepEqual(smp(podSpec({ tolerations: [] })).spec.template.spec.tolerations, []);
});

test('primitive lists with strategy merge are sets: union without duplicates, patch order kept', () => {
  assert.deepEqual(smp({ metadata: { finalizers: ['b', 'c', 'c'] } }).metadata.finalizers, ['a', 'b', 'c']);
  assert.deepEqual(smp({ metadata: { finalizers: ['c'] } }).metadata.finalizers, ['c', 'a', 'b']);
  assert.deepEqual(smp({ metadata: { finalizers: ['b', 'a'] } }).metadata.finalizers, ['b', 'a']);
  assert.deepEqual(smp({ metadata: { finalizers: [] } }).metadata.finalizers, ['a', 'b']);
});

test('$deleteFromPrimitiveList/finalizers removes those values (all copies); absent values and lists are no-ops', () => {
  const live = { metadata: { finalizers: ['a', 'b', 'c', 'b'] } };
  assert.deepEqual(smp({ metadata: { '$deleteFromPrimitiveList/finalizers': ['b', 'zz'] } }, live).metadata.finalizers, ['a', 'c']);
  assert.deepEqual(smp({ metadata: { '$deleteFromPrimitiveList/finalizers': ['a'], finalizers: ['d'] } }, live).metadata.finalizers, ['d', 'b', 'c']);
  assert.deepEqual(smp({ '$deleteFromPrimitiveList/finalizers': ['a'] }, { metadata: {} }), { metadata: {} });
  // also on a list without strategy merge, as upstream
  assert.deepEqual(smp({ spec: { template: { spec: { containers: [{ name: 'app', '$deleteFromPrimitiveList/args': ['--verbose'] }] } } } }).spec.template.spec.containers[0].args, ['--port=8080']);
});

test('$setElementOrder orders a merged list of maps; live-only items keep live positions where they can', () => {
  const live = { spec: { template: { spec: { containers: [{ name: 'A' }, { name: 'D' }, { name: 'B' }, { name: 'C' }] } } } };
  const out = smp(podSpec({ '$setElementOrder/containers': [{ name: 'C' }, { name: 'A' }, { name: 'B' }] }), live);
  assert.deepEqual(names(containers(out)), ['D', 'C', 'A', 'B']);
  // kubectl apply adding a container: the order list places it
  const added = smp(podSpec({
    '$setElementOrder/containers': [{ name: 'app' }, { name: 'proxy' }, { name: 'log' }],
    containers: [{ name: 'log', image: 'fluent' }],
  }));
  assert.deepEqual(names(containers(added)), ['app', 'proxy', 'log']);
  assert.deepEqual(containers(added)[2], { name: 'log', image: 'fluent' });
  // items in the order list that are nowhere are ignored
  const ignored = smp(podSpec({ '$setElementOrder/containers': [{ name: 'proxy' }, { name: 'ghost' }, { name: 'app' }] }));
  assert.deepEqual(names(containers(ignored)), ['proxy', 'app']);
});

test('$setElementOrder with env deletions and changes (the design proposal\'s kubectl apply example)', () => {
  const live = { name: 'app', env: [{ name: 'ENV2', value: 'bar' }, { name: 'ENV5', value: 's2' }, { name: 'ENV1', value: 'foo' }, { name: 'ENV3', value: 'baz' }, { name: 'ENV4', value: 's1' }] };
  const out = smp(podSpec({ containers: [{
    name: 'app',
    '$setElementOrder/env': [{ name: 'ENV1' }, { name: 'ENV2' }, { name: 'ENV6' }],
    env: [{ name: 'ENV3', $patch: 'delete' }, { name: 'ENV6', value: 'new' }],
  }] }), { spec: { template: { spec: { containers: [live] } } } });
  // Upstream's result (checked against kubectl's strategicpatch): its Go code orders against the live list's backing
  // array, where ENV6 took the slot ENV3's deletion freed, so ENV4 (live position 3) precedes ENV6 (position 4).
  assert.deepEqual(containers(out)[0].env.map((e: any) => e.name), ['ENV5', 'ENV1', 'ENV2', 'ENV4', 'ENV6']);
  assert.deepEqual(containers(out)[0].env[4], { name: 'ENV6', value: 'new' });
});

test('$setElementOrder on a primitive list, combined with $deleteFromPrimitiveList (the proposal\'s finalizers example)', () => {
  const out = smp({ metadata: {
    '$setElementOrder/finalizers': ['a', 'b', 'f'],
    '$deleteFromPrimitiveList/finalizers': ['c'],
    finalizers: ['f'],
  } }, { metadata: { finalizers: ['b', 'e', 'a', 'c', 'd'] } });
  assert.deepEqual(out.metadata.finalizers, ['e', 'a', 'b', 'f', 'd']);
  assert.deepEqual(smp({ metadata: { '$setElementOrder/finalizers': ['b', 'x', 'a'] } }).metadata.finalizers, ['b', 'a']);
});

test('$setElementOrder contradicting the patch list is refused as upstream (500, its message)', () => {
  assertApiError(() => smp(podSpec({
    '$setElementOrder/containers': [{ name: 'app' }, { name: 'proxy' }],
    containers: [{ name: 'proxy', image: 'p' }, { name: 'app', image: 'a' }],
  })), 500, /^the order in patch list:\n\[map\[image:p name:proxy\] map\[image:a name:app\]\]\n doesn't match \$setElementOrder list:\n/);
  assertApiError(() => smp({ metadata: { '$setElementOrder/finalizers': 'a' } }), 500, 'expected a []interface {}, but received a string');
  assertApiError(() => smp({ metadata: { '$setElementOrderfinalizers': ['a'] } }), 400, 'invalid patch format of setElementOrder list');
});

test('$retainKeys clears unlisted live keys (Deployment strategy, a volume source)', () => {
  const out = smp({ spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } });
  assert.deepEqual(out.spec.strategy, { type: 'Recreate' });
  const vol = smp(podSpec({ volumes: [{ name: 'data', $retainKeys: ['name', 'hostPath'], hostPath: { path: '/srv' } }] }));
  assert.deepEqual(vol.spec.template.spec.volumes, [{ name: 'data', hostPath: { path: '/srv' } }, { name: 'conf', configMap: { name: 'web-conf' } }]);
  // null values and parallel lists need not be listed
  const nulls = smp({ spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } } });
  assert.deepEqual(nulls.spec.strategy, { type: 'Recreate' });
  // without the directive, a retainKeys field merges as usual
  assert.deepEqual(smp({ spec: { strategy: { type: 'Recreate' } } }).spec.strategy, { type: 'Recreate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
});

test('$retainKeys that does not list a key the patch sets, or is not a list, is 400', () => {
  assertApiError(() => smp({ spec: { strategy: { $retainKeys: ['type'], type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } }), 400, 'invalid patch format of retainKeys');
  assertApiError(() => smp({ spec: { strategy: { $retainKeys: 'type', type: 'Recreate' } } }), 400, 'invalid patch format of retainKeys');
});

test('new values have directives applied and null members dropped; the result carries no directive keys', () => {
  const out = smp(podSpec({
    containers: [{ name: 'new', image: 'n', resources: { limits: { cpu: '1', memory: null } }, env: [{ name: 'X', value: null }, { name: 'Y', $patch: 'delete' }] }],
    nodeSelector: { disk: 'ssd', zone: null },
  }));
  assert.deepEqual(containers(out)[0], { name: 'new', image: 'n', resources: { limits: { cpu: '1' } }, env: [{ name: 'X' }] });
  assert.deepEqual(out.spec.template.spec.nodeSelector, { disk: 'ssd' });
  assert.doesNotMatch(JSON.stringify(out), /\$/);
  // a value of another type replaces the live one
  assert.deepEqual(smp({ spec: { replicas: { weird: true, gone: null } } }).spec.replicas, { weird: true });
  assert.equal(smp({ spec: { template: 'x' } }).spec.template, 'x');
});

test('null array elements survive in replaced lists (as upstream)', () => {
  assert.deepEqual(smp(podSpec({ containers: [{ name: 'app', args: ['a', null, 'b'] }] })).spec.template.spec.containers[0].args, ['a', null, 'b']);
});

test('a merge item without the merge key, an unknown or merge $patch in a list: 500 with upstream\'s message', () => {
  assertApiError(() => smp(podSpec({ containers: [{ image: 'x' }] })), 500, 'map: map[image:x] does not contain declared merge key: name');
  assertApiError(() => smp(podSpec({ containers: [{ $patch: 'delete', image: 'x' }] })), 500, 'map: map[$patch:delete image:x] does not contain declared merge key: name');
  assertApiError(() => smp(podSpec({ containers: [{ name: 'app', $patch: 'merge' }] })), 500, 'merging lists cannot yet be specified in the patch');
  assertApiError(() => smp(podSpec({ containers: [{ name: 'app', $patch: 'frob' }] })), 500, 'unknown patch type: frob in map: map[$patch:frob name:app]');
  assertApiError(() => smp({ metadata: { $patch: 'frob' } }), 500, 'unknown patch type: frob in map: map[$patch:frob]');
  assertApiError(() => smp({ metadata: { finalizers: [1] } }), 500, /^list element types are not identical: /);
  assert.throws(() => smp(podSpec({ containers: [{ image: 'x' }] })), (e: any) => e.toStatus().reason === '', 'no reason, as upstream\'s non-Status errors');
});

test('a list of lists under strategy merge is 422 Invalid with upstream\'s generic message', () => {
  assertApiError(() => smp({ metadata: { finalizers: [['x']] } }, { metadata: { finalizers: [] } }), 422, 'lists of lists are not supported');
  assert.throws(() => smp({ metadata: { finalizers: [['x']] } }, { metadata: { finalizers: [] } }), (e: any) => e.message === PATCH_NOT_APPLICABLE_MESSAGE && e.reason === 'Invalid');
});

test('a body that is not an object is 400 in Go decoder wording; null is an empty patch', () => {
  assertApiError(() => smp([{ a: 1 }]), 400, 'json: cannot unmarshal array into Go value of type map[string]interface {}');
  assertApiError(() => smp('x'), 400, 'json: cannot unmarshal string into Go value of type map[string]interface {}');
  assertApiError(() => smp({ metadata: { '$deleteFromPrimitiveListfinalizers': ['a'] } }), 400, 'invalid patch format of primitive list');
  assert.deepEqual(smp(null), deployment());
  assert.deepEqual(smp({}), deployment());
});

test('without a schema: maps merge, lists are replaced, directives still apply; requireSchema refuses with 415', () => {
  const cr = { spec: { items: [{ name: 'a', v: 1 }, { name: 'b' }], conf: { x: 1, y: 2 } } };
  const out = strategicMergePatch(cr, { spec: { items: [{ name: 'a', v: 2 }], conf: { y: null, z: 3 } } }, undefined);
  assert.deepEqual(out, { spec: { items: [{ name: 'a', v: 2 }], conf: { x: 1, z: 3 } } });
  assert.deepEqual(strategicMergePatch(cr, { spec: { conf: { $patch: 'replace', w: 0 } } }, undefined), { spec: { items: cr.spec.items, conf: { w: 0 } } });
  assert.throws(() => strategicMergePatch(cr, {}, undefined, { requireSchema: true }), (e: any) =>
    e instanceof ApiError && e.code === 415 && e.reason === 'UnsupportedMediaType' &&
    e.message === 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml');
  // fields the schema does not know behave the same way
  assert.deepEqual(smp({ spec: { extra: [{ name: 'z' }] } }, { spec: { extra: [{ name: 'y' }] } }).spec.extra, [{ name: 'z' }]);
});

test('never mutates its inputs and shares no objects with them', () => {
  const original = deployment();
  const patch = podSpec({ containers: [{ name: 'app', env: [{ name: 'A', value: 'x' }] }, { name: 'new', env: [{ name: 'N', value: 'n' }] }] }) as any;
  const snapshot = JSON.stringify([original, patch]);
  const out = smp(patch, original);
  assert.equal(JSON.stringify([original, patch]), snapshot);
  containers(out)[0].env[0].value = 'mutated';
  containers(out).find((c: any) => c.name === 'new').env[0].value = 'mutated';
  out.metadata.labels.app = 'mutated';
  assert.equal(JSON.stringify([original, patch]), snapshot);
});

test('patchSchemaFromDefinitions: v3 components with allOf wrappers, maps of objects, recursive types', () => {
  const v3 = {
    openapi: '3.0.0',
    components: {
      schemas: {
        'x.Root': {
          type: 'object',
          properties: {
            items: { type: 'array', items: { allOf: [{ $ref: '#/components/schemas/x.Item' }] }, 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'id' },
            byName: { type: 'object', additionalProperties: { allOf: [{ $ref: '#/components/schemas/x.Item' }] } },
            self: { allOf: [{ $ref: '#/components/schemas/x.Root' }], default: {} },
          },
        },
        'x.Item': { type: 'object', properties: { id: { type: 'string' }, tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-patch-strategy': 'merge' } } },
      },
    },
  };
  const root = patchSchemaFromDefinitions(v3, 'x.Root')!;
  assert.deepEqual(root.field('items')?.strategies, ['merge']);
  assert.equal(root.field('items')?.mergeKey, 'id');
  assert.equal(root.field('items')?.isList, true);
  assert.deepEqual(root.field('items')?.itemSchema?.field('tags')?.strategies, ['merge']);
  assert.deepEqual(root.field('byName')?.schema?.field('anything')?.schema?.field('tags')?.strategies, ['merge']);
  assert.equal(root.field('self')?.schema?.field('self')?.schema?.field('items')?.mergeKey, 'id');
  assert.equal(root.field('nope'), undefined);
  assert.equal(patchSchemaFromDefinitions(v3, 'x.Missing'), undefined);
  const out = strategicMergePatch(
    { self: { items: [{ id: '1', tags: ['a'] }] }, byName: { k: { tags: ['x'] } } },
    { self: { items: [{ id: '1', tags: ['b'] }] }, byName: { k: { tags: ['y'] } } },
    root,
  );
  assert.deepEqual(out, { self: { items: [{ id: '1', tags: ['b', 'a'] }] }, byName: { k: { tags: ['y', 'x'] } } });
  // the field metadata reports list-type and list-map-keys for other users
  const spec = schema.field('spec')!.schema!.field('template')!.schema!.field('spec')!.schema!;
  assert.equal(spec.field('containers')?.listType, 'map');
  assert.deepEqual(spec.field('containers')?.listMapKeys, ['name']);
  assert.deepEqual(spec.field('volumes')?.strategies, ['merge', 'retainKeys']);
  assert.equal(spec.field('tolerations')?.listType, 'atomic');
});

test('a real Deployment with the generated built-in definitions (both adapters), as kubectl apply patches it', () => {
  const live = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' }, finalizers: ['example.com/a'] },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'nginx:1.25',
              env: [{ name: 'MODE', value: 'prod' }, { name: 'OLD', value: 'x' }],
              ports: [{ containerPort: 80, protocol: 'TCP' }],
              volumeMounts: [{ name: 'conf', mountPath: '/etc/nginx/conf.d' }],
            },
            { name: 'exporter', image: 'exporter:1', args: ['--port=9113'] },
          ],
          volumes: [{ name: 'conf', configMap: { name: 'web-conf' } }],
          tolerations: [{ key: 'a', operator: 'Exists' }],
        },
      },
    },
  };
  const patch = {
    metadata: { labels: { track: 'stable' }, '$deleteFromPrimitiveList/finalizers': ['example.com/a'] },
    spec: {
      strategy: { $retainKeys: ['type'], type: 'Recreate' },
      template: {
        spec: {
          '$setElementOrder/containers': [{ name: 'web' }, { name: 'exporter' }],
          containers: [
            {
              name: 'web',
              image: 'nginx:1.27',
              '$setElementOrder/env': [{ name: 'MODE' }, { name: 'NEW' }],
              env: [{ name: 'OLD', $patch: 'delete' }, { name: 'NEW', value: 'y' }],
              ports: [{ containerPort: 443, protocol: 'TCP' }],
            },
            { name: 'exporter', args: ['--port=9114'] },
          ],
          volumes: [{ name: 'conf', $retainKeys: ['name', 'secret'], secret: { secretName: 'web-tls' } }],
          tolerations: [{ key: 'b', operator: 'Exists' }],
        },
      },
    },
  };
  const expected = {
    ...live,
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web', track: 'stable' }, finalizers: [] },
    spec: {
      ...live.spec,
      strategy: { type: 'Recreate' },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'nginx:1.27',
              env: [{ name: 'MODE', value: 'prod' }, { name: 'NEW', value: 'y' }],
              ports: [{ containerPort: 443, protocol: 'TCP' }, { containerPort: 80, protocol: 'TCP' }],
              volumeMounts: [{ name: 'conf', mountPath: '/etc/nginx/conf.d' }],
            },
            { name: 'exporter', image: 'exporter:1', args: ['--port=9114'] },
          ],
          volumes: [{ name: 'conf', secret: { secretName: 'web-tls' } }],
          tolerations: [{ key: 'b', operator: 'Exists' }],
        },
      },
    },
  };
  const fromDefinitions = patchSchemaFromDefinitions(builtinDefinitions(), 'io.k8s.api.apps.v1.Deployment');
  const fromLookup = patchSchemaFromLookup(schemaLookup, schemaLookup.rootTypeName('apps', 'v1', 'Deployment')!);
  assert.ok(fromDefinitions && fromLookup);
  assert.deepEqual(strategicMergePatch(live, patch, fromDefinitions), expected);
  assert.deepEqual(strategicMergePatch(live, patch, fromLookup), expected);
  assert.equal(patchSchemaFromLookup(schemaLookup, 'io.k8s.api.apps.v1.NoSuchKind'), undefined);
});
