// REST handlers for resources: get, list, watch, create, update, patch, delete, deletecollection, and the
// status, scale, binding, eviction and finalize subresources.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID, randomBytes } from 'node:crypto';
import type { ResourceInfo } from '../api/resources.js';
import { apiVersionOf, findResource, parseApiVersion } from '../api/resources.js';
import type { KObject } from '../api/strategy.js';
import { ApiError, errors } from '../api/status.js';
import type { StatusCause } from '../api/status.js';
import { checkDepth, decodeObject, readBody, mediaType, parseJson, parseYamlBody } from './body.js';
import { addWarnings, send } from './http-util.js';
import { negotiate } from './negotiation.js';
import type { Representation } from './negotiation.js';
import type { RequestInfo } from './request-info.js';
import { isTrue } from './request-info.js';
import { ObjectStore, decodeAs, withTypeMeta } from './object-store.js';
import type { WatchCache } from './watch-cache.js';
import type { ServiceAllocator } from './service-allocator.js';
import type { NamespaceCache } from './namespace-cache.js';
import { serveWatch } from './watch-handler.js';
import { hooks } from './kind-hooks.js';
import { addDefaultTolerations } from './admission/default-toleration-seconds.js';
import { admitPriority } from './admission/priority.js';
import { cannotBeHandledMessage, strictDecodingMessage, unknownFieldWarnings } from '../api/openapi/validate.js';
import { toTable, toPartialMetadata } from './table.js';
import type { UserInfo } from './authn/user.js';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  info: RequestInfo;
  query: URLSearchParams;
  user: UserInfo;
}

const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];
const GENERATE_CHARS = 'bcdfghjklmnpqrstvwxz2456789';
const MAX_CONFLICT_RETRIES = 8;

export class ResourceHandler {
  constructor(
    private readonly objects: ObjectStore,
    private readonly cache: WatchCache,
    private readonly allocator: ServiceAllocator,
    private readonly namespaces: NamespaceCache,
  ) {}

  async handle(ctx: RequestContext): Promise<void> {
    const { info } = ctx;
    const rinfo = findResource(info.group, info.version, info.resource);
    if (!rinfo) throw notFoundPath(ctx);
    if (rinfo.namespaced === false && info.namespace) throw notFoundPath(ctx);
    if (info.subresource && !rinfo.subresources.includes(info.subresource)) throw notFoundPath(ctx);
    if (!rinfo.verbs.includes(info.verb) && !info.subresource) throw errors.methodNotAllowed();
    if (info.namespace) validatePathName(info.namespace, 'namespace');
    if (info.name) validatePathName(info.name, 'name');

    switch (info.subresource) {
      case '':
        return this.handleMain(ctx, rinfo);
      case 'status':
        return this.handleStatus(ctx, rinfo);
      case 'scale':
        return this.handleScale(ctx, rinfo);
      case 'binding':
        return this.handleBinding(ctx, rinfo);
      case 'eviction':
        return this.handleEviction(ctx, rinfo);
      case 'finalize':
        return this.handleFinalize(ctx, rinfo);
      default:
        throw errors.notFound(`${rinfo.resource}/${info.subresource}`, rinfo.group, info.name);
    }
  }

  private async handleMain(ctx: RequestContext, r: ResourceInfo): Promise<void> {
    const { info, query, res } = ctx;
    switch (info.verb) {
      case 'get': {
        const rep = negotiate(ctx.req.headers.accept);
        const obj = await this.objects.get(r, info.namespace, info.name);
        return respondObject(ctx, r, 200, obj, rep);
      }
      case 'list':
        return this.list(ctx, r);
      case 'watch':
        return serveWatch(ctx, r, this.objects, this.cache);
      case 'create': {
        const rep = negotiate(ctx.req.headers.accept);
        const obj = decodeObject(await readBody(ctx.req), ctx.req.headers['content-type']) as KObject;
        const created = await this.create(ctx, r, obj);
        return respondObject(ctx, r, 201, created, rep);
      }
      case 'update': {
        const rep = negotiate(ctx.req.headers.accept);
        const obj = decodeObject(await readBody(ctx.req), ctx.req.headers['content-type']) as KObject;
        const { object, created } = await this.replace(ctx, r, obj, 'main');
        return respondObject(ctx, r, created ? 201 : 200, object, rep);
      }
      case 'patch': {
        const rep = negotiate(ctx.req.headers.accept);
        const { object, created } = await this.patch(ctx, r, 'main');
        return respondObject(ctx, r, created ? 201 : 200, object, rep);
      }
      case 'delete': {
        const rep = negotiate(ctx.req.headers.accept);
        const opts = await readDeleteOptions(ctx);
        const out = await this.deleteOne(ctx, r, info.namespace, info.name, opts);
        if (out.deleted && !r.subresources.includes('status') && r.resource !== 'pods') {
          return send(res, 200, successStatus(r, out.object), rep.format);
        }
        return respondObject(ctx, r, 200, out.object, rep);
      }
      case 'deletecollection': {
        const rep = negotiate(ctx.req.headers.accept);
        const opts = await readDeleteOptions(ctx);
        const page = await this.objects.list(r, info.namespace, { filter: selectorFilter(r, query) });
        const deleted: KObject[] = [];
        for (const item of page.items) {
          try {
            const out = await this.deleteOne(ctx, r, item.metadata.namespace ?? '', item.metadata.name, opts);
            deleted.push(out.object);
          } catch (err) {
            if (!(err instanceof ApiError && err.code === 404)) throw err;
          }
        }
        return send(res, 200, { kind: `${r.kind}List`, apiVersion: apiVersionOf(r), metadata: {}, items: deleted }, rep.format);
      }
      default:
        throw errors.methodNotAllowed();
    }
  }

