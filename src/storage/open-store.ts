// openStore: the Store named by a --datastore-endpoint URL (backends chosen by scheme, as kine does).

import { isAbsolute, join, resolve } from 'node:path';
import { EtcdStore } from './etcd/etcd-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

export type StoreEndpoint =
  | { kind: 'sqlite'; file: string }
  | { kind: 'etcd'; hosts: string[] };

const ACCEPTED = 'sqlite://FILE, etcd://HOST:PORT[,HOST:PORT…], or http://HOST:PORT[,…] / HOST:PORT[,…] for etcd';

/**
 * Parse an endpoint: undefined or '' → sqlite://<dataDir>/state.db; sqlite://FILE (a relative FILE
 * is relative to the working directory; sqlite:///abs is absolute); etcd://h1:2379,h2:2379; a
 * list of http://host:port or bare host:port is etcd too. Throws naming the accepted forms.
 */
export function parseStoreEndpoint(endpoint: string | undefined, dataDir: string): StoreEndpoint {
  const ep = (endpoint ?? '').trim();
  if (ep === '') return { kind: 'sqlite', file: join(resolve(dataDir), 'state.db') };
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(ep)?.[1]?.toLowerCase();
  if (scheme === 'sqlite') {
    const file = ep.slice('sqlite://'.length);
    if (file === '') return { kind: 'sqlite', file: join(resolve(dataDir), 'state.db') };
    return { kind: 'sqlite', file: isAbsolute(file) ? file : resolve(file) };
  }
  if (scheme === 'etcd' || scheme === 'http' || scheme === 'https' || scheme === undefined) {
    const body = scheme === 'etcd' ? ep.slice('etcd://'.length) : ep;
    const hosts = body.split(',').map((h) => h.trim()).filter((h) => h !== '').map((h) => {
      const m = /^(?:([a-z][a-z0-9+.-]*):\/\/)?([^/]+?)\/?$/i.exec(h);
      const s = m?.[1]?.toLowerCase();
      if (!m || (s !== undefined && s !== 'http' && !(scheme === 'etcd' && s === 'etcd'))) {
        if (s === 'https') throw new Error(`datastore endpoint ${JSON.stringify(endpoint)}: TLS to etcd (https://) is not supported yet`);
        throw new Error(`datastore endpoint ${JSON.stringify(endpoint)}: bad etcd host ${JSON.stringify(h)}; accepted: ${ACCEPTED}`);
      }
      const host = m[2];
      // host, host:port, [v6]:port
      return /:\d+$/.test(host) ? host : `${host}:2379`;
    });
    if (hosts.length === 0) throw new Error(`datastore endpoint ${JSON.stringify(endpoint)} names no etcd hosts; accepted: ${ACCEPTED}`);
    return { kind: 'etcd', hosts };
  }
  throw new Error(`unsupported datastore endpoint ${JSON.stringify(endpoint)} (scheme "${scheme}"); accepted: ${ACCEPTED}`);
}

/** Open the Store for `endpoint` (see parseStoreEndpoint); an etcd store is checked reachable first. */
export async function openStore(endpoint: string | undefined, dataDir: string): Promise<Store> {
  const parsed = parseStoreEndpoint(endpoint, dataDir);
  if (parsed.kind === 'sqlite') return new SqliteStore(parsed.file);
  const store = new EtcdStore(parsed.hosts);
  try {
    await store.currentRevision();
  } catch (err) {
    await store.close();
    throw new Error(`etcd at ${parsed.hosts.join(',')} is not reachable: ${(err as Error).message}`);
  }
  return store;
}
