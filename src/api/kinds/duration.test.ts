// Tests for HumanDuration / ShortHumanDuration and timestamp ages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanDuration, shortHumanDuration, translateTimestampSince } from './duration.js';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

test('HumanDuration', () => {
  const cases: [number, string][] = [
    [-2 * s, '<invalid>'], [-1500, '0s'], [0, '0s'], [90 * s, '90s'], [119 * s, '119s'], [2 * m, '2m'], [5 * m + 30 * s, '5m30s'],
    [9 * m + 59 * s, '9m59s'], [10 * m, '10m'], [179 * m, '179m'], [3 * h, '3h'], [3 * h + 20 * m, '3h20m'], [7 * h + 59 * m, '7h59m'],
    [8 * h, '8h'], [47 * h, '47h'], [48 * h, '2d'], [2 * d + 3 * h, '2d3h'], [7 * d + 23 * h, '7d23h'], [8 * d, '8d'], [729 * d, '729d'],
    [730 * d, '2y'], [731 * d, '2y1d'], [8 * 365 * d, '8y'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `${ms}ms`);
});

test('ShortHumanDuration', () => {
  const cases: [number, string][] = [[-2 * s, '<invalid>'], [59 * s, '59s'], [90 * s, '1m'], [59 * m, '59m'], [5 * h, '5h'], [3 * d, '3d'], [400 * d, '1y']];
  for (const [ms, want] of cases) assert.equal(shortHumanDuration(ms), want, `${ms}ms`);
});

test('ages from timestamps', () => {
  const now = new Date('2024-05-01T12:00:00Z');
  assert.equal(translateTimestampSince('2024-05-01T11:58:30Z', now), '90s');
  assert.equal(translateTimestampSince(undefined, now), '<unknown>');
  assert.equal(translateTimestampSince('garbage', now), '<unknown>');
});
