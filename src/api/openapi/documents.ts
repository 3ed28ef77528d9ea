// The OpenAPI documents the API server publishes: /openapi/v2 (swagger 2.0), the /openapi/v3 index, one OpenAPI 3.0 document per group/version.
//
// Mounting (API server): for GET/HEAD on /openapi/v2, /openapi/v3 and /openapi/v3/<gv path>, call
// serveOpenAPI({path, query, accept, ifNoneMatch, method}) and send back its status, headers and
// body (undefined means "not an OpenAPI path"). It implements upstream's handler behaviour:
//   - /openapi/v3: the index {"paths": {"api/v1": {"serverRelativeURL": "/openapi/v3/api/v1?hash=H"}, ...}}
//     where H = uppercase hex SHA-512 of that document's JSON bytes, also its ETag ("H", quoted).
//   - /openapi/v3/<gv>?hash=H: 301 to the current hash when H is stale; with the current hash the
//     answer is immutable (Cache-Control: public, immutable; Expires in a year). If-None-Match → 304.
//   - Accept: JSON only. Protobuf (application/com.github.proto-openapi.spec.v2@v1.0+protobuf,
//     …spec.v3@v1.0+protobuf) is not implemented: a request that accepts nothing else gets 406.
//     kubectl 1.32 reads /openapi/v3 as JSON for explain, apply (strategic merge patch metadata)
//     and the fieldValidation support check; it asks for the v2 protobuf only for
//     `explain --output=plaintext-openapiv2`, for client-side validation when the v3 check fails,
//     and in apply as a fallback whose error it ignores (it then uses its compiled-in types).
// kubectl's needs that shape these documents (read from its source):
//   - every PATCH operation of a kind carries x-kubernetes-group-version-kind and the query
//     parameter fieldValidation (kubectl stops at the first PATCH operation it finds for the GVK, in
//     map order, so status subresources carry it too) and the request content type
//     application/strategic-merge-patch+json (else apply falls back to its compiled-in types);
//   - components.schemas entries carry x-kubernetes-group-version-kind (explain and apply find the
//     root schema by it); refs are "#/components/schemas/X", wrapped as allOf: [{$ref}] when the
//     property has siblings (description, default, patch extensions on the property itself);
//   - explain finds the GVK on /apis/<g>/<v>/<resource>, …/{name} or the namespaced variants.
// Documents are built lazily from the registry (src/api/resources.ts) on the first request and kept
// as JSON bytes for the process (≈ 1.3 MB for v2, ≈ 1.9 MB for all v3 documents); building them all
// takes ≈ 100 ms. invalidateDocuments() drops the cache (for the day resources become dynamic).
import { createHash } from 'node:crypto';
import { GROUP_ORDER, RESOURCES, type ResourceInfo } from '../resources.js';
import { definitionFor, definitions, definitionsVersion, INT_OR_STRING, QUANTITY, refName, type GroupVersionKind, type Schema } from './schemas.js';

export interface ServedDocument {
  /** The document, parsed afresh from body on each access (only the bytes are kept in memory). */
  readonly object: unknown;
  /** Its JSON bytes, as served. */
  readonly body: Buffer;
  /** Uppercase hex SHA-512 of body (upstream's hash). */
  readonly hash: string;
  /** The ETag header value: the hash in double quotes. */
  readonly etag: string;
}

export interface OpenAPIRequest {
  /** URL path without query, e.g. /openapi/v3/apis/apps/v1 */
  path: string;
  query?: URLSearchParams | Record<string, string | undefined>;
  accept?: string;
  ifNoneMatch?: string;
  method?: string;
}

export interface OpenAPIResponse {
  status: number;
  headers: Record<string, string>;
  body?: Buffer;
}

export const PATCH_CONTENT_TYPES = [
  'application/apply-patch+yaml',
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
] as const;

const RESPONSE_TYPES = ['application/json', 'application/yaml'];
const WATCH_TYPES = ['application/json', 'application/json;stream=watch'];
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';

// ---- an intermediate form of the paths, rendered as swagger 2.0 and as OpenAPI 3.0

type ParamType = 'string' | 'boolean' | 'integer';

interface Param {
  name: string;
  in: 'path' | 'query';
  description: string;
  type: ParamType;
  required?: boolean;
}

interface Response {
  code: string;
  description: string;
  /** definition name of the body */
  def?: string;
  /** a plain string body (logs, connect) */
  text?: boolean;
}

