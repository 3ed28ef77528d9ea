// JSON forms of Time, MicroTime, Duration and Quantity.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkQuantity, formatDuration, formatMicroTime, formatTime, GO_ZERO_TIME_SECONDS, parseDuration, parseTime } from './special.js';
import { decodeMessage } from './decode.js';
import { encodeMessage } from './encode.js';
import { ProtobufError } from './wire.js';

test('Time: RFC 3339 UTC seconds; zero time is null; years outside 0..9999 are refused', () => {
  assert.equal(formatTime(0), '1970-01-01T00:00:00Z');
  assert.equal(formatTime(1714557600), '2024-05-01T10:00:00Z');
  assert.equal(formatTime(-1), '1969-12-31T23:59:59Z');
  assert.equal(formatTime(GO_ZERO_TIME_SECONDS), null);
  assert.equal(formatTime(GO_ZERO_TIME_SECONDS + 1), '0001-01-01T00:00:01Z');
  assert.throws(() => formatTime(253402300800), ProtobufError);
  assert.throws(() => formatTime(2 ** 60), ProtobufError);
});

test('MicroTime: six fraction digits, nanos truncated and normalised', () => {
  assert.equal(formatMicroTime(1714557600, 123456789), '2024-05-01T10:00:00.123456Z');
  assert.equal(formatMicroTime(1714557600, 0), '2024-05-01T10:00:00.000000Z');
  assert.equal(formatMicroTime(1714557600, 1_500_000_000), '2024-05-01T10:00:01.500000Z');
  assert.equal(formatMicroTime(1714557600, -1000), '2024-05-01T09:59:59.999999Z');
  assert.equal(formatMicroTime(GO_ZERO_TIME_SECONDS, 0), null);
});

test('parseTime: offsets, fractions, small years', () => {
  assert.deepEqual(parseTime('2024-05-01T12:00:00+02:00'), { seconds: 1714557600, nanos: 0 });
  assert.deepEqual(parseTime('2024-05-01T10:00:00.5Z'), { seconds: 1714557600, nanos: 500000000 });
  assert.deepEqual(parseTime('0001-01-01T00:00:00Z'), { seconds: GO_ZERO_TIME_SECONDS, nanos: 0 });
  assert.equal(parseTime('0050-06-01T00:00:00Z')?.seconds, -60576249600); // not 1950: Date.UTC's two-digit years
  assert.equal(formatTime(-60576249600), '0050-06-01T00:00:00Z');
  assert.equal(parseTime(''), null);
  assert.throws(() => parseTime('yesterday'), ProtobufError);
});

test('Duration: Go formatting and parsing', () => {
  const cases: [bigint, string][] = [
    [0n, '0s'],
    [1n, '1ns'],
    [1100n, '1.1µs'],
    [2_200_000n, '2.2ms'],
    [3_300_000_000n, '3.3s'],
    [4n * 60n * 1_000_000_000n + 5_000_000_000n, '4m5s'],
    [3600n * 1_000_000_000n, '1h0m0s'],
    [-(90n * 60n * 1_000_000_000n), '-1h30m0s'],
    [9223372036854775807n, '2562047h47m16.854775807s'],
  ];
  for (const [ns, s] of cases) {
    assert.equal(formatDuration(ns), s);
    assert.equal(parseDuration(s), ns);
  }
  assert.equal(parseDuration('1.5h'), 5400n * 1_000_000_000n);
  assert.equal(parseDuration('+10us'), 10_000n);
  assert.throws(() => parseDuration('10'), ProtobufError);
  assert.throws(() => parseDuration('1d'), /unknown unit "d"/);
  assert.throws(() => parseDuration(''), ProtobufError);
  // meta.Duration on the wire: {duration = 1 int64}
  assert.equal(decodeMessage('meta.Duration', encodeMessage('meta.Duration', '1h2m3.5s')) as unknown, '1h2m3.5s');
});

test('Quantity: syntax checked, string kept', () => {
  for (const q of ['1', '500m', '1.5Gi', '1e3', '-2', '0.5Ti', '+1']) assert.equal(checkQuantity(q), q);
  for (const q of ['', 'x', '1 Gi', '1.5 ']) assert.throws(() => checkQuantity(q), ProtobufError);
});
