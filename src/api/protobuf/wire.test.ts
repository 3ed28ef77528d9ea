// Varints, lengths and nesting of the protobuf reader and writer.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtobufError, Reader, Writer } from './wire.js';

const hex = (s: string) => Buffer.from(s.replace(/\s/g, ''), 'hex');

test('varints: int32, int64 and bool as Go encodes them', () => {
  const w = new Writer();
  for (const v of [0, 1, 127, 128, 300, 2 ** 31 - 1, -1, -2147483648, 2 ** 53 - 1, -(2 ** 53)]) w.varint64(v);
  w.varint64(9223372036854775807n);
  w.varint64(-9223372036854775808n);
  const b = w.finish();
  // -1 is ten bytes, sign-extended to 64 bits
  assert.ok(b.includes(hex('ffffffffffffffffff01')));
  const r = new Reader(b);
  assert.deepEqual([r.int32(), r.int32(), r.int32(), r.int32(), r.int32(), r.int32(), r.int32(), r.int32()], [0, 1, 127, 128, 300, 2 ** 31 - 1, -1, -2147483648]);
  assert.equal(r.int64(), 2 ** 53 - 1);
  assert.equal(r.int64(), -(2 ** 53));
  assert.equal(r.int64Big(), 9223372036854775807n);
  assert.equal(r.int64Big(), -9223372036854775808n);
  assert.equal(r.pos, b.length);
  assert.equal(new Reader(hex('ac02')).int32(), 300);
  assert.equal(new Reader(hex('80808080808080808001')).bool(), true); // only bit 63 set
});

test('reader: bounds, lengths and overflow are ProtobufErrors', () => {
  assert.throws(() => new Reader(hex('80')).varint(), ProtobufError);
  assert.throws(() => new Reader(hex('ffffffffffffffffffff01')).varint(), /integer overflow/);
  assert.throws(() => new Reader(hex('05 6162')).string(), /unexpected EOF/);
  assert.throws(() => new Reader(hex('ffffffff0f')).length(), ProtobufError);
  assert.throws(() => new Reader(hex('0100000000000000'), 0, 4).double(), /unexpected EOF/);
  // a bounded reader does not read past its end even when the buffer goes on
  const r = new Reader(hex('0a 02 6869 ff'), 0, 3);
  assert.throws(() => r.skip(2), /unexpected EOF/);
  assert.throws(() => new Reader(hex('07')).skip(7), /illegal wireType 7/);
  assert.throws(() => new Reader(hex('00')).tag(), /illegal tag 0/);
});

test('reader: strings are UTF-8, invalid bytes become U+FFFD', () => {
  assert.equal(new Reader(Buffer.concat([Buffer.from([9]), Buffer.from('日本語')])).string(), '日本語');
  assert.equal(new Reader(hex('03 61ff62')).string(), 'a\uFFFDb');
  const long = 'x'.repeat(40) + 'é';
  const w = new Writer();
  w.string(long);
  assert.equal(new Reader(w.finish()).string(), long);
});

test('writer: fork/ldelim nest and prefix lengths, across chunk boundaries', () => {
  const w = new Writer();
  w.tag(1, 2);
  w.fork();
  w.tag(1, 2);
  w.fork();
  w.string('a'.repeat(200));
  w.raw(Buffer.alloc(5000, 0x62));
  w.ldelim();
  w.tag(2, 0);
  w.uvarint(1);
  w.ldelim();
  w.double(1.5);
  const b = w.finish();
  const r = new Reader(b);
  assert.equal(r.tag(), (1 << 3) | 2);
  const outer = r.length();
  assert.equal(outer, b.length - 8 - r.pos);
  assert.equal(r.tag(), (1 << 3) | 2);
  const inner = r.length();
  assert.equal(inner, 2 + 200 + 5000);
  r.pos += inner;
  assert.equal(r.tag(), 2 << 3);
  assert.equal(r.varint(), 1);
  assert.equal(r.double(), 1.5);
  assert.throws(() => {
    const x = new Writer();
    x.fork();
    x.finish();
  });
});