interface Operation {
  method: 'get' | 'put' | 'post' | 'delete' | 'patch';
  operationId: string;
  description: string;
  tag: string;
  action?: string;
  gvk?: GroupVersionKind;
  params: Param[];
  body?: { def: string; required: boolean; patch?: boolean };
  responses: Response[];
  produces: string[];
  consumes?: string[];
}

interface PathItem {
  path: string;
  params: Param[];
  ops: Operation[];
}

const q = (name: string, type: ParamType, description: string): Param => ({ name, in: 'query', type, description });

const P = {
  pretty: q('pretty', 'string', "If 'true', the response body is indented for humans."),
  dryRun: q('dryRun', 'string', 'When set (the only valid value is All), the request is fully processed, admission and validation included, but nothing is stored.'),
  fieldManager: q(
    'fieldManager',
    'string',
    'Name of the actor making this change; recorded in metadata.managedFields. At most 128 printable characters. Required for apply patches, optional otherwise.',
  ),
  fieldValidation: q(
    'fieldValidation',
    'string',
    'What to do with fields of the body that the schema does not know, and with duplicated fields: Ignore drops them silently, Warn (the default) drops them and adds one Warning header per field, Strict rejects the request with 400 BadRequest.',
  ),
  force: q('force', 'boolean', 'Apply patches only: take over the fields another manager owns instead of failing with a 409 conflict. Must be unset for the other patch types.'),
  allowWatchBookmarks: q('allowWatchBookmarks', 'boolean', 'Watch only: the server may send BOOKMARK events carrying just a resourceVersion.'),
  continue: q('continue', 'string', 'The continue token of the previous page of a paginated list; the other list parameters must not change between pages.'),
  fieldSelector: q('fieldSelector', 'string', 'Only return objects whose fields match this selector (e.g. metadata.name=x). Default: everything.'),
  labelSelector: q('labelSelector', 'string', 'Only return objects whose labels match this selector. Default: everything.'),
  limit: q('limit', 'integer', 'Return at most this many objects and a continue token for the rest.'),
  resourceVersion: q('resourceVersion', 'string', 'The resourceVersion the list or watch starts from; its meaning depends on resourceVersionMatch. Default: the latest state.'),
  resourceVersionMatch: q('resourceVersionMatch', 'string', 'How resourceVersion is applied to a list: Exact or NotOlderThan.'),
  sendInitialEvents: q('sendInitialEvents', 'boolean', 'Watch only: start with synthetic ADDED events for the current state, closed by a bookmark annotated k8s.io/initial-events-end.'),
  timeoutSeconds: q('timeoutSeconds', 'integer', 'End the list or watch call after this many seconds.'),
  watch: q('watch', 'boolean', 'Stream changes (ADDED, MODIFIED, DELETED events) instead of returning a list.'),
  gracePeriodSeconds: q('gracePeriodSeconds', 'integer', 'Seconds the object has before it is deleted; 0 deletes at once. Default: the kind\u2019s own default.'),
  ignoreStoreReadError: q(
    'ignoreStoreReadErrorWithClusterBreakingPotential',
    'boolean',
    'Delete objects that can no longer be read from storage (e.g. undecryptable). Dangerous; needs the unsafe-delete-ignore-read-errors permission.',
  ),
  orphanDependents: q('orphanDependents', 'boolean', 'Deprecated; use propagationPolicy. Whether dependents are orphaned instead of garbage collected.'),
  propagationPolicy: q('propagationPolicy', 'string', 'How dependents are garbage collected: Orphan, Background or Foreground.'),
};

