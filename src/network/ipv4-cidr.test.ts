// Unit tests of the IPv4 CIDR helpers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalCidr, cidrContains, cidrContainsIp, cidrsOverlap, parseIpv4, parseIpv4Cidr } from './ipv4-cidr.js';

test('parse and canonical form', () => {
  assert.equal(canonicalCidr('10.244.1.5/24'), '10.244.1.0/24');
  assert.equal(canonicalCidr('10.1.2.3'), '10.1.2.3/32');
  assert.equal(canonicalCidr('default'), '0.0.0.0/0');
  assert.equal(canonicalCidr('255.255.255.255/32'), '255.255.255.255/32');
  for (const bad of ['', '10.0.0.256/8', '10.0.0.0/33', '10.0.0/8', 'fd00::/64', '10.0.0.0/8 dev lo', '10.0.0.0/']) assert.equal(parseIpv4Cidr(bad), undefined, bad);
  assert.equal(parseIpv4('1.2.3.4'), 0x01020304);
});

test('containment and overlap', () => {
  const c = (s: string) => parseIpv4Cidr(s)!;
  assert.ok(cidrContains(c('10.244.0.0/16'), c('10.244.3.0/24')));
  assert.ok(cidrContains(c('10.244.0.0/16'), c('10.244.0.0/16')));
  assert.ok(!cidrContains(c('10.244.3.0/24'), c('10.244.0.0/16')));
  assert.ok(!cidrContains(c('10.244.0.0/16'), c('10.245.0.0/24')));
  assert.ok(cidrsOverlap(c('10.244.0.0/22'), c('10.244.3.0/24')));
  assert.ok(!cidrsOverlap(c('10.96.0.0/12'), c('10.244.0.0/16')));
  assert.ok(cidrContainsIp(c('10.96.0.0/12'), parseIpv4('10.111.255.255')!));
  assert.ok(!cidrContainsIp(c('10.96.0.0/12'), parseIpv4('10.112.0.0')!));
});
