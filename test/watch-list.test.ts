// List and watch semantics: limit/continue, resourceVersion, selectors on watch, bookmarks, 410 after compaction.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, raw } from './helpers/server.js';
import type { TestServer } from './helpers/server.js';

const CMS = '/api/v1/namespaces/default/configmaps';

function cm(name: string, labels: Record<string, string> = {}, data: Record<string, string> = {}) {
  return JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data });
}

/** Reads watch events from a raw streaming request until `count` events or the stream ends. */
async function watchEvents(s: TestServer, path: string, count: number, action?: () => Promise<void>): Promise<any[]> {
  const { request } = await import('node:https');
  const { readFileSync } = await import('node:fs');
  const u = new URL(s.url);
  const tls = `${s.dataDir}/tls`;
  return new Promise((resolve, reject) => {
    const events: any[] = [];
    const req = request({ host: u.hostname, port: Number(u.port), path, ca: readFileSync(`${tls}/ca.crt`), cert: readFileSync(`${tls}/admin.crt`), key: readFileSync(`${tls}/admin.key`) }, (res) => {
      let buf = '';
      res.setEncoding('utf8');
      if (res.statusCode !== 200) {
        res.on('data', (d) => (buf += d));
        res.on('end', () => resolve([{ type: 'HTTP', status: res.statusCode, object: JSON.parse(buf) }]));
        return;
      }
      res.on('data', (d) => {
        buf += d;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          events.push(JSON.parse(buf.slice(0, i)));
          buf = buf.slice(i + 1);
          if (events.length >= count) {
            req.destroy();
            resolve(events);
          }
        }
      });
      res.on('end', () => resolve(events));
      if (action) action().catch(reject);
    });
    req.on('error', (e) => (events.length >= count ? undefined : reject(e)));
    req.end();
  });
}

describe('list and watch semantics', { timeout: 120_000 }, () => {
  let s: TestServer;
  before(async () => {
    s = await startServer({ extraArgs: ['--etcd-compaction-interval', '1s'] });
  });
  after(async () => {
    await s?.stop();
  });

  test('limit and continue walk a collection in pages', async () => {
    for (let i = 0; i < 25; i++) assert.equal((await raw(s, 'POST', CMS, cm(`page-${String(i).padStart(2, '0')}`, { set: 'pages' }))).status, 201);
    const names: string[] = [];
    let cont = '';
    let pages = 0;
    let firstRv = '';
    do {
      const r = (await raw(s, 'GET', `${CMS}?labelSelector=set%3Dpages&limit=10${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`)).json();
      names.push(...r.items.map((i: any) => i.metadata.name));
      if (!firstRv) firstRv = r.metadata.resourceVersion;
      else assert.equal(r.metadata.resourceVersion, firstRv, 'every page is read at the first page\'s revision');
      cont = r.metadata.continue ?? '';
      pages++;
    } while (cont);
    assert.equal(pages, 3);
    assert.equal(names.length, 25);
    assert.deepEqual(names, [...names].sort());
    const unfiltered = (await raw(s, 'GET', `${CMS}?limit=5`)).json();
    assert.equal(unfiltered.items.length, 5);
    assert.ok(unfiltered.metadata.remainingItemCount >= 20);
  });

  test('watch from a resourceVersion replays later events in order, through selectors', async () => {
    const created = (await raw(s, 'POST', CMS, cm('w1', { team: 'a' }))).json();
    const rv = created.metadata.resourceVersion;
    await raw(s, 'PATCH', `${CMS}/w1`, JSON.stringify({ data: { x: '1' } }), { 'Content-Type': 'application/merge-patch+json' });
    await raw(s, 'PATCH', `${CMS}/w1`, JSON.stringify({ metadata: { labels: { team: 'b' } } }), { 'Content-Type': 'application/merge-patch+json' });
    const evs = await watchEvents(s, `${CMS}?watch=true&resourceVersion=${rv}&labelSelector=team%3Da&timeoutSeconds=2`, 2);
    assert.deepEqual(evs.map((e) => e.type), ['MODIFIED', 'DELETED'], 'leaving the selector is a DELETED');
    assert.ok(Number(evs[0].object.metadata.resourceVersion) > Number(rv));
  });

  test('a watch without resourceVersion starts with the current state', async () => {
    const evs = await watchEvents(s, `${CMS}?watch=true&fieldSelector=metadata.name%3Dw1&timeoutSeconds=1`, 1);
    assert.equal(evs[0].type, 'ADDED');
    assert.equal(evs[0].object.metadata.name, 'w1');
  });

  test('sendInitialEvents ends the initial state with a bookmark', async () => {
    const evs = await watchEvents(s, `${CMS}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&labelSelector=set%3Dpages`, 26);
    assert.equal(evs.filter((e) => e.type === 'ADDED').length, 25);
    assert.equal(evs[25].type, 'BOOKMARK');
    assert.equal(evs[25].object.metadata.annotations['k8s.io/initial-events-end'], 'true');
  });

  test('timeoutSeconds ends the watch', async () => {
    const t0 = Date.now();
    const evs = await watchEvents(s, `${CMS}?watch=true&resourceVersion=0&fieldSelector=metadata.name%3Dnone&timeoutSeconds=1`, 100);
    assert.equal(evs.length, 0);
    assert.ok(Date.now() - t0 < 5000);
  });

  test('after compaction, an old resourceVersion is 410 Expired', async () => {
    const first = (await raw(s, 'POST', CMS, cm('compact-me'))).json();
    const oldRv = first.metadata.resourceVersion;
    for (let i = 0; i < 5; i++) await raw(s, 'PATCH', `${CMS}/compact-me`, JSON.stringify({ data: { i: String(i) } }), { 'Content-Type': 'application/merge-patch+json' });
    // compaction runs every second and compacts to the revision seen one tick before
    await new Promise((r) => setTimeout(r, 3500));
    const evs = await watchEvents(s, `${CMS}?watch=true&resourceVersion=${oldRv}`, 1);
    const e = evs[0];
    const status = e.type === 'HTTP' ? e.object : e.object;
    assert.ok(e.type === 'HTTP' ? e.status === 410 : e.type === 'ERROR', JSON.stringify(e));
    assert.equal(status.code, 410);
    assert.equal(status.reason, 'Expired');
    const list = await raw(s, 'GET', `${CMS}?resourceVersion=${oldRv}&resourceVersionMatch=Exact`);
    assert.equal(list.status, 410);
  });
});