const LIST_PARAMS = [P.allowWatchBookmarks, P.continue, P.fieldSelector, P.labelSelector, P.limit, P.resourceVersion, P.resourceVersionMatch, P.sendInitialEvents, P.timeoutSeconds, P.watch];
const WRITE_PARAMS = [P.dryRun, P.fieldManager, P.fieldValidation];
const PATCH_PARAMS = [P.dryRun, P.fieldManager, P.fieldValidation, P.force];
const DELETE_PARAMS = [P.dryRun, P.gracePeriodSeconds, P.ignoreStoreReadError, P.orphanDependents, P.propagationPolicy];
const DELETE_COLLECTION_PARAMS = [
  P.continue,
  P.dryRun,
  P.fieldSelector,
  P.gracePeriodSeconds,
  P.ignoreStoreReadError,
  P.labelSelector,
  P.limit,
  P.orphanDependents,
  P.propagationPolicy,
  P.resourceVersion,
  P.resourceVersionMatch,
  P.sendInitialEvents,
  P.timeoutSeconds,
];
const LOG_PARAMS = [
  q('container', 'string', 'The container to read the log of; may be omitted when the pod has one container.'),
  q('follow', 'boolean', 'Keep the stream open and follow the log.'),
  q('insecureSkipTLSVerifyBackend', 'boolean', 'Do not verify the serving certificate of the kubelet the log is read from.'),
  q('limitBytes', 'integer', 'Stop after this many bytes of log.'),
  q('previous', 'boolean', 'Read the log of the previous, terminated instance of the container.'),
  q('sinceSeconds', 'integer', 'Only lines newer than this many seconds.'),
  q('tailLines', 'integer', 'Only the last this many lines.'),
  q('timestamps', 'boolean', 'Prefix every line with its RFC 3339 timestamp.'),
];
const STREAM_PARAMS = [
  q('container', 'string', 'The container to connect to; may be omitted when the pod has one container.'),
  q('stderr', 'boolean', 'Stream the standard error of the process.'),
  q('stdin', 'boolean', 'Stream to the standard input of the process.'),
  q('stdout', 'boolean', 'Stream the standard output of the process.'),
  q('tty', 'boolean', 'Allocate a terminal for the process.'),
];
const EXEC_PARAMS = [q('command', 'string', 'The command to run; repeat the parameter for each argument.'), ...STREAM_PARAMS];
const PORTFORWARD_PARAMS = [q('ports', 'integer', 'The pod ports to forward; repeat the parameter for each port.')];

/** "" → CoreV1; "rbac.authorization.k8s.io" → RbacAuthorizationV1 (upstream's operationId infix). */
function gvName(group: string, version: string): string {
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  const g = group === '' ? 'core' : group.replace(/\.k8s\.io$/, '');
  return g.split('.').map(cap).join('') + cap(version);
}

/** "" → core_v1; "rbac.authorization.k8s.io" → rbacAuthorization_v1 */
function gvTag(group: string, version: string): string {
  const g = group === '' ? 'core' : group.replace(/\.k8s\.io$/, '');
  const parts = g.split('.');
  return parts[0] + parts.slice(1).map((s) => s.charAt(0).toUpperCase() + s.slice(1)).join('') + '_' + version;
}

function gvPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

function defOf(group: string, version: string, kind: string): string | undefined {
  return definitionFor(group, version, kind)?.name;
}

function gvkOf(group: string, version: string, kind: string): GroupVersionKind {
  return { group, kind, version } as GroupVersionKind;
}

function ok(def: string | undefined, code = '200'): Response {
  return def ? { code, description: code === '201' ? 'Created' : code === '202' ? 'Accepted' : 'OK', def } : { code, description: 'OK' };
}
const UNAUTHORIZED: Response = { code: '401', description: 'Unauthorized' };

