// Parses a request path and method into what is being asked (upstream's RequestInfo).

export interface RequestInfo {
  /** false for /version, /healthz, /openapi/…, /api, /apis discovery roots */
  isResourceRequest: boolean;
  path: string;
  /** get | list | watch | create | update | patch | delete | deletecollection (resource requests) */
  verb: string;
  group: string;
  version: string;
  namespace: string;
  resource: string;
  name: string;
  subresource: string;
  /** the path segments after /api or /apis (for non-resource discovery routing) */
  parts: string[];
  apiPrefix: '' | 'api' | 'apis';
}

/**
 * /api/v1/namespaces/{ns}/{resource}/{name}/{sub}
 * /apis/{group}/{version}/namespaces/{ns}/{resource}/{name}/{sub}
 * /api/v1/namespaces/{name} is the namespaces resource itself.
 * Deprecated /watch/ prefixes are accepted as upstream does.
 */
export function parseRequestInfo(method: string, pathname: string, query: URLSearchParams): RequestInfo {
  const info: RequestInfo = { isResourceRequest: false, path: pathname, verb: method.toLowerCase(), group: '', version: '', namespace: '', resource: '', name: '', subresource: '', parts: [], apiPrefix: '' };
  const segs = pathname.split('/').filter((s) => s.length > 0).map(safeDecode);
  if (segs[0] !== 'api' && segs[0] !== 'apis') return info;
  info.apiPrefix = segs[0];
  let rest = segs.slice(1);
  info.parts = rest;
  if (info.apiPrefix === 'api') {
    if (rest.length < 1) return info;
    info.version = rest[0];
    rest = rest.slice(1);
  } else {
    if (rest.length < 2) return info;
    info.group = rest[0];
    info.version = rest[1];
    rest = rest.slice(2);
  }
  if (rest.length === 0) return info;
  let watchPrefix = false;
  if (rest[0] === 'watch') {
    watchPrefix = true;
    rest = rest.slice(1);
  }
  info.isResourceRequest = true;
  if (rest[0] === 'namespaces') {
    if (rest.length >= 3) {
      info.namespace = rest[1];
      rest = rest.slice(2);
    } else {
      // /namespaces or /namespaces/{name}
      info.resource = 'namespaces';
      info.name = rest[1] ?? '';
      rest = [];
    }
    if (info.resource === 'namespaces' && rest.length === 0) {
      // handled above
    }
  }
  if (rest.length > 0) {
    info.resource = rest[0];
    info.name = rest[1] ?? '';
    info.subresource = rest.slice(2).join('/');
  }
  // /api/v1/namespaces/{name}/status and /finalize: the namespace's own subresources
  if (info.namespace && info.resource && !info.name && (info.resource === 'status' || info.resource === 'finalize')) {
    info.name = info.namespace;
    info.subresource = info.resource;
    info.resource = 'namespaces';
    info.namespace = '';
  }
  const m = info.verb;
  if (watchPrefix) info.verb = 'watch';
  else if (m === 'get' || m === 'head') info.verb = info.name ? 'get' : (isTrue(query.get('watch')) ? 'watch' : 'list');
  else if (m === 'post') info.verb = 'create';
  else if (m === 'put') info.verb = 'update';
  else if (m === 'patch') info.verb = 'patch';
  else if (m === 'delete') info.verb = info.name ? 'delete' : 'deletecollection';
  if (info.verb === 'watch' && info.name) {
    // watching one object by name is a watch on the collection with a name field selector
  }
  return info;
}

export function isTrue(v: string | null): boolean {
  return v === 'true' || v === '1';
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
