// kill -9 of `k8ts server` in the middle of a write burst: after a restart every acknowledged write is there.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, raw } from './helpers/server.js';

const CMS = '/api/v1/namespaces/default/configmaps';

test('kill -9 during a write burst loses no acknowledged write (SQLite)', { timeout: 120_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'k8ts-crash-'));
  try {
    const s = await startServer({ dataDir });
    const acked = new Map<string, string>();
    // an update in flight at the kill may or may not have committed: either value is correct
    const inFlight = new Map<string, string>();
    let stop = false;
    const worker = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const name = `crash-${w}-${i}`;
        try {
          const r = await raw(s, 'POST', CMS, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { payload: 'x'.repeat(200 + i), i: String(i) } }));
          if (r.status === 201) acked.set(name, String(i));
          if (i % 3 === 0 && r.status === 201) {
            inFlight.set(name, `${i}-updated`);
            const u = await raw(s, 'PATCH', `${CMS}/${name}`, JSON.stringify({ data: { i: `${i}-updated` } }), { 'Content-Type': 'application/merge-patch+json' });
            if (u.status === 200) acked.set(name, `${i}-updated`);
          }
        } catch {
          return; // the server died under us
        }
      }
    };
    const workers = Array.from({ length: 8 }, (_, w) => worker(w));
    // kill once the burst is well under way (however fast this machine is)
    const deadline = Date.now() + 60_000;
    while (acked.size < 100 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await s.kill();
    stop = true;
    await Promise.all(workers);
    assert.ok(acked.size > 50, `only ${acked.size} writes were acknowledged before the kill`);

    const s2 = await startServer({ dataDir });
    try {
      const list = await raw(s2, 'GET', CMS);
      assert.equal(list.status, 200);
      const items = new Map<string, any>(list.json().items.map((o: any) => [o.metadata.name, o]));
      for (const [name, value] of acked) {
        const obj = items.get(name);
        assert.ok(obj, `acknowledged ${name} is missing after restart`);
        assert.ok(obj.data.i === value || obj.data.i === inFlight.get(name), `${name} lost its acknowledged update (${obj.data.i} instead of ${value})`);
      }
      // every stored object decodes and is whole
      for (const obj of items.values()) {
        assert.equal(obj.kind, 'ConfigMap');
        assert.ok(obj.metadata.uid && obj.metadata.resourceVersion);
      }
      // and the server still takes writes
      assert.equal((await raw(s2, 'POST', CMS, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'after-crash' } }))).status, 201);
    } finally {
      await s2.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