/** Every path of one resource (collection, item, watch, subresources). */
function resourcePaths(info: ResourceInfo): PathItem[] {
  const { group, version, kind, resource, namespaced } = info;
  const base = `/${gvPath(group, version)}`;
  const gv = gvName(group, version);
  const tag = gvTag(group, version);
  const scope = namespaced ? `Namespaced${kind}` : kind;
  const ns = namespaced ? '/namespaces/{namespace}' : '';
  const def = defOf(group, version, kind);
  const listDef = defOf(group, version, `${kind}List`);
  const statusDef = `${META}Status`;
  const deleteOptions = `${META}DeleteOptions`;
  const watchEvent = `${META}WatchEvent`;
  const patchDef = `${META}Patch`;
  const gvk = gvkOf(group, version, kind);
  const has = (verb: string) => info.verbs.includes(verb);
  const nameParam: Param = { name: 'name', in: 'path', type: 'string', required: true, description: `name of the ${kind}` };
  const nsParam: Param = { name: 'namespace', in: 'path', type: 'string', required: true, description: 'namespace of the object' };
  const scopeParams = namespaced ? [nsParam] : [];
  const op = (o: Omit<Operation, 'tag' | 'responses' | 'produces'> & { responses?: Response[]; produces?: string[] }): Operation => ({
    tag,
    produces: RESPONSE_TYPES,
    ...o,
    responses: [...(o.responses ?? []), UNAUTHORIZED],
  });
  const out: PathItem[] = [];

  // collection
  const collection: Operation[] = [];
  if (has('list'))
    collection.push(
      op({ method: 'get', operationId: `list${gv}${scope}`, description: `list or watch ${kind} objects`, action: 'list', gvk, params: LIST_PARAMS, responses: [ok(listDef)], produces: [...RESPONSE_TYPES, 'application/json;stream=watch'] }),
    );
  if (has('create'))
    collection.push(
      op({ method: 'post', operationId: `create${gv}${scope}`, description: `create a ${kind}`, action: 'post', gvk, params: WRITE_PARAMS, body: def ? { def, required: true } : undefined, responses: [ok(def), ok(def, '201'), ok(def, '202')] }),
    );
  if (has('deletecollection'))
    collection.push(
      op({ method: 'delete', operationId: `delete${gv}Collection${scope}`, description: `delete a collection of ${kind} objects`, action: 'deletecollection', gvk, params: DELETE_COLLECTION_PARAMS, body: { def: deleteOptions, required: false }, responses: [ok(statusDef)] }),
    );
  if (collection.length) out.push({ path: `${base}${ns}/${resource}`, params: [...scopeParams, P.pretty], ops: collection });

  // item
  const item: Operation[] = [];
  if (has('get')) item.push(op({ method: 'get', operationId: `read${gv}${scope}`, description: `read the specified ${kind}`, action: 'get', gvk, params: [], responses: [ok(def)] }));
  if (has('update'))
    item.push(op({ method: 'put', operationId: `replace${gv}${scope}`, description: `replace the specified ${kind}`, action: 'put', gvk, params: WRITE_PARAMS, body: def ? { def, required: true } : undefined, responses: [ok(def), ok(def, '201')] }));
  if (has('delete'))
    item.push(op({ method: 'delete', operationId: `delete${gv}${scope}`, description: `delete a ${kind}`, action: 'delete', gvk, params: DELETE_PARAMS, body: { def: deleteOptions, required: false }, responses: [ok(statusDef), ok(statusDef, '202')] }));
  if (has('patch'))
    item.push(op({ method: 'patch', operationId: `patch${gv}${scope}`, description: `partially update the specified ${kind}`, action: 'patch', gvk, params: PATCH_PARAMS, body: { def: patchDef, required: true, patch: true }, responses: [ok(def), ok(def, '201')] }));
  if (item.length) out.push({ path: `${base}${ns}/${resource}/{name}`, params: [nameParam, ...scopeParams, P.pretty], ops: item });

  // across namespaces
  if (namespaced && has('list'))
    out.push({
      path: `${base}/${resource}`,
      params: [...LIST_PARAMS, P.pretty],
      ops: [op({ method: 'get', operationId: `list${gv}${kind}ForAllNamespaces`, description: `list or watch ${kind} objects in every namespace`, action: 'list', gvk, params: [], responses: [ok(listDef)], produces: [...RESPONSE_TYPES, 'application/json;stream=watch'] })],
    });

  // deprecated watch paths, still published upstream
  if (has('watch')) {
    out.push({
      path: `${base}/watch${ns}/${resource}`,
      params: [...LIST_PARAMS, ...scopeParams, P.pretty],
      ops: [op({ method: 'get', operationId: `watch${gv}${scope}List`, description: `watch changes to a list of ${kind} (deprecated: use the watch parameter of the list operation)`, action: 'watchlist', gvk, params: [], responses: [ok(watchEvent)], produces: WATCH_TYPES })],
    });
    out.push({
      path: `${base}/watch${ns}/${resource}/{name}`,
      params: [...LIST_PARAMS, nameParam, ...scopeParams, P.pretty],
      ops: [op({ method: 'get', operationId: `watch${gv}${scope}`, description: `watch changes to a ${kind} (deprecated: use the watch parameter of the list operation with a field selector)`, action: 'watch', gvk, params: [], responses: [ok(watchEvent)], produces: WATCH_TYPES })],
    });
    if (namespaced)
      out.push({
        path: `${base}/watch/${resource}`,
        params: [...LIST_PARAMS, P.pretty],
        ops: [op({ method: 'get', operationId: `watch${gv}${kind}ListForAllNamespaces`, description: `watch changes to ${kind} objects in every namespace (deprecated)`, action: 'watchlist', gvk, params: [], responses: [ok(watchEvent)], produces: WATCH_TYPES })],
      });
  }

  // subresources
  const itemPath = `${base}${ns}/${resource}/{name}`;
  const subParams = [nameParam, ...scopeParams, P.pretty];
  for (const sub of info.subresources) {
    const Sub = sub.charAt(0).toUpperCase() + sub.slice(1);
    const path = `${itemPath}/${sub}`;
    if (sub === 'status' || sub === 'scale') {
      const sg = sub === 'scale' ? gvkOf('autoscaling', 'v1', 'Scale') : gvk;
      const sdef = sub === 'scale' ? defOf('autoscaling', 'v1', 'Scale') : def;
      out.push({
        path,
        params: subParams,
        ops: [
          op({ method: 'get', operationId: `read${gv}${scope}${Sub}`, description: `read ${sub} of the specified ${kind}`, action: 'get', gvk: sg, params: [], responses: [ok(sdef)] }),
          op({ method: 'put', operationId: `replace${gv}${scope}${Sub}`, description: `replace ${sub} of the specified ${kind}`, action: 'put', gvk: sg, params: WRITE_PARAMS, body: sdef ? { def: sdef, required: true } : undefined, responses: [ok(sdef), ok(sdef, '201')] }),
          op({ method: 'patch', operationId: `patch${gv}${scope}${Sub}`, description: `partially update ${sub} of the specified ${kind}`, action: 'patch', gvk: sg, params: PATCH_PARAMS, body: { def: patchDef, required: true, patch: true }, responses: [ok(sdef), ok(sdef, '201')] }),
        ],
      });
    } else if (sub === 'binding' || sub === 'eviction' || sub === 'token') {
      const sg = sub === 'binding' ? gvkOf('', 'v1', 'Binding') : sub === 'eviction' ? gvkOf('policy', 'v1', 'Eviction') : gvkOf('authentication.k8s.io', 'v1', 'TokenRequest');
      const sdef = defOf(sg.group, sg.version, sg.kind);
      out.push({
        path,
        params: subParams,
        ops: [op({ method: 'post', operationId: `create${gv}${scope}${Sub}`, description: `create ${sub} of a ${kind}`, action: 'post', gvk: sg, params: WRITE_PARAMS, body: sdef ? { def: sdef, required: true } : undefined, responses: [ok(sdef), ok(sdef, '201'), ok(sdef, '202')] })],
      });
    } else if (sub === 'finalize') {
      out.push({
        path,
        params: subParams,
        ops: [op({ method: 'put', operationId: `replace${gv}${scope}${Sub}`, description: `replace finalize of the specified ${kind}`, action: 'put', gvk, params: WRITE_PARAMS, body: def ? { def, required: true } : undefined, responses: [ok(def), ok(def, '201')] })],
      });
    } else if (sub === 'log') {
      out.push({
        path,
        params: [...subParams],
        ops: [op({ method: 'get', operationId: `read${gv}${scope}Log`, description: `read log of the specified ${kind}`, action: 'get', gvk, params: LOG_PARAMS, responses: [{ code: '200', description: 'OK', text: true }], produces: ['text/plain', 'application/json', 'application/yaml'] })],
      });
    } else if (sub === 'exec' || sub === 'attach' || sub === 'portforward') {
      const optionsKind = sub === 'exec' ? 'PodExecOptions' : sub === 'attach' ? 'PodAttachOptions' : 'PodPortForwardOptions';
      const params = sub === 'exec' ? EXEC_PARAMS : sub === 'attach' ? STREAM_PARAMS : PORTFORWARD_PARAMS;
      const sg = gvkOf(group, version, optionsKind);
      const connect = (method: 'get' | 'post'): Operation =>
        op({ method, operationId: `connect${gv}${method === 'get' ? 'Get' : 'Post'}${scope}${Sub}`, description: `connect ${method.toUpperCase()} requests to ${sub} of ${kind}`, action: 'connect', gvk: sg, params, responses: [{ code: '200', description: 'OK', text: true }], produces: ['*/*'], consumes: ['*/*'] });
      out.push({ path, params: [nameParam, ...scopeParams], ops: [connect('get'), connect('post')] });
    }
  }
  return out;
}

