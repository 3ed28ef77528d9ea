// Tests for RFC 7386 JSON merge patch (the RFC's appendix A examples) and the API server's merge patch entry point.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../../api/status.js';
import { applyMergePatch, jsonMergePatch } from './merge-patch.js';

test('RFC 7386 appendix A examples', () => {
  const cases: [unknown, unknown, unknown][] = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  for (const [target, patch, result] of cases) {
    assert.deepEqual(jsonMergePatch(target, patch), result, `${JSON.stringify(target)} + ${JSON.stringify(patch)}`);
  }
});

test('RFC 7386 section 3 example', () => {
  const target = { title: 'Goodbye!', author: { givenName: 'John', familyName: 'Doe' }, tags: ['example', 'sample'], content: 'This will be unchanged' };
  const patch = { title: 'Hello!', phoneNumber: '+01-123-456-7890', author: { familyName: null }, tags: ['example'] };
  assert.deepEqual(jsonMergePatch(target, patch), {
    title: 'Hello!', author: { givenName: 'John' }, tags: ['example'], content: 'This will be unchanged', phoneNumber: '+01-123-456-7890',
  });
});

test('merge patch of an object: labels removed with null, lists replaced whole, maps merged', () => {
  const deploy = {
    metadata: { name: 'web', labels: { app: 'web', tier: 'front' } },
    spec: { replicas: 2, template: { spec: { containers: [{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:1' }] } } },
  };
  const out = applyMergePatch(deploy, {
    metadata: { labels: { tier: null, track: 'canary' } },
    spec: { replicas: 3, template: { spec: { containers: [{ name: 'a', image: 'a:2' }] } } },
  });
  assert.deepEqual(out, {
    metadata: { name: 'web', labels: { app: 'web', track: 'canary' } },
    spec: { replicas: 3, template: { spec: { containers: [{ name: 'a', image: 'a:2' }] } } },
  });
});

test('applyMergePatch drops nulls nested in newly set values, keeps null array elements (as upstream)', () => {
  assert.deepEqual(applyMergePatch({ a: 1 }, { b: { c: null, d: 1 }, l: [{ x: null, y: 1 }, null] }), { a: 1, b: { d: 1 }, l: [{ y: 1 }, null] });
  assert.deepEqual(applyMergePatch({ l: [1] }, { l: [{ x: null }] }), { l: [{}] });
});

test('applyMergePatch refuses a patch that is not an object with 400 "Invalid JSON Patch"', () => {
  for (const p of [null, 'x', 1, true, [1]]) {
    assert.throws(() => applyMergePatch({ a: 1 }, p), (e: any) => e instanceof ApiError && e.code === 400 && e.reason === 'BadRequest' && e.message === 'Invalid JSON Patch');
  }
});

test('neither function mutates its inputs nor shares objects with them', () => {
  const target = { a: { b: 1 }, l: [{ x: 1 }] };
  const patch = { a: { c: { d: 2 } }, n: { m: [1] } };
  const snapshot = JSON.stringify([target, patch]);
  for (const out of [jsonMergePatch(target, patch) as any, applyMergePatch(target, patch) as any]) {
    assert.equal(JSON.stringify([target, patch]), snapshot);
    out.a.c.d = 99;
    out.n.m.push(2);
    out.l[0].x = 5;
    assert.equal(JSON.stringify([target, patch]), snapshot);
  }
});

test('"__proto__" keys are ordinary members', () => {
  const patch = JSON.parse('{"__proto__": {"polluted": true}}');
  const out = applyMergePatch({}, patch) as any;
  assert.ok(Object.hasOwn(out, '__proto__'));
  assert.equal(Object.getPrototypeOf(out), Object.prototype);
  assert.equal(({} as any).polluted, undefined);
  const rfc = jsonMergePatch({}, patch) as any;
  assert.ok(Object.hasOwn(rfc, '__proto__'));
});
