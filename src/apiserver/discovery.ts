// Discovery documents: /api, /apis, /apis/{group}, and the resource list of each group-version.

import { createHash } from 'node:crypto';
import { GROUP_ORDER, RESOURCES } from '../api/resources.js';
import type { ResourceInfo } from '../api/resources.js';
import type { KObject } from '../api/strategy.js';

const SUB_VERBS: Record<string, string[]> = {
  status: ['get', 'patch', 'update'],
  scale: ['get', 'patch', 'update'],
  binding: ['create'],
  eviction: ['create'],
  finalize: ['update'],
  token: ['create'],
  log: ['get'],
  exec: ['create', 'get'],
  attach: ['create', 'get'],
  portforward: ['create', 'get'],
};

const SUB_KIND: Record<string, (r: ResourceInfo) => { kind: string; group?: string; version?: string }> = {
  status: (r) => ({ kind: r.kind }),
  scale: () => ({ kind: 'Scale', group: 'autoscaling', version: 'v1' }),
  binding: () => ({ kind: 'Binding' }),
  eviction: () => ({ kind: 'Eviction', group: 'policy', version: 'v1' }),
  finalize: (r) => ({ kind: r.kind }),
  token: () => ({ kind: 'TokenRequest', group: 'authentication.k8s.io', version: 'v1' }),
  log: () => ({ kind: 'Pod' }),
  exec: () => ({ kind: 'PodExecOptions' }),
  attach: () => ({ kind: 'PodAttachOptions' }),
  portforward: () => ({ kind: 'PodPortForwardOptions' }),
};

function groupVersions(): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const g of GROUP_ORDER) m.set(g, []);
  for (const r of RESOURCES) {
    const vs = m.get(r.group) ?? [];
    if (!vs.includes(r.version)) vs.push(r.version);
    m.set(r.group, vs);
  }
  return m;
}

export function apiVersions(serverAddress: string): KObject {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function apiGroup(group: string, versions: string[]): KObject {
  const vs = versions.map((v) => ({ groupVersion: `${group}/${v}`, version: v }));
  return { name: group, versions: vs, preferredVersion: vs[0] };
}

export function apiGroupList(): KObject {
  const groups: KObject[] = [];
  for (const [g, vs] of groupVersions()) if (g) groups.push(apiGroup(g, vs));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

export function apiGroupDoc(group: string): KObject | undefined {
  const vs = groupVersions().get(group);
  if (!group || !vs || vs.length === 0) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group, vs) };
}

export function apiResourceList(group: string, version: string): KObject | undefined {
  const rs = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (rs.length === 0) return undefined;
  const resources: KObject[] = [];
  for (const r of rs) {
    const entry: KObject = { name: r.resource, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs };
    if (r.shortNames) entry.shortNames = r.shortNames;
    if (r.categories) entry.categories = r.categories;
    entry.storageVersionHash = createHash('sha256').update(`${r.group}/${r.version}/${r.kind}`).digest('base64').slice(0, 11);
    resources.push(entry);
    for (const sub of r.subresources) {
      const k = SUB_KIND[sub]?.(r) ?? { kind: r.kind };
      const s: KObject = { name: `${r.resource}/${sub}`, singularName: '', namespaced: r.namespaced, kind: k.kind, verbs: SUB_VERBS[sub] ?? ['get'] };
      if (k.group) s.group = k.group;
      if (k.version) s.version = k.version;
      resources.push(s);
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}