interface GroupVersion {
  group: string;
  version: string;
  resources: ResourceInfo[];
}

function servedGroupVersions(): GroupVersion[] {
  const m = new Map<string, GroupVersion>();
  for (const r of RESOURCES) {
    const k = `${r.group}/${r.version}`;
    let gv = m.get(k);
    if (!gv) m.set(k, (gv = { group: r.group, version: r.version, resources: [] }));
    gv.resources.push(r);
  }
  const rank = (g: string) => {
    const i = GROUP_ORDER.indexOf(g);
    return i < 0 ? GROUP_ORDER.length : i;
  };
  return [...m.values()].sort((a, b) => rank(a.group) - rank(b.group) || a.group.localeCompare(b.group) || a.version.localeCompare(b.version));
}

function groupVersionPaths(gv: GroupVersion): PathItem[] {
  const base = `/${gvPath(gv.group, gv.version)}`;
  const root: PathItem = {
    path: `${base}/`,
    params: [],
    ops: [{ method: 'get', operationId: `get${gvName(gv.group, gv.version)}APIResources`, description: 'get available resources', tag: gvTag(gv.group, gv.version), params: [], responses: [ok(`${META}APIResourceList`), UNAUTHORIZED], produces: ['application/json', 'application/yaml'] }],
  };
  return [root, ...gv.resources.flatMap(resourcePaths)];
}

