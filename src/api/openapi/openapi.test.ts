// Tests of the published OpenAPI documents and their HTTP behaviour, read the way kubectl 1.32 reads them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RESOURCES } from '../resources.js';
import { openapiV2, openapiV3Document, openapiV3Index, openapiV3Paths, PATCH_CONTENT_TYPES, serveOpenAPI } from './documents.js';

type Obj = Record<string, any>;
const v3cache = new Map<string, Obj>();
const v3 = (p: string): Obj => {
  if (!v3cache.has(p)) v3cache.set(p, openapiV3Document(p)!.object as Obj);
  return v3cache.get(p)!;
};
const gvPath = (group: string, version: string) => (group ? `apis/${group}/${version}` : `api/${version}`);
const servedGVs = [...new Set(RESOURCES.map((r) => gvPath(r.group, r.version)))];

test('the v3 index lists every served group/version with its document hash', () => {
  const idx = openapiV3Index().object as { paths: Record<string, { serverRelativeURL: string }> };
  assert.deepEqual(Object.keys(idx.paths).sort(), [...servedGVs].sort());
  assert.deepEqual(openapiV3Paths().sort(), [...servedGVs].sort());
  for (const [p, { serverRelativeURL }] of Object.entries(idx.paths)) {
    const doc = openapiV3Document(p)!;
    assert.equal(serverRelativeURL, `/openapi/v3/${p}?hash=${doc.hash}`);
    assert.match(doc.hash, /^[0-9A-F]{128}$/);
    assert.equal(doc.etag, `"${doc.hash}"`);
    assert.deepEqual(JSON.parse(doc.body.toString()), doc.object);
  }
  assert.equal(openapiV3Document('apis/nope/v1'), undefined);
});

test('every PATCH operation names its GVK, takes fieldValidation and the four patch content types', () => {
  for (const p of servedGVs) {
    const doc = v3(p);
    assert.equal(doc.openapi, '3.0.0');
    let patches = 0;
    for (const [path, item] of Object.entries(doc.paths as Record<string, Obj>)) {
      const op = item.patch;
      if (!op) continue;
      patches++;
      const gvk = op['x-kubernetes-group-version-kind'];
      assert.deepEqual(Object.keys(gvk).sort(), ['group', 'kind', 'version'], path);
      const names = (op.parameters as Obj[]).filter((x) => x.in === 'query').map((x) => x.name);
      for (const n of ['fieldValidation', 'dryRun', 'fieldManager', 'force']) assert.ok(names.includes(n), `${path}: ${n}`);
      assert.deepEqual(Object.keys(op.requestBody.content).sort(), [...PATCH_CONTENT_TYPES].sort(), path);
      assert.equal(op['x-kubernetes-action'], 'patch');
    }
    assert.ok(patches > 0, p);
    for (const item of Object.values(doc.paths as Record<string, Obj>))
      for (const m of ['post', 'put'])
        if (item[m] && item[m]['x-kubernetes-action'] !== 'connect') {
          const names = (item[m].parameters as Obj[]).map((x) => x.name);
          assert.ok(names.includes('fieldValidation') && names.includes('dryRun') && names.includes('fieldManager'), item[m].operationId);
        }
  }
});

