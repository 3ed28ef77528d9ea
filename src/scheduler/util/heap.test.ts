// Tests for KeyedHeap: ordering, replacement by key, deletion from the middle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyedHeap } from './heap.js';

test('KeyedHeap keeps order through pushes, updates and deletes', () => {
  const h = new KeyedHeap<{ k: string; v: number }>((a, b) => a.v < b.v);
  const vals = [5, 3, 9, 1, 7, 2, 8, 6, 4, 0];
  for (const v of vals) h.push(`k${v}`, { k: `k${v}`, v });
  h.push('k9', { k: 'k9', v: -1 });
  assert.equal(h.delete('k4')?.v, 4);
  assert.equal(h.delete('nope'), undefined);
  assert.ok(h.has('k7') && !h.has('k4'));
  const out: number[] = [];
  while (h.size) out.push(h.pop()!.v);
  assert.deepEqual(out, [-1, 0, 1, 2, 3, 5, 6, 7, 8]);
  assert.equal(h.pop(), undefined);
});
