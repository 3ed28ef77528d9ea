// A cache-less list+watch for the hollow nodes: paged list, then watch from its revision; relists on 410 or a lost watch.

import type { KObject } from '../api/strategy.js';
import { ClientError, type RestClient } from '../client/rest-client.js';

export interface ListWatchHandlers {
  /** an object listed or added or modified */
  upsert(obj: KObject): void;
  remove(obj: KObject): void;
  /** after each (re)list: the keys ("namespace/name") now present, so the caller can drop the others */
  listed(keys: Set<string>): void;
}

/**
 * Runs until the signal aborts. `path` is a collection path; `query` holds selectors
 * (e.g. fieldSelector=spec.nodeName!=). Objects are handed over and not kept.
 */
export async function listWatch(client: RestClient, path: string, query: Record<string, string>, h: ListWatchHandlers, signal: AbortSignal): Promise<void> {
  let backoff = 200;
  while (!signal.aborted) {
    try {
      let rv = '';
      let cont = '';
      const keys = new Set<string>();
      do {
        const q = new URLSearchParams({ ...query, limit: '500', ...(cont ? { continue: cont } : {}) });
        const page = await client.get(`${path}?${q}`);
        for (const o of page.items ?? []) {
          keys.add(`${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`);
          h.upsert(o);
        }
        cont = page.metadata?.continue ?? '';
        rv = page.metadata?.resourceVersion ?? rv;
      } while (cont && !signal.aborted);
      h.listed(keys);
      backoff = 200;
      while (!signal.aborted) {
        let expired = false;
        const started = Date.now();
        const q = new URLSearchParams({ ...query, watch: 'true', allowWatchBookmarks: 'true', resourceVersion: rv, timeoutSeconds: String(240 + Math.floor(Math.random() * 120)) });
        await client.watch(`${path}?${q}`, (e) => {
          if (e.type === 'ERROR') {
            expired = true;
            return;
          }
          rv = e.object?.metadata?.resourceVersion ?? rv;
          if (e.type === 'BOOKMARK') return;
          if (e.type === 'DELETED') h.remove(e.object);
          else h.upsert(e.object);
        }, signal);
        if (expired) break;
        // a watch the server ends at once (shutting down): do not spin
        if (Date.now() - started < 1000) await new Promise((r) => setTimeout(r, 500));
      }
    } catch (err) {
      if (signal.aborted) return;
      if (!(err instanceof ClientError && err.code === 410)) {
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, 5000);
      }
    }
  }
}