test('every resource has the operations its verbs allow, with GVK, actions and subresources', () => {
  const deploy = v3('apis/apps/v1').paths as Record<string, Obj>;
  const coll = deploy['/apis/apps/v1/namespaces/{namespace}/deployments']!;
  assert.deepEqual([coll.get['x-kubernetes-action'], coll.post['x-kubernetes-action'], coll.delete['x-kubernetes-action']], ['list', 'post', 'deletecollection']);
  assert.equal(coll.get.operationId, 'listAppsV1NamespacedDeployment');
  assert.ok((coll.get.parameters as Obj[]).some((x) => x.name === 'watch'));
  const item = deploy['/apis/apps/v1/namespaces/{namespace}/deployments/{name}']!;
  assert.deepEqual(Object.keys(item).filter((k) => k !== 'parameters').sort(), ['delete', 'get', 'patch', 'put']);
  assert.equal(item.get.operationId, 'readAppsV1NamespacedDeployment');
  assert.deepEqual(item.put['x-kubernetes-group-version-kind'], { group: 'apps', kind: 'Deployment', version: 'v1' });
  assert.equal(deploy['/apis/apps/v1/deployments']!.get.operationId, 'listAppsV1DeploymentForAllNamespaces');
  const scale = deploy['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale']!;
  assert.deepEqual(scale.patch['x-kubernetes-group-version-kind'], { group: 'autoscaling', kind: 'Scale', version: 'v1' });
  assert.equal(scale.get.responses['200'].content['application/json'].schema.$ref, '#/components/schemas/io.k8s.api.autoscaling.v1.Scale');
  const status = deploy['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status']!;
  assert.equal(status.patch.operationId, 'patchAppsV1NamespacedDeploymentStatus');
  assert.ok(deploy['/apis/apps/v1/']!.get);

  const core = v3('api/v1').paths as Record<string, Obj>;
  assert.equal(core['/api/v1/nodes/{name}']!.patch.operationId, 'patchCoreV1Node');
  assert.equal(core['/api/v1/namespaces/{name}/finalize']!.put.operationId, 'replaceCoreV1NamespaceFinalize');
  assert.equal(core['/api/v1/namespaces/{namespace}/pods/{name}/eviction']!.post['x-kubernetes-group-version-kind'].kind, 'Eviction');
  assert.equal(core['/api/v1/namespaces/{namespace}/pods/{name}/exec']!.get['x-kubernetes-action'], 'connect');
  assert.equal(core['/api/v1/namespaces/{namespace}/pods/{name}/log']!.get.operationId, 'readCoreV1NamespacedPodLog');
  assert.equal(core['/api/v1/namespaces/{namespace}/serviceaccounts/{name}/token']!.post['x-kubernetes-group-version-kind'].kind, 'TokenRequest');
  assert.equal(core['/api/v1/namespaces']!.delete, undefined); // namespaces have no deletecollection
  const rbac = v3('apis/rbac.authorization.k8s.io/v1').paths as Record<string, Obj>;
  assert.equal(rbac['/apis/rbac.authorization.k8s.io/v1/clusterroles']!.get.operationId, 'listRbacAuthorizationV1ClusterRole');
  assert.deepEqual(rbac['/apis/rbac.authorization.k8s.io/v1/clusterroles']!.get.tags, ['rbacAuthorization_v1']);
});

/** kubectl explain: find a GVK on the resource's paths, then the component schema carrying it. */
test('kubectl explain finds every resource and its schema', () => {
  for (const r of RESOURCES) {
    const doc = v3(gvPath(r.group, r.version));
    const prefix = r.group ? `/apis/${r.group}` : '/api';
    const candidates = [
      `${prefix}/${r.version}/${r.resource}`,
      `${prefix}/${r.version}/${r.resource}/{name}`,
      `${prefix}/${r.version}/namespaces/{namespace}/${r.resource}`,
      `${prefix}/${r.version}/namespaces/{namespace}/${r.resource}/{name}`,
    ];
    let gvk: Obj | undefined;
    for (const c of candidates) {
      const item = doc.paths[c];
      if (!item) continue;
      for (const m of ['get', 'post', 'put', 'patch', 'delete']) if (!gvk && item[m]?.['x-kubernetes-group-version-kind']) gvk = item[m]['x-kubernetes-group-version-kind'];
    }
    assert.deepEqual(gvk, { group: r.group, kind: r.kind, version: r.version }, r.resource);
    const schemas = Object.values(doc.components.schemas as Record<string, Obj>).filter((s) =>
      (s['x-kubernetes-group-version-kind'] ?? []).some((g: Obj) => JSON.stringify(g) === JSON.stringify(gvk)),
    );
    assert.equal(schemas.length, 1, r.resource);
    assert.ok(schemas[0]!.properties?.metadata, r.resource);
  }
});

