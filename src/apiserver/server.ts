// The API server: HTTPS, authentication, routing to discovery, OpenAPI, health and resource handlers.

import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Store } from '../storage/store.js';
import type { ClusterPki } from '../pki/cluster-pki.js';
import { tlsServerOptions, X509Authenticator } from './authn/x509.js';
import { UnionAuthenticator } from './authn/union.js';
import type { UserInfo } from './authn/user.js';
import { ApiError, errors } from '../api/status.js';
import { parseRequestInfo } from './request-info.js';
import { send, sendError, sendText } from './http-util.js';
import { apiGroupDoc, apiGroupList, apiResourceList, apiVersions } from './discovery.js';
import { ObjectStore } from './object-store.js';
import { WatchCache } from './watch-cache.js';
import { ResourceHandler } from './resource-handler.js';
import { serveOpenApi } from './openapi-handler.js';
import { bootstrapObjects } from './bootstrap.js';
import { Compactor } from './compactor.js';
import { ServiceAllocator } from './service-allocator.js';
import { NamespaceCache } from './namespace-cache.js';

export interface ApiServerOptions {
  store: Store;
  pki: ClusterPki;
  bindAddress: string;
  port: number;
  /** the address clients should use, for discovery's serverAddressByClientCIDRs */
  advertiseAddress?: string;
  serviceCidr?: string;
  /** how often old revisions are compacted (default 5 minutes) */
  compactionIntervalMs?: number;
}

const PUBLIC_PATHS = new Set(['/healthz', '/livez', '/readyz', '/version']);

export const KUBERNETES_VERSION = { major: '1', minor: '32', gitVersion: 'v1.32.0-k8ts', gitCommit: 'k8ts', gitTreeState: 'clean', buildDate: '2026-11-28T00:00:00Z', goVersion: 'node', compiler: 'tsc', platform: `${process.platform}/${process.arch}` };

export class ApiServer {
  private server?: Server;
  readonly objects: ObjectStore;
  readonly cache: WatchCache;
  private readonly resources: ResourceHandler;
  private readonly authn: UnionAuthenticator;
  private readonly compactor: Compactor;
  private readonly allocator: ServiceAllocator;
  private readonly namespaces: NamespaceCache;
  private ready = false;
  port = 0;

  constructor(private readonly opts: ApiServerOptions) {
    this.objects = new ObjectStore(opts.store);
    this.cache = new WatchCache(opts.store);
    this.allocator = new ServiceAllocator(opts.store, { serviceCidr: opts.serviceCidr ?? '10.96.0.0/12', nodePortRange: [30000, 32767] });
    this.namespaces = new NamespaceCache(this.objects, this.cache);
    this.resources = new ResourceHandler(this.objects, this.cache, this.allocator, this.namespaces);
    this.authn = new UnionAuthenticator([new X509Authenticator()], { allowAnonymous: true });
    this.compactor = new Compactor(opts.store, opts.compactionIntervalMs);
  }

  async start(): Promise<number> {
    await this.cache.start();
    await this.namespaces.start();
    this.server = createServer(tlsServerOptions(this.opts.pki), (req, res) => void this.dispatch(req, res));
    this.server.keepAliveTimeout = 65_000;
    this.server.headersTimeout = 70_000;
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.opts.port, this.opts.bindAddress, () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    const kubernetesIp = this.allocator.nthIp(1);
    await this.allocator.reserve(kubernetesIp);
    await bootstrapObjects(this.objects, { bindAddress: this.opts.advertiseAddress ?? this.opts.bindAddress, port: this.port, clusterIP: kubernetesIp });
    this.compactor.start();
    this.ready = true;
    return this.port;
  }

  async stop(): Promise<void> {
    this.ready = false;
    this.compactor.stop();
    this.namespaces.stop();
    this.cache.stop();
    if (this.server) {
      const s = this.server;
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      });
    }
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'https://localhost');
      const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
      let user: UserInfo;
      try {
        user = await this.authn.authenticate(req);
      } catch (err) {
        if (err instanceof ApiError && err.code === 401) throw err;
        throw errors.unauthorized();
      }
      if (user.name === 'system:anonymous' && !PUBLIC_PATHS.has(path)) throw errors.unauthorized();
      if (await this.nonResource(req, res, path, url.searchParams)) return;
      const info = parseRequestInfo(req.method ?? 'GET', path, url.searchParams);
      if (!info.isResourceRequest) throw notFound();
      await this.resources.handle({ req, res, info, query: url.searchParams, user });
    } catch (err) {
      // drain what the client sent so the connection can be reused
      if (!req.complete) req.resume();
      sendError(res, err);
    }
  }

  /** Health, version, discovery and OpenAPI. Returns false when the path is a resource path. */
  private async nonResource(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<boolean> {
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      return false;
    }
    switch (path) {
      case '/healthz':
      case '/livez':
      case '/readyz': {
        const ok = path !== '/readyz' || this.ready;
        if (query.has('verbose')) {
          const checks = ['ping', 'log', 'etcd', 'poststarthook/start-informers'];
          sendText(res, ok ? 200 : 500, checks.map((c) => `[+]${c} ok`).join('\n') + `\n${path.slice(1)} check ${ok ? 'passed' : 'failed'}\n`);
        } else sendText(res, ok ? 200 : 500, ok ? 'ok' : 'not ready');
        return true;
      }
      case '/version':
        send(res, 200, KUBERNETES_VERSION);
        return true;
      case '/api':
        send(res, 200, apiVersions(`${this.opts.advertiseAddress ?? this.opts.bindAddress}:${this.port}`));
        return true;
      case '/apis':
        send(res, 200, apiGroupList());
        return true;
      case '/':
        send(res, 200, { paths: ['/api', '/api/v1', '/apis', '/healthz', '/livez', '/openapi/v2', '/openapi/v3', '/readyz', '/version'] });
        return true;
    }
    if (path.startsWith('/openapi/')) {
      serveOpenApi(req, res, path, query);
      return true;
    }
    const segs = path.split('/').filter(Boolean);
    if (segs[0] === 'api' && segs.length === 2) {
      const doc = apiResourceList('', segs[1]);
      if (!doc) throw notFound();
      send(res, 200, doc);
      return true;
    }
    if (segs[0] === 'apis' && segs.length === 2) {
      const doc = apiGroupDoc(segs[1]);
      if (!doc) throw notFound();
      send(res, 200, doc);
      return true;
    }
    if (segs[0] === 'apis' && segs.length === 3) {
      const doc = apiResourceList(segs[1], segs[2]);
      if (!doc) throw notFound();
      send(res, 200, doc);
      return true;
    }
    return false;
  }
}

function notFound(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource');
}