// ---- schema closure and conversion

function collectRefs(s: unknown, into: Set<string>): void {
  if (!s || typeof s !== 'object') return;
  if (Array.isArray(s)) {
    for (const x of s) collectRefs(x, into);
    return;
  }
  for (const [k, v] of Object.entries(s as Record<string, unknown>)) {
    if (k === '$ref' && typeof v === 'string') {
      const name = refName(v);
      if (!into.has(name)) {
        into.add(name);
        const d = definitions()[name];
        if (d) collectRefs(d, into);
      }
    } else if (v && typeof v === 'object') collectRefs(v, into);
  }
}

function pathDefs(paths: PathItem[]): string[] {
  const names = new Set<string>();
  for (const p of paths)
    for (const o of p.ops) {
      if (o.body) collectRefs({ $ref: o.body.def }, names);
      for (const r of o.responses) if (r.def) collectRefs({ $ref: r.def }, names);
    }
  return [...names].filter((n) => definitions()[n]).sort();
}

const V3_REF = '#/components/schemas/';

/** A swagger-2.0 schema as OpenAPI 3.0: refs moved to components, siblings of a ref wrapped in allOf. */
function toV3(s: Schema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let ref: string | undefined;
  for (const [k, v] of Object.entries(s)) {
    if (k === '$ref') ref = V3_REF + refName(v as string);
    else if (k === 'properties') {
      const props: Record<string, unknown> = {};
      for (const [pk, pv] of Object.entries(v as Record<string, Schema>)) props[pk] = toV3(pv);
      out.properties = props;
    } else if ((k === 'items' || k === 'additionalProperties') && v && typeof v === 'object') out[k] = toV3(v as Schema);
    else out[k] = v;
  }
  if (ref === undefined) return out;
  if (Object.keys(out).length === 0) return { $ref: ref };
  return { allOf: [{ $ref: ref }], ...out };
}

function definitionV3(name: string, s: Schema): Record<string, unknown> {
  if (name === INT_OR_STRING || name === QUANTITY) {
    // No `type`: either JSON type is accepted (and kubectl explain prints the definition's name).
    const { type: _type, ...rest } = s;
    void _type;
    return { ...rest, oneOf: name === INT_OR_STRING ? [{ type: 'integer' }, { type: 'string' }] : [{ type: 'string' }, { type: 'number' }] };
  }
  return toV3(s);
}

function v3Param(p: Param): Record<string, unknown> {
  const o: Record<string, unknown> = { name: p.name, in: p.in, description: p.description };
  if (p.required) o.required = true;
  o.schema = { type: p.type, uniqueItems: true };
  return o;
}

function v3Operation(o: Operation): Record<string, unknown> {
  const out: Record<string, unknown> = { tags: [o.tag], description: o.description, operationId: o.operationId };
  if (o.params.length) out.parameters = o.params.map(v3Param);
  if (o.body) {
    const schema = { $ref: V3_REF + o.body.def };
    const types = o.body.patch ? PATCH_CONTENT_TYPES : ['*/*'];
    const content: Record<string, unknown> = {};
    for (const t of types) content[t] = { schema };
    out.requestBody = o.body.required ? { content, required: true } : { content };
  }
  const responses: Record<string, unknown> = {};
  for (const r of o.responses) {
    if (!r.def && !r.text) {
      responses[r.code] = { description: r.description };
      continue;
    }
    const schema = r.def ? { $ref: V3_REF + r.def } : { type: 'string' };
    const content: Record<string, unknown> = {};
    for (const t of o.produces) content[t] = { schema };
    responses[r.code] = { description: r.description, content };
  }
  out.responses = responses;
  if (o.action) out['x-kubernetes-action'] = o.action;
  if (o.gvk) out['x-kubernetes-group-version-kind'] = { ...o.gvk };
  return out;
}