/** A JS rendering of apimachinery's PatchMetaFromOpenAPIV3 walk (properties → allOf[0] → $ref, items). */
function smpLookup(doc: Obj, rootName: string, path: string[]): { strategy?: string; key?: string } {
  const schemas = doc.components.schemas as Record<string, Obj>;
  let s: Obj = schemas[rootName]!;
  let meta: { strategy?: string; key?: string } = {};
  for (const key of path) {
    assert.ok(s.properties && s.properties[key], `unable to find api field "${key}"`);
    let sub: Obj = s.properties[key];
    meta = { strategy: sub['x-kubernetes-patch-strategy'], key: sub['x-kubernetes-patch-merge-key'] };
    if (sub.items) sub = sub.items;
    if (sub.allOf) sub = sub.allOf[0];
    if (sub.$ref) {
      const target = schemas[String(sub.$ref).replace('#/components/schemas/', '')];
      assert.ok(target, `unable to resolve ${sub.$ref} in OpenAPI V3`);
      sub = target;
    }
    s = sub;
  }
  return meta;
}

test('strategic merge metadata is reachable the way kubectl apply walks the v3 schema', () => {
  const apps = v3('apis/apps/v1');
  const root = 'io.k8s.api.apps.v1.Deployment';
  assert.deepEqual(smpLookup(apps, root, ['spec', 'template', 'spec', 'containers']), { strategy: 'merge', key: 'name' });
  assert.deepEqual(smpLookup(apps, root, ['spec', 'template', 'spec', 'containers', 'ports']), { strategy: 'merge', key: 'containerPort' });
  assert.deepEqual(smpLookup(apps, root, ['spec', 'template', 'spec', 'containers', 'env']), { strategy: 'merge', key: 'name' });
  assert.deepEqual(smpLookup(apps, root, ['spec', 'template', 'spec', 'volumes']), { strategy: 'merge,retainKeys', key: 'name' });
  assert.deepEqual(smpLookup(apps, root, ['spec', 'strategy']), { strategy: 'retainKeys', key: undefined });
  assert.deepEqual(smpLookup(apps, root, ['metadata', 'finalizers']), { strategy: 'merge', key: undefined });
  const core = v3('api/v1');
  assert.deepEqual(smpLookup(core, 'io.k8s.api.core.v1.Service', ['spec', 'ports']), { strategy: 'merge', key: 'port' });
  assert.deepEqual(smpLookup(core, 'io.k8s.api.core.v1.Pod', ['spec', 'tolerations']), { strategy: undefined, key: undefined });
});

test('v3 schemas: refs resolve inside the document, never with siblings; IntOrString and Quantity are oneOf', () => {
  for (const p of servedGVs) {
    const doc = v3(p);
    const schemas = doc.components.schemas as Record<string, Obj>;
    const walk = (s: unknown, where: string): void => {
      if (!s || typeof s !== 'object') return;
      if (Array.isArray(s)) return s.forEach((x) => walk(x, where));
      const o = s as Obj;
      if (typeof o.$ref === 'string') {
        assert.deepEqual(Object.keys(o), ['$ref'], `${where}: $ref with siblings`);
        assert.ok(schemas[o.$ref.replace('#/components/schemas/', '')], `${where}: dangling ${o.$ref}`);
      }
      for (const [k, v] of Object.entries(o)) walk(v, `${where}.${k}`);
    };
    walk(doc, p);
  }
  const core = v3('api/v1').components.schemas as Record<string, Obj>;
  assert.deepEqual(core['io.k8s.apimachinery.pkg.util.intstr.IntOrString']!.oneOf, [{ type: 'integer' }, { type: 'string' }]);
  assert.equal(core['io.k8s.apimachinery.pkg.util.intstr.IntOrString']!.type, undefined);
  assert.deepEqual(core['io.k8s.apimachinery.pkg.api.resource.Quantity']!.oneOf, [{ type: 'string' }, { type: 'number' }]);
  const meta = core['io.k8s.api.core.v1.Pod']!.properties.metadata;
  assert.deepEqual(meta.allOf, [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }]);
  assert.deepEqual(meta.default, {});
  assert.ok(meta.description);
});

