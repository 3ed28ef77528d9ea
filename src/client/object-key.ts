// Cache and queue keys (client-go's MetaNamespaceKeyFunc): "namespace/name", or "name" for cluster-scoped objects.

import type { KObject } from '../api/strategy.js';

export function keyOf(obj: KObject): string {
  const ns = obj.metadata?.namespace;
  const name = obj.metadata?.name ?? '';
  return ns ? `${ns}/${name}` : name;
}

/** the inverse of keyOf: namespace '' for a cluster-scoped key */
export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}
