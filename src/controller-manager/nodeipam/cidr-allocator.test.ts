// Tests for node pod CIDR allocation: order, exhaustion, occupy/release, rebuilding after a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CidrAllocator } from './cidr-allocator.js';

test('hands out /24s of the cluster CIDR in order', () => {
  const a = new CidrAllocator('10.244.0.0/16');
  assert.equal(a.capacity, 256);
  assert.equal(a.allocateNext(), '10.244.0.0/24');
  assert.equal(a.allocateNext(), '10.244.1.0/24');
  assert.equal(a.allocateNext(), '10.244.2.0/24');
  assert.equal(a.allocated, 3);
});

test('a released CIDR is reused only after the others (next free after the last, wrapping)', () => {
  const a = new CidrAllocator('10.0.0.0/22', 24);
  assert.deepEqual([a.allocateNext(), a.allocateNext()], ['10.0.0.0/24', '10.0.1.0/24']);
  a.release('10.0.0.0/24');
  assert.equal(a.allocateNext(), '10.0.2.0/24');
  assert.equal(a.allocateNext(), '10.0.3.0/24');
  assert.equal(a.allocateNext(), '10.0.0.0/24');
  assert.equal(a.allocateNext(), undefined, 'full');
  a.release('10.0.2.0/24');
  assert.equal(a.allocateNext(), '10.0.2.0/24');
});

test('rebuilding from existing nodes never hands out a used CIDR', () => {
  const before = new CidrAllocator('10.244.0.0/16');
  const taken = [before.allocateNext()!, before.allocateNext()!, before.allocateNext()!];
  // restart: a fresh allocator told about the nodes' podCIDRs
  const after = new CidrAllocator('10.244.0.0/16');
  for (const c of [taken[0], taken[2]]) assert.equal(after.occupy(c), true);
  assert.equal(after.isUsed(taken[1]), false);
  const next = new Set<string>();
  for (let i = 0; i < 254; i++) next.add(after.allocateNext()!);
  assert.equal(next.has(taken[0]), false);
  assert.equal(next.has(taken[2]), false);
  assert.equal(next.has(taken[1]), true);
  assert.equal(after.allocateNext(), undefined);
});

test('occupy clips to the cluster CIDR and covers every overlapping subnet', () => {
  const a = new CidrAllocator('10.244.0.0/16');
  assert.equal(a.occupy('192.168.0.0/24'), false, 'outside');
  assert.equal(a.occupy('not-a-cidr'), false);
  assert.equal(a.occupy('10.244.4.0/23'), true);
  assert.equal(a.isUsed('10.244.4.0/24'), true);
  assert.equal(a.isUsed('10.244.5.0/24'), true);
  assert.equal(a.allocated, 2);
  assert.equal(a.occupy('10.244.4.128/25'), true, 'a smaller CIDR inside a used subnet');
  assert.equal(a.allocated, 2);
});

test('mask sizes and bad input', () => {
  assert.equal(new CidrAllocator('10.1.0.0/16', 26).allocateNext(), '10.1.0.0/26');
  assert.equal(new CidrAllocator('10.1.0.0/24', 24).capacity, 1);
  assert.throws(() => new CidrAllocator('10.1.0.0/24', 16), /does not fit/);
  assert.throws(() => new CidrAllocator('fd00::/48'), /IPv4 only/);
  // a cluster CIDR with host bits set is aligned down
  assert.equal(new CidrAllocator('10.244.3.7/16').allocateNext(), '10.244.0.0/24');
});