test('the v2 document is swagger 2.0 with every definition and body parameters', () => {
  const doc = openapiV2().object as Obj;
  assert.equal(doc.swagger, '2.0');
  assert.ok(doc.definitions['io.k8s.api.apps.v1.Deployment']);
  const patch = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
  assert.deepEqual(patch.consumes.sort(), [...PATCH_CONTENT_TYPES].sort());
  assert.deepEqual(patch.parameters[0], { name: 'body', in: 'body', required: true, schema: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch' } });
  assert.ok(patch.parameters.some((x: Obj) => x.name === 'fieldValidation' && x.in === 'query'));
  const walk = (s: unknown): void => {
    if (!s || typeof s !== 'object') return;
    const o = s as Obj;
    if (typeof o.$ref === 'string') assert.ok(doc.definitions[o.$ref.replace('#/definitions/', '')], `dangling ${o.$ref}`);
    for (const v of Object.values(o)) walk(v);
  };
  walk(doc.paths);
  assert.equal(openapiV2(), openapiV2()); // cached
});

test('serveOpenAPI: content negotiation, hashes, caching', () => {
  const v2 = serveOpenAPI({ path: '/openapi/v2', accept: 'application/json' })!;
  assert.equal(v2.status, 200);
  assert.equal(v2.headers['Content-Type'], 'application/json');
  assert.equal(v2.headers.ETag, openapiV2().etag);
  assert.equal(serveOpenAPI({ path: '/openapi/v2', accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' })!.status, 406);
  assert.equal(serveOpenAPI({ path: '/openapi/v2', accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf, application/json' })!.status, 200);
  assert.equal(serveOpenAPI({ path: '/openapi/v2' })!.status, 200);
  assert.equal(serveOpenAPI({ path: '/openapi/v2', accept: 'text/html,*/*;q=0.8' })!.status, 200);
  assert.equal(serveOpenAPI({ path: '/openapi/v2', accept: 'application/json;q=0' })!.status, 406);
  assert.equal(serveOpenAPI({ path: '/openapi/v2', ifNoneMatch: openapiV2().etag })!.status, 304);
  assert.equal(serveOpenAPI({ path: '/openapi/v2', method: 'HEAD' })!.body, undefined);
  assert.equal(serveOpenAPI({ path: '/openapi/v2', method: 'POST' })!.status, 405);

  const idx = serveOpenAPI({ path: '/openapi/v3', accept: 'application/json, */*' })!;
  assert.equal(idx.status, 200);
  const url = (JSON.parse(idx.body!.toString()) as Obj).paths['apis/apps/v1'].serverRelativeURL as string;
  const u = new URL(url, 'https://x');
  const good = serveOpenAPI({ path: u.pathname, query: u.searchParams, accept: 'application/json' })!;
  assert.equal(good.status, 200);
  assert.equal(good.headers['Cache-Control'], 'public, immutable');
  assert.ok(good.headers.Expires);
  assert.deepEqual(good.body, openapiV3Document('apis/apps/v1')!.body);
  const stale = serveOpenAPI({ path: '/openapi/v3/apis/apps/v1', query: { hash: 'ABC' } })!;
  assert.equal(stale.status, 301);
  assert.equal(stale.headers.Location, url);
  const plain = serveOpenAPI({ path: '/openapi/v3/api/v1' })!;
  assert.equal(plain.status, 200);
  assert.equal(plain.headers['Cache-Control'], undefined);
  assert.equal(serveOpenAPI({ path: '/openapi/v3/apis/nope/v1' })!.status, 404);
  assert.equal(serveOpenAPI({ path: '/openapi/v3/api/v1', accept: 'application/com.github.proto-openapi.spec.v3@v1.0+protobuf' })!.status, 406);
  assert.equal(serveOpenAPI({ path: '/api/v1' }), undefined);
  assert.equal(serveOpenAPI({ path: '/openapi/v3x' }), undefined);
});