  private async list(ctx: RequestContext, r: ResourceInfo): Promise<void> {
    const { query, info } = ctx;
    const rep = negotiate(ctx.req.headers.accept);
    const limit = parseIntParam(query, 'limit');
    const rv = query.get('resourceVersion') ?? '';
    const match = query.get('resourceVersionMatch') ?? '';
    const cont = query.get('continue') ?? '';
    let exactRevision: number | undefined;
    if (match && match !== 'Exact' && match !== 'NotOlderThan') {
      throw invalidParams(`resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`);
    }
    if (match && !rv) throw invalidParams('resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided');
    if (cont && rv && rv !== '0') throw invalidParams('resourceVersion: Forbidden: specifying resource version is not allowed when using continue');
    if (rv && rv !== '0') {
      const n = parseRevision(rv);
      await this.waitForRevision(n);
      if (match === 'Exact') exactRevision = n;
    }
    const page = await this.objects.list(r, info.namespace, { limit, continueToken: cont || undefined, exactRevision, filter: selectorFilter(r, query) });
    const metadata: KObject = { resourceVersion: String(page.revision) };
    if (page.continueToken) metadata.continue = page.continueToken;
    if (page.remainingItemCount !== undefined) metadata.remainingItemCount = page.remainingItemCount;
    if (rep.as === 'Table') {
      return send(ctx.res, 200, toTable(r, page.items, metadata, query), rep.format);
    }
    if (rep.as === 'PartialObjectMetadataList' || rep.as === 'PartialObjectMetadata') {
      return send(ctx.res, 200, { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata, items: page.items.map(toPartialMetadata) }, rep.format);
    }
    return send(ctx.res, 200, { kind: `${r.kind}List`, apiVersion: apiVersionOf(r), metadata, items: page.items }, rep.format);
  }

