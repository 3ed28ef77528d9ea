// Fuzz: thousands of random and mutated requests against a running server; afterwards it still answers
// and every stored object still decodes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, raw } from './helpers/server.js';
import { RESOURCES } from '../src/api/resources.js';

/** A small deterministic PRNG so a failure can be replayed with the printed seed. */
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

const VALID: Record<string, unknown>[] = [
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'f-cm', labels: { a: 'b' } }, data: { k: 'v' } },
  { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'f-secret' }, type: 'Opaque', data: { k: 'dmFsdWU=' } },
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'f-pod' }, spec: { containers: [{ name: 'c', image: 'localhost/busybox:1.35', ports: [{ containerPort: 80 }], resources: { limits: { cpu: '100m', memory: '64Mi' } } }] } },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'f-svc' }, spec: { selector: { app: 'x' }, ports: [{ port: 80, targetPort: 8080 }] } },
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'f-deploy' }, spec: { replicas: 2, selector: { matchLabels: { app: 'f' } }, template: { metadata: { labels: { app: 'f' } }, spec: { containers: [{ name: 'c', image: 'localhost/busybox:1.35' }] } } } },
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'f-ns' } },
];
const PATHS: Record<string, string> = {
  ConfigMap: '/api/v1/namespaces/default/configmaps',
  Secret: '/api/v1/namespaces/default/secrets',
  Pod: '/api/v1/namespaces/default/pods',
  Service: '/api/v1/namespaces/default/services',
  Deployment: '/apis/apps/v1/namespaces/default/deployments',
  Namespace: '/api/v1/namespaces',
};
const WEIRD_VALUES: unknown[] = [null, true, false, 0, -1, 1e308, 2 ** 53 + 1, '', 'x'.repeat(300), '../..', '\u0000', [], {}, [[[]]], { $patch: 'delete' }, 'ÄÖÜ', -0.5];
const CONTENT_TYPES = ['application/json', 'application/yaml', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/json-patch+json', 'application/apply-patch+yaml', 'text/plain', 'application/vnd.kubernetes.protobuf', ''];
const QUERIES = ['', '?dryRun=All', '?fieldValidation=Strict', '?fieldValidation=Nope', '?limit=-1', '?limit=abc', '?labelSelector=a%20in%20(', '?fieldSelector=spec.foo%3Dbar', '?resourceVersion=abc', '?resourceVersion=999999999&resourceVersionMatch=Exact', '?continue=%%%', '?fieldManager=fuzz&force=true', '?gracePeriodSeconds=-5', '?propagationPolicy=Sideways'];

function mutate(value: unknown, r: () => number, depth = 0): unknown {
  if (depth > 6) return value;
  if (value && typeof value === 'object') {
    if (Array.isArray(value)) return value.map((v) => (r() < 0.2 ? pick(WEIRD_VALUES, r) : mutate(v, r, depth + 1)));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const roll = r();
      if (roll < 0.05) continue; // drop a field
      if (roll < 0.12) out[k] = pick(WEIRD_VALUES, r);
      else out[k] = mutate(v, r, depth + 1);
    }
    if (r() < 0.1) out[`extra${Math.floor(r() * 5)}`] = pick(WEIRD_VALUES, r);
    return out;
  }
  return r() < 0.1 ? pick(WEIRD_VALUES, r) : value;
}

function pick<T>(xs: T[], r: () => number): T {
  return xs[Math.floor(r() * xs.length)];
}

function corruptText(text: string, r: () => number): string {
  const roll = r();
  if (roll < 0.3) return text.slice(0, Math.floor(r() * text.length));
  if (roll < 0.6) {
    const chars = text.split('');
    for (let i = 0; i < 5; i++) chars[Math.floor(r() * chars.length)] = String.fromCharCode(Math.floor(r() * 128));
    return chars.join('');
  }
  if (roll < 0.7) return '['.repeat(5000) + ']'.repeat(5000);
  if (roll < 0.8) return '{"a":'.repeat(2000) + '1' + '}'.repeat(2000);
  return Buffer.from(Array.from({ length: 64 }, () => Math.floor(r() * 256))).toString('latin1');
}