function v3PathItem(p: PathItem): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  for (const o of p.ops) item[o.method] = v3Operation(o);
  if (p.params.length) item.parameters = p.params.map(v3Param);
  return item;
}

function v2Param(p: Param): Record<string, unknown> {
  const o: Record<string, unknown> = { uniqueItems: true, type: p.type, description: p.description, name: p.name, in: p.in };
  if (p.required) o.required = true;
  return o;
}

function v2Operation(o: Operation): Record<string, unknown> {
  const out: Record<string, unknown> = {
    description: o.description,
    consumes: o.consumes ?? (o.body?.patch ? [...PATCH_CONTENT_TYPES] : ['*/*']),
    produces: o.produces,
    schemes: ['https'],
    tags: [o.tag],
    operationId: o.operationId,
  };
  const params: Record<string, unknown>[] = [];
  if (o.body) params.push({ name: 'body', in: 'body', required: o.body.required, schema: { $ref: `#/definitions/${o.body.def}` } });
  params.push(...o.params.map(v2Param));
  if (params.length) out.parameters = params;
  const responses: Record<string, unknown> = {};
  for (const r of o.responses) {
    const resp: Record<string, unknown> = { description: r.description };
    if (r.def) resp.schema = { $ref: `#/definitions/${r.def}` };
    else if (r.text) resp.schema = { type: 'string' };
    responses[r.code] = resp;
  }
  out.responses = responses;
  if (o.action) out['x-kubernetes-action'] = o.action;
  if (o.gvk) out['x-kubernetes-group-version-kind'] = { ...o.gvk };
  return out;
}

function info(): Record<string, string> {
  return { title: 'Kubernetes', version: `v${definitionsVersion()}` };
}

const SECURITY_DESCRIPTION = 'Bearer token authentication';

// ---- cached documents

function served(document: unknown): ServedDocument {
  const body = Buffer.from(JSON.stringify(document));
  const hash = createHash('sha512').update(body).digest('hex').toUpperCase();
  return {
    body,
    hash,
    etag: `"${hash}"`,
    get object(): unknown {
      return JSON.parse(body.toString('utf8'));
    },
  };
}

let v2Doc: ServedDocument | undefined;
let v3Docs: Map<string, ServedDocument> | undefined;
let v3Index: ServedDocument | undefined;

export function invalidateDocuments(): void {
  v2Doc = undefined;
  v3Docs = undefined;
  v3Index = undefined;
}

/** GET /openapi/v2 as JSON: swagger 2.0 with every definition and every served path. */
export function openapiV2(): ServedDocument {
  if (v2Doc) return v2Doc;
  const paths: Record<string, unknown> = {};
  for (const gv of servedGroupVersions())
    for (const p of groupVersionPaths(gv)) {
      const item: Record<string, unknown> = {};
      for (const o of p.ops) item[o.method] = v2Operation(o);
      if (p.params.length) item.parameters = p.params.map(v2Param);
      paths[p.path] = item;
    }
  const doc = {
    swagger: '2.0',
    info: info(),
    paths,
    definitions: definitions(),
    securityDefinitions: { BearerToken: { description: SECURITY_DESCRIPTION, type: 'apiKey', name: 'authorization', in: 'header' } },
    security: [{ BearerToken: [] }],
  };
  v2Doc = served(doc);
  return v2Doc;
}

function buildV3(): Map<string, ServedDocument> {
  if (v3Docs) return v3Docs;
  const m = new Map<string, ServedDocument>();
  for (const gv of servedGroupVersions()) {
    const paths = groupVersionPaths(gv);
    const pathsObj: Record<string, unknown> = {};
    for (const p of paths) pathsObj[p.path] = v3PathItem(p);
    const schemas: Record<string, unknown> = {};
    for (const name of pathDefs(paths)) schemas[name] = definitionV3(name, definitions()[name]!);
    const doc = {
      openapi: '3.0.0',
      info: info(),
      paths: pathsObj,
      components: {
        schemas,
        securitySchemes: { BearerToken: { type: 'apiKey', description: SECURITY_DESCRIPTION, name: 'authorization', in: 'header' } },
      },
    };
    m.set(gvPath(gv.group, gv.version), served(doc));
  }
  v3Docs = m;
  return m;
}