  /** resourceVersion=N with NotOlderThan: wait (up to 3 s, as upstream) until the store has reached N. */
  private async waitForRevision(n: number): Promise<void> {
    const deadline = Date.now() + 3000;
    for (;;) {
      const cur = await this.objects.store.currentRevision();
      if (cur >= n) return;
      if (Date.now() > deadline) throw new ApiError(504, 'Timeout', `Too large resource version: ${n}, current: ${cur}`, { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 });
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  // ---------------------------------------------------------------- create

  async create(ctx: RequestContext, r: ResourceInfo, obj: KObject): Promise<KObject> {
    const { info, query, res } = ctx;
    checkTypeMeta(r, obj);
    obj.metadata ??= {};
    if (typeof obj.metadata !== 'object' || Array.isArray(obj.metadata)) throw errors.badRequest('metadata must be an object');
    const md = obj.metadata;
    if (r.namespaced) {
      if (md.namespace && md.namespace !== info.namespace) {
        throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      if (!info.namespace) throw errors.badRequest('the namespace of the object is required');
      md.namespace = info.namespace;
    } else {
      delete md.namespace;
    }
    if (md.resourceVersion) throw errors.badRequest('resourceVersion should not be set on objects to be created');
    const dryRun = isDryRun(query);
    const warnings = this.prepareWrite(ctx, r, obj, undefined);
    if (r.namespaced) await this.admitNamespace(r, info.namespace, 'create');

    // server-owned metadata
    md.uid = randomUUID();
    md.creationTimestamp = nowRfc3339();
    delete md.deletionTimestamp;
    delete md.deletionGracePeriodSeconds;
    delete md.selfLink;
    hooks.prepareForCreate(r, obj);
    if (r.resource === 'pods' && !r.group) {
      addDefaultTolerations(obj);
      admitPriority(obj, (await this.objects.list(findResource('scheduling.k8s.io', 'v1', 'priorityclasses')!, '', {})).items);
    }
    hooks.recordCreate(ctx, r, obj);
    const generated = !md.name && md.generateName;
    this.validateOrThrow(r, obj, undefined);
    addWarnings(res, warnings);
    if (dryRun) return withTypeMeta(r, obj);
    const isService = r.resource === 'services' && !r.group;
    if (isService) await this.allocator.allocate(obj);
    for (let attempt = 0; ; attempt++) {
      if (generated) md.name = md.generateName + randomSuffix();
      try {
        return await this.objects.create(r, obj);
      } catch (err) {
        if (generated && err instanceof ApiError && err.code === 409 && attempt < 5) continue;
        if (isService) await this.allocator.release(obj);
        throw err;
      }
    }
  }

  /** Defaults, schema validation (fieldValidation) and kind checks shared by every write. Returns warnings. */
  private prepareWrite(ctx: RequestContext, r: ResourceInfo, obj: KObject, _old: KObject | undefined): string[] {
    const mode = fieldValidationMode(ctx.query);
    const found = hooks.schemaCheck(r, obj);
    const warnings: string[] = [];
    if (found.unknownFields.length) {
      if (mode === 'Strict') {
        throw errors.badRequest(cannotBeHandledMessage(r.kind, r.version, strictDecodingMessage(found.unknownFields)));
      }
      if (mode === 'Warn') warnings.push(...unknownFieldWarnings(found.unknownFields));
    }
    hooks.prune(r, obj, found.unknownFields);
    hooks.defaults(r, obj);
    return warnings;
  }

  /** `metadataOnly`: server-internal writes (binding) that the kind's update rules do not apply to. */
  private validateOrThrow(r: ResourceInfo, obj: KObject, old: KObject | undefined, metadataOnly = false): void {
    const causes: StatusCause[] = hooks.validate(r, obj, old, metadataOnly);
    if (causes.length) throw errors.invalid(r.kind, r.group, obj.metadata?.name ?? obj.metadata?.generateName ?? '', causes);
  }

  /** NamespaceLifecycle admission: the namespace must exist and not be terminating (for creates). */
  private async admitNamespace(r: ResourceInfo, namespace: string, op: 'create'): Promise<void> {
    const ns = await this.namespaces.get(namespace);
    if (!ns) throw errors.notFound('namespaces', '', namespace);
    if (op === 'create' && ns.metadata.deletionTimestamp && r.resource !== 'events') {
      throw new ApiError(403, 'Forbidden', `${r.resource}${r.group ? '.' + r.group : ''} "" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`, {
        causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }],
      });
    }
  }

  // ---------------------------------------------------------------- update (PUT)

  /** PUT of the whole object (main resource or status). */
  private async replace(ctx: RequestContext, r: ResourceInfo, obj: KObject, part: 'main' | 'status'): Promise<{ object: KObject; created: boolean }> {
    const { info } = ctx;
    checkTypeMeta(r, obj);
    obj.metadata ??= {};
    if (obj.metadata.name && obj.metadata.name !== info.name) {
      throw errors.badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${info.name})`);
    }
    if (r.namespaced && obj.metadata.namespace && obj.metadata.namespace !== info.namespace) {
      throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    obj.metadata.name = info.name;
    if (r.namespaced) obj.metadata.namespace = info.namespace;
    const precondition = obj.metadata.resourceVersion ? parseRevision(obj.metadata.resourceVersion, 'metadata.resourceVersion') : undefined;
    const object = await this.guaranteedUpdate(ctx, r, part, precondition, () => structuredClone(obj));
    return { object, created: false };
  }

  /**
   * The read-modify-write loop every update, patch and finalizer change goes through.
   * `mutate(current)` returns the desired object; with `precondition` a moved revision is a 409,
   * without it the loop retries on conflict (upstream's GuaranteedUpdate).
   */
  async guaranteedUpdate(
    ctx: RequestContext,
    r: ResourceInfo,
    part: 'main' | 'status' | 'any',
    precondition: number | undefined,
    mutate: (current: KObject) => KObject | Promise<KObject>,
    opts: { allowCreate?: (desired: KObject) => boolean; subresource?: string; skipKindValidation?: boolean } = {},
  ): Promise<KObject> {
    const { info, query } = ctx;
    for (let attempt = 0; ; attempt++) {
      const kv = await this.objects.getKv(r, info.namespace, info.name);
      if (!kv) {
        if (opts.allowCreate) {
          const desired = await mutate(undefined as unknown as KObject);
          if (opts.allowCreate(desired)) return this.create(ctx, r, desired);
        }
        throw errors.notFound(r.resource, r.group, info.name);
      }
      const current = decodeAs(r, kv);
      if (precondition !== undefined && precondition !== kv.modRevision) {
        throw errors.conflict(r.resource, r.group, info.name, 'the object has been modified; please apply your changes to the latest version and try again');
      }
      let desired = await mutate(structuredClone(current));
      checkTypeMeta(r, desired);
      desired.metadata ??= {};
      if (desired.metadata.resourceVersion && desired.metadata.resourceVersion !== current.metadata.resourceVersion) {
        throw errors.conflict(r.resource, r.group, info.name, 'the object has been modified; please apply your changes to the latest version and try again');
      }
      const warnings = this.prepareWrite(ctx, r, desired, current);
      desired = mergeParts(r, current, desired, part);
      keepServerMetadata(current, desired);
      if (part === 'main') hooks.prepareForUpdate(r, desired, current);
      hooks.recordUpdate(ctx, r, current, desired, part === 'status' ? 'status' : opts.subresource ?? '');
      this.validateOrThrow(r, desired, current, opts.skipKindValidation);
      addWarnings(ctx.res, warnings);
      if (isDryRun(query)) return desired;
      if (sameObject(current, desired)) return current;
      if (r.resource === 'services' && !r.group && part !== 'status') await this.allocator.reallocate(current, desired);
      // Finalizers all gone on an object being deleted: the update completes the deletion.
      if (readyToDelete(r, desired)) {
        try {
          const gone = await this.objects.delete(r, info.namespace, info.name, kv.modRevision);
          if (r.resource === 'services' && !r.group) await this.allocator.release(gone);
          return gone;
        } catch (err) {
          if (err instanceof ApiError && err.code === 409 && precondition === undefined && attempt < MAX_CONFLICT_RETRIES) continue;
          throw err;
        }
      }
      try {
        return await this.objects.update(r, desired, kv.modRevision);
      } catch (err) {
        if (err instanceof ApiError && err.code === 409 && precondition === undefined && attempt < MAX_CONFLICT_RETRIES) continue;
        throw err;
      }
    }
  }

  // ---------------------------------------------------------------- patch

  private async patch(ctx: RequestContext, r: ResourceInfo, part: 'main' | 'status'): Promise<{ object: KObject; created: boolean }> {
    const { req, query, info } = ctx;
    const ct = mediaType(req.headers['content-type']);
    if (!PATCH_TYPES.includes(ct)) throw errors.unsupportedMediaType(PATCH_TYPES);
    const body = await readBody(req);
    const force = isTrue(query.get('force'));
    if (force && ct !== 'application/apply-patch+yaml') throw errors.badRequest('force: Invalid value: true: may not be specified for non-apply patch');
    if (ct === 'application/apply-patch+yaml') {
      const manager = query.get('fieldManager');
      if (!manager) throw errors.badRequest('PATCH /apply requires a fieldManager parameter');
      const applied = parseYamlBody(body);
      checkDepth(applied);
      if (!applied || typeof applied !== 'object' || Array.isArray(applied)) throw errors.badRequest('the object provided is unrecognized (must be of type Object)');
      const cfg = applied as KObject;
      checkTypeMeta(r, cfg, true);
      if (cfg.metadata?.name && cfg.metadata.name !== info.name) {
        throw errors.badRequest(`the name of the object (${cfg.metadata.name}) does not match the name on the URL (${info.name})`);
      }
      let created = false;
      const object = await this.guaranteedUpdate(
        ctx,
        r,
        part,
        undefined,
        (current) => {
          created = current === undefined;
          return hooks.apply(r, current, cfg, { manager, force, subresource: part === 'status' ? 'status' : '', name: info.name, namespace: info.namespace });
        },
        { allowCreate: () => part === 'main' },
      );
      return { object, created };
    }
    const patchDoc = parseJson(body);
    checkDepth(patchDoc);
    const object = await this.guaranteedUpdate(ctx, r, part, undefined, (current) => hooks.patch(r, ct, current, patchDoc));
    return { object, created: false };
  }

  // ---------------------------------------------------------------- delete

  async deleteOne(ctx: RequestContext, r: ResourceInfo, namespace: string, name: string, opts: KObject): Promise<{ object: KObject; deleted: boolean }> {
    const dryRun = isDryRun(ctx.query) || (Array.isArray(opts.dryRun) && opts.dryRun.includes('All'));
    for (let attempt = 0; ; attempt++) {
      const kv = await this.objects.getKv(r, namespace, name);
      if (!kv) throw errors.notFound(r.resource, r.group, name);
      const current = decodeAs(r, kv);
      const pre = opts.preconditions ?? {};
      if (pre.uid && pre.uid !== current.metadata.uid) {
        throw errors.conflict(r.resource, r.group, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`);
      }
      if (pre.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
        throw errors.conflict(r.resource, r.group, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`);
      }
      const desired = structuredClone(current);
      const md = desired.metadata;
      const policy = propagationPolicy(r, opts);
      const finalizers: string[] = Array.isArray(md.finalizers) ? [...md.finalizers] : [];
      if (policy === 'Orphan' && !finalizers.includes('orphan')) finalizers.push('orphan');
      if (policy === 'Foreground' && !finalizers.includes('foregroundDeletion')) finalizers.push('foregroundDeletion');
      const grace = gracePeriod(r, current, opts);
      const nsPending = r.resource === 'namespaces' && Array.isArray(desired.spec?.finalizers) && desired.spec.finalizers.length > 0;
      const pending = finalizers.length > 0 || grace > 0 || nsPending;
      if (!pending) {
        if (dryRun) return { object: current, deleted: true };
        try {
          const obj = await this.objects.delete(r, namespace, name, kv.modRevision);
          if (r.resource === 'services' && !r.group) await this.allocator.release(obj);
          return { object: obj, deleted: true };
        } catch (err) {
          if (err instanceof ApiError && err.code === 409 && attempt < MAX_CONFLICT_RETRIES) continue;
          throw err;
        }
      }
      const now = new Date();
      if (!md.deletionTimestamp) {
        md.deletionTimestamp = rfc3339(new Date(now.getTime() + grace * 1000));
        md.deletionGracePeriodSeconds = grace;
      } else if (grace < (md.deletionGracePeriodSeconds ?? Infinity)) {
        // a shorter grace period may shorten a pending graceful deletion
        md.deletionTimestamp = rfc3339(new Date(now.getTime() + grace * 1000));
        md.deletionGracePeriodSeconds = grace;
      }
      if (finalizers.length) md.finalizers = finalizers;
      if (r.resource === 'namespaces') {
        desired.status = { ...(desired.status ?? {}), phase: 'Terminating' };
      }
      if (dryRun) return { object: desired, deleted: false };
      if (sameObject(current, desired)) return { object: current, deleted: false };
      try {
        const obj = await this.objects.update(r, desired, kv.modRevision);
        return { object: obj, deleted: false };
      } catch (err) {
        if (err instanceof ApiError && err.code === 409 && attempt < MAX_CONFLICT_RETRIES) continue;
        throw err;
      }
    }
  }

  // ---------------------------------------------------------------- subresources

  private async handleStatus(ctx: RequestContext, r: ResourceInfo): Promise<void> {
    const rep = negotiate(ctx.req.headers.accept);
    switch (ctx.info.verb) {
      case 'get':
        return respondObject(ctx, r, 200, await this.objects.get(r, ctx.info.namespace, ctx.info.name), rep);
      case 'update': {
        const obj = decodeObject(await readBody(ctx.req), ctx.req.headers['content-type']) as KObject;
        const { object } = await this.replace(ctx, r, obj, 'status');
        return respondObject(ctx, r, 200, object, rep);
      }
      case 'patch': {
        const { object } = await this.patch(ctx, r, 'status');
        return respondObject(ctx, r, 200, object, rep);
      }
      default:
        throw errors.methodNotAllowed();
    }
  }

  private async handleFinalize(ctx: RequestContext, r: ResourceInfo): Promise<void> {
    if (ctx.info.verb !== 'update') throw errors.methodNotAllowed();
    const rep = negotiate(ctx.req.headers.accept);
    const obj = decodeObject(await readBody(ctx.req), ctx.req.headers['content-type']) as KObject;
    const object = await this.guaranteedUpdate(ctx, r, 'any', undefined, (current) => {
      current.spec = { ...(current.spec ?? {}), finalizers: obj.spec?.finalizers ?? [] };
      return current;
    });
    return respondObject(ctx, r, 200, object, rep);
  }

  private async handleScale(ctx: RequestContext, r: ResourceInfo): Promise<void> {
    const rep = negotiate(ctx.req.headers.accept);
    const { info } = ctx;
    if (info.verb === 'get') return send(ctx.res, 200, toScale(r, await this.objects.get(r, info.namespace, info.name)), rep.format);
    if (info.verb !== 'update' && info.verb !== 'patch') throw errors.methodNotAllowed();
    const ct = mediaType(ctx.req.headers['content-type']);
    let body: KObject | undefined;
    let patchDoc: unknown;
    if (info.verb === 'update') body = decodeObject(await readBody(ctx.req), ctx.req.headers['content-type']) as KObject;
    else {
      if (!PATCH_TYPES.includes(ct) || ct === 'application/apply-patch+yaml') throw errors.unsupportedMediaType(PATCH_TYPES.slice(0, 3));
      patchDoc = parseJson(await readBody(ctx.req));
    }
    const object = await this.guaranteedUpdate(ctx, r, 'main', undefined, (current) => {
      const scale = toScale(r, current);
      const next: KObject = body ?? (hooks.patch(findResource('autoscaling', 'v1', 'scales') ?? SCALE_INFO, ct, scale, patchDoc) as KObject);
      if (next.metadata?.resourceVersion && next.metadata.resourceVersion !== current.metadata.resourceVersion) {
        throw errors.conflict(r.resource, r.group, info.name, 'the object has been modified; please apply your changes to the latest version and try again');
      }
      const replicas = next.spec?.replicas;
      if (typeof replicas !== 'number' || !Number.isInteger(replicas)) {
        throw errors.invalid('Scale', 'autoscaling', info.name, [{ reason: 'FieldValueInvalid', field: 'spec.replicas', message: `Invalid value: ${JSON.stringify(replicas ?? null)}: must be an integer` }]);
      }
      if (replicas < 0) {
        throw errors.invalid('Scale', 'autoscaling', info.name, [{ reason: 'FieldValueInvalid', field: 'spec.replicas', message: `Invalid value: ${replicas}: must be greater than or equal to 0` }]);
      }
      current.spec = { ...(current.spec ?? {}), replicas };
      delete current.metadata.resourceVersion;
      return current;
    }, { subresource: 'scale' });
    return send(ctx.res, 200, toScale(r, object), rep.format);
  }

  private async handleBinding(ctx: RequestContext, r: ResourceInfo): Promise<void> {
    if (ctx.info.verb !== 'create') throw errors.methodNotAllowed();
    const binding = decodeObject(await readBody(ctx.req), ctx.req.headers['content-type']) as KObject;
    const nodeName = binding.target?.name;
    if (!nodeName) throw errors.invalid('Binding', '', ctx.info.name, [{ reason: 'FieldValueRequired', field: 'target.name', message: 'Required value' }]);
    await this.guaranteedUpdate(ctx, r, 'any', undefined, (pod) => {
      if (pod.metadata.deletionTimestamp) throw errors.conflict('pods', '', ctx.info.name, 'pod is being deleted, cannot be assigned to a host');
      if (pod.spec?.nodeName) throw errors.conflict('pods', '', ctx.info.name, `pod ${ctx.info.name} is already assigned to node "${pod.spec.nodeName}"`);
      pod.spec.nodeName = nodeName;
      const conds: KObject[] = (pod.status ??= {}).conditions ?? [];
      pod.status.conditions = [...conds.filter((c) => c.type !== 'PodScheduled'), { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: nowRfc3339() }];
      return pod;
    }, { skipKindValidation: true });
    send(ctx.res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
  }

  private async handleEviction(ctx: RequestContext, r: ResourceInfo): Promise<void> {
    if (ctx.info.verb !== 'create') throw errors.methodNotAllowed();
    const eviction = decodeObject(await readBody(ctx.req), ctx.req.headers['content-type']) as KObject;
    await this.deleteOne(ctx, r, ctx.info.namespace, ctx.info.name, eviction.deleteOptions ?? {});
    send(ctx.res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
  }
}

// ---------------------------------------------------------------- helpers

const SCALE_INFO: ResourceInfo = { group: 'autoscaling', version: 'v1', kind: 'Scale', resource: 'scales', singular: 'scale', namespaced: true, verbs: [], subresources: [] };

function toScale(r: ResourceInfo, obj: KObject): KObject {
  const sel = obj.spec?.selector;
  let selector = '';
  if (sel && typeof sel === 'object') {
    selector = sel.matchLabels || sel.matchExpressions ? hooks.selectorString(sel) : Object.entries(sel).map(([k, v]) => `${k}=${v}`).join(',');
  }
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: obj.metadata.name, namespace: obj.metadata.namespace, uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion, creationTimestamp: obj.metadata.creationTimestamp },
    spec: { replicas: obj.spec?.replicas ?? 0 },
    status: { replicas: obj.status?.replicas ?? 0, selector },
  };
}

function respondObject(ctx: RequestContext, r: ResourceInfo, code: number, obj: KObject, rep: Representation): void {
  if (rep.as === 'Table') return send(ctx.res, code, toTable(r, [obj], { resourceVersion: obj.metadata?.resourceVersion }, ctx.query), rep.format);
  if (rep.as === 'PartialObjectMetadata') return send(ctx.res, code, toPartialMetadata(obj), rep.format);
  send(ctx.res, code, obj, rep.format);
}

function successStatus(r: ResourceInfo, obj: KObject): KObject {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: obj.metadata.name, group: r.group || undefined, kind: r.resource, uid: obj.metadata.uid } };
}

/** Body apiVersion/kind must match the URL (an empty one is filled in, as upstream's decoder defaults it). */
function checkTypeMeta(r: ResourceInfo, obj: KObject, requireBoth = false): void {
  const want = apiVersionOf(r);
  if (requireBoth && (!obj.apiVersion || !obj.kind)) {
    throw errors.badRequest(`${!obj.kind ? 'Object \'Kind\' is missing' : 'Object \'apiVersion\' is missing'} in '${JSON.stringify(obj).slice(0, 200)}'`);
  }
  if (obj.apiVersion !== undefined && typeof obj.apiVersion !== 'string') throw errors.badRequest('apiVersion must be a string');
  if (obj.kind !== undefined && typeof obj.kind !== 'string') throw errors.badRequest('kind must be a string');
  if (obj.metadata !== undefined && obj.metadata !== null && (typeof obj.metadata !== 'object' || Array.isArray(obj.metadata))) {
    throw errors.badRequest(`${r.kind} in version "${r.version}" cannot be handled as a ${r.kind}: json: cannot unmarshal ${Array.isArray(obj.metadata) ? 'array' : typeof obj.metadata} into Go struct field ${r.kind}.metadata of type v1.ObjectMeta`);
  }
  if (obj.metadata === null) delete obj.metadata;
  if (obj.apiVersion && obj.apiVersion !== want) {
    const gv = parseApiVersion(obj.apiVersion);
    throw errors.badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${want})${gv.group === r.group ? '' : ''}`);
  }
  if (obj.kind && obj.kind !== r.kind) {
    throw errors.badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${r.kind})`);
  }
  obj.apiVersion = want;
  obj.kind = r.kind;
}

/** The part a write may change: a status write changes only status; a main write keeps status. */
function mergeParts(r: ResourceInfo, current: KObject, desired: KObject, part: 'main' | 'status' | 'any'): KObject {
  if (part === 'any' || !r.subresources.includes('status')) return desired;
  if (part === 'status') {
    const out = structuredClone(current);
    out.status = desired.status;
    out.metadata.managedFields = desired.metadata.managedFields;
    // apps/v1 status writes may also change annotations (upstream resets only spec and labels there)
    if (r.group === 'apps') out.metadata.annotations = desired.metadata.annotations;
    return out;
  }
  const out = desired;
  if (current.status === undefined) delete out.status;
  else out.status = structuredClone(current.status);
  return out;
}

/** Fields clients may not change on update. */
function keepServerMetadata(current: KObject, desired: KObject): void {
  const c = current.metadata;
  const d = desired.metadata;
  d.name = c.name;
  if (c.namespace !== undefined) d.namespace = c.namespace;
  d.uid = c.uid;
  d.creationTimestamp = c.creationTimestamp;
  d.resourceVersion = c.resourceVersion;
  if (c.deletionTimestamp) {
    d.deletionTimestamp = c.deletionTimestamp;
    d.deletionGracePeriodSeconds = c.deletionGracePeriodSeconds;
  } else {
    delete d.deletionTimestamp;
    delete d.deletionGracePeriodSeconds;
  }
  if (c.generation !== undefined) d.generation = c.generation;
  else delete d.generation;
  delete d.selfLink;
}

function readyToDelete(r: ResourceInfo, obj: KObject): boolean {
  const md = obj.metadata;
  if (!md.deletionTimestamp) return false;
  if (Array.isArray(md.finalizers) && md.finalizers.length) return false;
  if (r.resource === 'namespaces' && Array.isArray(obj.spec?.finalizers) && obj.spec.finalizers.length) return false;
  if (r.resource === 'pods' && (md.deletionGracePeriodSeconds ?? 0) > 0) return false;
  return true;
}

function sameObject(a: KObject, b: KObject): boolean {
  return JSON.stringify(stripVolatile(a)) === JSON.stringify(stripVolatile(b));
}

function stripVolatile(o: KObject): KObject {
  const md = { ...o.metadata };
  delete md.resourceVersion;
  if (Array.isArray(md.managedFields)) md.managedFields = md.managedFields.map((m: KObject) => ({ ...m, time: undefined }));
  return { ...o, metadata: md };
}

function propagationPolicy(r: ResourceInfo, opts: KObject): 'Orphan' | 'Background' | 'Foreground' {
  if (opts.propagationPolicy) {
    if (!['Orphan', 'Background', 'Foreground'].includes(opts.propagationPolicy)) {
      throw errors.invalid('DeleteOptions', '', '', [{ reason: 'FieldValueNotSupported', field: 'propagationPolicy', message: `Unsupported value: "${opts.propagationPolicy}": supported values: "Foreground", "Background", "Orphan", "nil"` }]);
    }
    return opts.propagationPolicy;
  }
  if (opts.orphanDependents === true) return 'Orphan';
  if (opts.orphanDependents === false) return 'Background';
  // batch/v1 Jobs orphan by default for compatibility, as upstream
  if (r.group === 'batch' && r.resource === 'jobs') return 'Orphan';
  return 'Background';
}

function gracePeriod(r: ResourceInfo, obj: KObject, opts: KObject): number {
  if (r.resource !== 'pods') return 0;
  // an unscheduled pod, or one that already finished, goes at once
  if (!obj.spec?.nodeName) return 0;
  if (obj.status?.phase === 'Succeeded' || obj.status?.phase === 'Failed') return 0;
  let g = opts.gracePeriodSeconds;
  if (g === undefined || g === null) g = obj.spec?.terminationGracePeriodSeconds ?? 30;
  if (typeof g !== 'number' || !Number.isFinite(g)) throw errors.badRequest('gracePeriodSeconds must be a number');
  return Math.max(0, Math.floor(g));
}

async function readDeleteOptions(ctx: RequestContext): Promise<KObject> {
  const body = await readBody(ctx.req);
  let opts: KObject = {};
  if (body.length && body.toString().trim()) opts = decodeObject(body, ctx.req.headers['content-type'] ?? 'application/json') as KObject;
  const q = ctx.query;
  if (q.has('gracePeriodSeconds')) opts.gracePeriodSeconds = parseIntParam(q, 'gracePeriodSeconds');
  if (q.has('propagationPolicy')) opts.propagationPolicy = q.get('propagationPolicy');
  if (q.has('orphanDependents')) opts.orphanDependents = isTrue(q.get('orphanDependents'));
  return opts;
}

export function selectorFilter(r: ResourceInfo, query: URLSearchParams): ((obj: KObject) => boolean) | undefined {
  const ls = query.get('labelSelector');
  const fs = query.get('fieldSelector');
  if (!ls && !fs) return undefined;
  const labelMatch = ls ? hooks.labelMatcher(ls) : undefined;
  const fieldMatch = fs ? hooks.fieldMatcher(r, fs) : undefined;
  return (obj) => (!labelMatch || labelMatch(obj.metadata?.labels ?? {})) && (!fieldMatch || fieldMatch(obj));
}

export function parseIntParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw invalidParams(`${name}: Invalid value: "${v}": must be an integer`);
  return Number(v);
}

export function parseRevision(v: string, field = 'resourceVersion'): number {
  if (!/^\d+$/.test(v)) throw errors.badRequest(`invalid ${field}: ${JSON.stringify(v)}`);
  return Number(v);
}

function invalidParams(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

function isDryRun(query: URLSearchParams): boolean {
  const v = query.getAll('dryRun');
  for (const d of v) if (d !== 'All') throw errors.badRequest(`dryRun: Unsupported value: "${d}": supported values: "All"`);
  return v.length > 0;
}

function fieldValidationMode(query: URLSearchParams): 'Strict' | 'Warn' | 'Ignore' {
  const v = query.get('fieldValidation');
  if (!v) return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw errors.badRequest(`fieldValidation: Unsupported value: "${v}": supported values: "Ignore", "Strict", "Warn"`);
}

function notFoundPath(ctx: RequestContext): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource', { causes: [{ reason: 'UnexpectedServerResponse', message: '404 page not found' }] });
}

function validatePathName(name: string, what: string): void {
  if (name === '.' || name === '..' || name.includes('/') || name.includes('%')) {
    throw errors.badRequest(`${what} may not be '.', '..' or contain '/' or '%'`);
  }
}

function randomSuffix(): string {
  const b = randomBytes(5);
  let s = '';
  for (const x of b) s += GENERATE_CHARS[x % GENERATE_CHARS.length];
  return s;
}

export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function nowRfc3339(): string {
  return rfc3339(new Date());
}
