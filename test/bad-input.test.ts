// Bad input gets the Status upstream would send, and never a crash or a partial write.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, raw } from './helpers/server.js';
import type { TestServer } from './helpers/server.js';

const CMS = '/api/v1/namespaces/default/configmaps';

describe('bad input', { timeout: 120_000 }, () => {
  let s: TestServer;
  before(async () => {
    s = await startServer();
  });
  after(async () => {
    await s?.stop();
  });

  async function expectStatus(method: string, path: string, body: string | Buffer | undefined, headers: Record<string, string>, code: number, reason: string, message?: RegExp) {
    const r = await raw(s, method, path, body, headers);
    assert.equal(r.status, code, `${method} ${path}: ${r.body}`);
    const st = r.json();
    assert.equal(st.kind, 'Status');
    assert.equal(st.apiVersion, 'v1');
    assert.equal(st.status, 'Failure');
    assert.equal(st.code, code);
    assert.equal(st.reason, reason);
    if (message) assert.match(st.message, message);
    return st;
  }

  test('malformed JSON is a 400', async () => {
    await expectStatus('POST', CMS, '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {', {}, 400, 'BadRequest');
  });

  test('malformed YAML is a 400', async () => {
    await expectStatus('POST', CMS, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [x\n', { 'Content-Type': 'application/yaml' }, 400, 'BadRequest');
  });

  test('a body that is not an object is a 400', async () => {
    await expectStatus('POST', CMS, '[1,2,3]', {}, 400, 'BadRequest');
    await expectStatus('POST', CMS, '"text"', {}, 400, 'BadRequest');
  });

  test('apiVersion or kind that does not match the URL is a 400', async () => {
    await expectStatus('POST', CMS, JSON.stringify({ apiVersion: 'apps/v1', kind: 'ConfigMap', metadata: { name: 'x' } }), {}, 400, 'BadRequest', /does not match the expected API version/);
    await expectStatus('POST', CMS, JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } }), {}, 400, 'BadRequest', /does not match the expected kind/);
  });

  test('names that break DNS-1123 are a 422 with causes', async () => {
    const st = await expectStatus('POST', CMS, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Bad_Name' } }), {}, 422, 'Invalid', /ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
    assert.equal(st.details.causes[0].field, 'metadata.name');
    assert.equal(st.details.causes[0].reason, 'FieldValueInvalid');
    await expectStatus('POST', CMS, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: {} }), {}, 422, 'Invalid', /name or generateName is required/);
  });

  test('unknown fields are refused under Strict, warned under Warn', async () => {
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'strict1' }, bogus: 1, data: { a: 'b' } });
    await expectStatus('POST', `${CMS}?fieldValidation=Strict`, body, {}, 400, 'BadRequest', /strict decoding error: unknown field "bogus"/);
    const w = await raw(s, 'POST', `${CMS}?fieldValidation=Warn`, body);
    assert.equal(w.status, 201);
    assert.match(String(w.headers.warning), /unknown field \\?"bogus\\?"/);
    assert.equal(w.json().bogus, undefined, 'unknown fields are dropped');
    await expectStatus('POST', `${CMS}?fieldValidation=Sometimes`, body, {}, 400, 'BadRequest');
  });

  test('bodies over 3 MiB are a 413', async () => {
    const big = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { a: 'x'.repeat(3 * 1024 * 1024 + 10) } });
    await expectStatus('POST', CMS, big, {}, 413, 'RequestEntityTooLarge');
    const r = await raw(s, 'GET', `${CMS}/big`);
    assert.equal(r.status, 404, 'nothing was written');
  });

  test('a stale resourceVersion is a 409', async () => {
    const c = await raw(s, 'POST', CMS, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'rv1' }, data: { v: '1' } }));
    assert.equal(c.status, 201);
    const obj = c.json();
    const u1 = await raw(s, 'PUT', `${CMS}/rv1`, JSON.stringify({ ...obj, data: { v: '2' } }));
    assert.equal(u1.status, 200);
    await expectStatus('PUT', `${CMS}/rv1`, JSON.stringify({ ...obj, data: { v: '3' } }), {}, 409, 'Conflict', /the object has been modified; please apply your changes to the latest version and try again/);
    assert.equal((await raw(s, 'GET', `${CMS}/rv1`)).json().data.v, '2');
  });

  test('missing objects and unknown resources are a 404', async () => {
    await expectStatus('GET', `${CMS}/nope`, undefined, {}, 404, 'NotFound', /configmaps "nope" not found/);
    await expectStatus('GET', '/api/v1/namespaces/default/widgets', undefined, {}, 404, 'NotFound');
    await expectStatus('GET', '/apis/nothere.io/v1/things', undefined, {}, 404, 'NotFound');
    await expectStatus('POST', '/api/v1/namespaces/nons/configmaps', JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }), {}, 404, 'NotFound', /namespaces "nons" not found/);
  });

  test('unsupported media types are a 415', async () => {
    await expectStatus('POST', CMS, 'name=x', { 'Content-Type': 'application/x-www-form-urlencoded' }, 415, 'UnsupportedMediaType');
    await expectStatus('PATCH', `${CMS}/rv1`, '{}', { 'Content-Type': 'text/plain' }, 415, 'UnsupportedMediaType');
  });

  test('no client certificate is a 401', async () => {
    const r = await raw(s, 'GET', CMS, undefined, {}, true);
    assert.equal(r.status, 401);
    assert.equal(r.json().reason, 'Unauthorized');
  });

  test('a bad continue token is a 400', async () => {
    const bad = await raw(s, 'GET', `${CMS}?limit=1&continue=not-a-token`);
    assert.equal(bad.status, 400);
    assert.equal(bad.json().reason, 'BadRequest');
  });
});