/** The group/version paths the v3 index lists: "api/v1", "apis/apps/v1", … */
export function openapiV3Paths(): string[] {
  return [...buildV3().keys()];
}

/** GET /openapi/v3/<path> (path without the prefix: "api/v1", "apis/apps/v1"); undefined when not served. */
export function openapiV3Document(path: string): ServedDocument | undefined {
  return buildV3().get(path.replace(/^\/+|\/+$/g, ''));
}

/** GET /openapi/v3: {"paths": {"<gv path>": {"serverRelativeURL": "/openapi/v3/<gv path>?hash=<hash>"}}} */
export function openapiV3Index(): ServedDocument {
  if (v3Index) return v3Index;
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const [p, d] of buildV3()) paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${d.hash}` };
  v3Index = served({ paths });
  return v3Index;
}

// ---- HTTP behaviour

/** Whether an Accept header admits application/json (absent or empty: yes). */
export function acceptsJSON(accept: string | undefined): boolean {
  if (!accept || !accept.trim()) return true;
  for (const part of accept.split(',')) {
    const [range, ...params] = part.trim().split(';');
    const mt = range!.trim().toLowerCase();
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (qp && Number(qp.slice(2)) === 0) continue;
    if (mt === '*/*' || mt === 'application/*' || mt === 'application/json') return true;
  }
  return false;
}

function queryGet(query: OpenAPIRequest['query'], key: string): string | undefined {
  if (!query) return undefined;
  if (query instanceof URLSearchParams) return query.get(key) ?? undefined;
  return query[key];
}

function statusBody(code: number, reason: string, message: string): Buffer {
  return Buffer.from(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }));
}

function answer(req: OpenAPIRequest, doc: ServedDocument, extra: Record<string, string> = {}): OpenAPIResponse {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', ETag: doc.etag, Vary: 'Accept', ...extra };
  const inm = req.ifNoneMatch?.trim();
  if (inm && (inm === '*' || inm.split(',').some((t) => t.trim().replace(/^W\//, '') === doc.etag))) return { status: 304, headers };
  headers['Content-Length'] = String(doc.body.length);
  return { status: 200, headers, body: req.method === 'HEAD' ? undefined : doc.body };
}

/**
 * Answers GET/HEAD /openapi/v2, /openapi/v3 and /openapi/v3/<gv path> as upstream does; undefined
 * for any other path. Bodies of errors are Status objects.
 */
export function serveOpenAPI(req: OpenAPIRequest): OpenAPIResponse | undefined {
  const path = req.path.replace(/\/+$/, '');
  if (path !== '/openapi/v2' && path !== '/openapi/v3' && !path.startsWith('/openapi/v3/')) return undefined;
  const method = (req.method ?? 'GET').toUpperCase();
  if (method !== 'GET' && method !== 'HEAD')
    return { status: 405, headers: { 'Content-Type': 'application/json', Allow: 'GET, HEAD' }, body: statusBody(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource') };
  const notAcceptable = (): OpenAPIResponse => ({
    status: 406,
    headers: { 'Content-Type': 'application/json', Vary: 'Accept' },
    body: statusBody(406, 'NotAcceptable', `only application/json is supported for ${path}; protobuf OpenAPI is not served`),
  });

  if (path === '/openapi/v2') return acceptsJSON(req.accept) ? answer(req, openapiV2()) : notAcceptable();
  if (path === '/openapi/v3') return answer(req, openapiV3Index());

  const gvp = path.slice('/openapi/v3/'.length);
  const doc = openapiV3Document(gvp);
  if (!doc) return { status: 404, headers: { 'Content-Type': 'application/json' }, body: statusBody(404, 'NotFound', `the server could not find the requested resource`) };
  if (!acceptsJSON(req.accept)) return notAcceptable();
  const hash = queryGet(req.query, 'hash');
  if (hash) {
    if (hash !== doc.hash) return { status: 301, headers: { Location: `/openapi/v3/${gvp}?hash=${doc.hash}`, 'Content-Type': 'application/json', Vary: 'Accept' } };
    const expires = new Date(Date.now() + 365 * 24 * 3600 * 1000).toUTCString();
    return answer(req, doc, { 'Cache-Control': 'public, immutable', Expires: expires });
  }
  return answer(req, doc);
}