test('fuzz: random and mutated requests never crash the server or corrupt the store', { timeout: 300_000 }, async () => {
  const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 100000);
  const total = Number(process.env.FUZZ_REQUESTS ?? 3000);
  console.log(`fuzz seed ${seed}, ${total} requests`);
  const r = rng(seed);
  const s = await startServer();
  try {
    const codes = new Map<number, number>();
    const internal: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < total) {
        next++;
        const base = pick(VALID, r);
        const kind = base.kind as string;
        let path = PATHS[kind];
        const name = (base.metadata as any).name;
        const method = pick(['POST', 'PUT', 'PATCH', 'GET', 'DELETE', 'POST', 'PATCH'], r);
        if (method !== 'POST' && r() < 0.8) path += `/${name}`;
        if (r() < 0.1) path += pick(['/status', '/scale', '/binding', '/eviction', '/../x', '/%2e%2e', '/exec'], r);
        path += pick(QUERIES, r);
        let body: string | undefined;
        const ct = pick(CONTENT_TYPES, r);
        if (method !== 'GET') {
          const obj = r() < 0.7 ? mutate(structuredClone(base), r) : base;
          if (ct === 'application/json-patch+json') body = JSON.stringify([{ op: pick(['add', 'remove', 'replace', 'move', 'test', 'bogus'], r), path: pick(['/metadata/labels/x', '/spec', '/', '/data/0', '~1'], r), value: pick(WEIRD_VALUES, r) }]);
          else body = JSON.stringify(obj);
          if (r() < 0.25) body = corruptText(body, r);
        }
        const headers: Record<string, string> = {};
        if (ct) headers['Content-Type'] = ct;
        try {
          const res = await raw(s, method, path, body, headers);
          codes.set(res.status, (codes.get(res.status) ?? 0) + 1);
          // upstream answers a few malformed strategic merge patches with a bare 500 (empty reason); anything
          // else in the 5xx range means our code threw where it should have refused
          // (and apply patches the schema cannot type: "failed to create typed patch object")
          const faithfulPatch500 =
            res.status === 500 &&
            ((ct === 'application/strategic-merge-patch+json' && JSON.parse(res.body).reason === '') ||
              (ct === 'application/apply-patch+yaml' && /failed to create typed (patch|live) object/.test(JSON.parse(res.body).message)));
          if (res.status >= 500 && res.status !== 504 && !faithfulPatch500 && internal.length < 10) internal.push(`${method} ${path} [${ct}] ${(body ?? '').slice(0, 160)} → ${res.body.slice(0, 300)}`);
          if (res.status >= 400) {
            let st: any;
            try {
              st = JSON.parse(res.body);
            } catch {
              assert.fail(`error answers are Status objects: ${method} ${path} → ${res.status} with body ${JSON.stringify(res.body.slice(0, 200))}; request ${ct} ${JSON.stringify((body ?? "").slice(0, 300))}`);
            }
            assert.equal(st.kind, 'Status', `error answers are Status objects: ${method} ${path} → ${res.status} ${res.body.slice(0, 200)}`);
          }
        } catch (err) {
          if (err instanceof assert.AssertionError) throw err;
          throw new Error(`request failed (seed ${seed}): ${method} ${path}: ${(err as Error).message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    console.log(`fuzz status codes: ${JSON.stringify(Object.fromEntries([...codes].sort((a, b) => a[0] - b[0])))}`);
    assert.deepEqual(internal, [], 'no internal errors');

    assert.equal((await raw(s, 'GET', '/readyz')).status, 200, 'the server still answers');
    for (const info of RESOURCES) {
      const base = info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
      const list = await raw(s, 'GET', `${base}/${info.resource}`);
      assert.equal(list.status, 200, `${info.resource}: ${list.body.slice(0, 200)}`);
      for (const item of list.json().items) {
        assert.equal(typeof item.metadata?.name, 'string');
        assert.ok(item.metadata.uid, `${info.resource}/${item.metadata.name} has a uid`);
      }
    }
  } finally {
    await s.stop();
  }
});
