// The typed client: one ResourceClient per resource over a shared RestClient (client-go's clientset/dynamic client).

import type { ResourceInfo } from '../api/resources.js';
import type { KObject } from '../api/strategy.js';
import { RestClient } from './rest-client.js';
import type { ListOptions, ResourceClient, WatchEvent, WatchOptions } from './types.js';

/** The collection URL of a resource, in one namespace ('' = all namespaces, or a cluster-scoped resource). */
export function collectionPath(info: ResourceInfo, namespace = ''): string {
  const base = info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
  return info.namespaced && namespace ? `${base}/namespaces/${encodeURIComponent(namespace)}/${info.resource}` : `${base}/${info.resource}`;
}

/** The URL of one object (the namespace is ignored for cluster-scoped resources). */
export function objectPath(info: ResourceInfo, namespace: string, name: string): string {
  return `${collectionPath(info, info.namespaced ? namespace : '')}/${encodeURIComponent(name)}`;
}

const PATCH_CONTENT_TYPES = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

/**
 * Shares one RestClient (two keep-alive pools: requests and watches) among every resource.
 * resource(info) returns the same ResourceClient for the same resource.
 */
export class Clientset {
  private readonly clients = new Map<ResourceInfo, ResourceClient>();

  constructor(readonly rest: RestClient) {}

  static async fromKubeconfig(path: string, userAgent?: string): Promise<Clientset> {
    return new Clientset(await RestClient.fromKubeconfig(path, userAgent));
  }

  resource(info: ResourceInfo): ResourceClient {
    let c = this.clients.get(info);
    if (!c) this.clients.set(info, (c = new TypedResourceClient(this.rest, info)));
    return c;
  }

  /** closes the connection pools; in-flight watches end */
  close(): void {
    this.rest.close();
  }
}

class TypedResourceClient implements ResourceClient {
  constructor(private readonly rest: RestClient, readonly info: ResourceInfo) {}

  get(namespace: string, name: string): Promise<KObject> {
    return this.rest.do('GET', objectPath(this.info, namespace, name));
  }

  list(namespace = '', opts: ListOptions = {}): Promise<KObject> {
    return this.rest.do('GET', collectionPath(this.info, namespace) + query({ ...opts }));
  }

  watch(namespace: string | undefined, opts: WatchOptions, onEvent: (e: WatchEvent) => void, signal: AbortSignal): Promise<void> {
    const q = query({ watch: true, resourceVersion: opts.resourceVersion, labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector, allowWatchBookmarks: opts.allowWatchBookmarks, timeoutSeconds: opts.timeoutSeconds });
    return this.rest.watch(collectionPath(this.info, namespace ?? '') + q, onEvent, signal);
  }

  create(namespace: string, obj: KObject, opts: { dryRun?: boolean; fieldManager?: string } = {}): Promise<KObject> {
    const ns = this.info.namespaced ? namespace || obj.metadata?.namespace || '' : '';
    return this.rest.do('POST', collectionPath(this.info, ns) + query({ dryRun: opts.dryRun ? 'All' : undefined, fieldManager: opts.fieldManager }), obj);
  }

  update(obj: KObject): Promise<KObject> {
    return this.rest.do('PUT', objectPath(this.info, obj.metadata?.namespace ?? '', obj.metadata?.name ?? ''), obj);
  }

  updateStatus(obj: KObject): Promise<KObject> {
    return this.rest.do('PUT', `${objectPath(this.info, obj.metadata?.namespace ?? '', obj.metadata?.name ?? '')}/status`, obj);
  }

  patch(namespace: string, name: string, type: keyof typeof PATCH_CONTENT_TYPES, body: unknown, opts: { subresource?: string; fieldManager?: string; force?: boolean } = {}): Promise<KObject> {
    const contentType = PATCH_CONTENT_TYPES[type];
    if (!contentType) return Promise.reject(new Error(`patch: unknown patch type "${type}"`));
    if (type === 'apply' && !opts.fieldManager) return Promise.reject(new Error('patch: apply needs a fieldManager'));
    const path = objectPath(this.info, namespace, name) + (opts.subresource ? `/${opts.subresource}` : '');
    // JSON is YAML, so apply bodies are sent as JSON
    return this.rest.do('PATCH', path + query({ fieldManager: opts.fieldManager, force: type === 'apply' && opts.force ? true : undefined }), body, contentType);
  }

  async delete(namespace: string, name: string, opts: { propagationPolicy?: 'Orphan' | 'Background' | 'Foreground'; gracePeriodSeconds?: number; preconditions?: { uid?: string; resourceVersion?: string } } = {}): Promise<void> {
    await this.rest.do('DELETE', objectPath(this.info, namespace, name), { kind: 'DeleteOptions', apiVersion: 'v1', ...opts });
  }

  async deleteCollection(namespace: string, opts: { labelSelector?: string; fieldSelector?: string; propagationPolicy?: 'Orphan' | 'Background' | 'Foreground'; gracePeriodSeconds?: number } = {}): Promise<void> {
    const { labelSelector, fieldSelector, ...body } = opts;
    await this.rest.do('DELETE', collectionPath(this.info, namespace) + query({ labelSelector, fieldSelector }), { kind: 'DeleteOptions', apiVersion: 'v1', ...body });
  }

  createSubresource(namespace: string, name: string, subresource: string, body: KObject): Promise<KObject> {
    return this.rest.do('POST', `${objectPath(this.info, namespace, name)}/${subresource}`, body);
  }
}

/** "?a=1&b=x" from the defined values ('' when none) */
function query(params: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
