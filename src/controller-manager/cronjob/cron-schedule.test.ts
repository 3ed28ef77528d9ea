// Unit tests of the cron schedule parser and its next-activation search.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSchedule, rfc3339In } from './cron-schedule.js';

const T = (s: string) => Date.parse(s);
const iso = (ms: number | undefined) => (ms === undefined ? 'none' : new Date(ms).toISOString());

function nexts(spec: string, from: string, n: number, zone = 'UTC'): string[] {
  const s = parseSchedule(spec, zone);
  const out: string[] = [];
  let t: number | undefined = T(from);
  for (let i = 0; i < n && t !== undefined; i++) {
    t = s.next(t);
    out.push(iso(t));
  }
  return out;
}

test('standard fields: steps, ranges, lists, names', () => {
  assert.deepEqual(nexts('*/5 * * * *', '2024-01-01T00:00:00Z', 3), ['2024-01-01T00:05:00.000Z', '2024-01-01T00:10:00.000Z', '2024-01-01T00:15:00.000Z']);
  assert.deepEqual(nexts('0 9-17/4 * * *', '2024-01-01T10:00:00Z', 3), ['2024-01-01T13:00:00.000Z', '2024-01-01T17:00:00.000Z', '2024-01-02T09:00:00.000Z']);
  assert.deepEqual(nexts('15,45 * * JAN mon-fri', '2024-01-05T23:50:00Z', 2), ['2024-01-08T00:15:00.000Z', '2024-01-08T00:45:00.000Z']);
  assert.deepEqual(nexts('0 0 1 */3 *', '2024-01-15T00:00:00Z', 2), ['2024-04-01T00:00:00.000Z', '2024-07-01T00:00:00.000Z']);
  // a time exactly on the schedule is not its own next
  assert.deepEqual(nexts('* * * * *', '2024-01-01T00:00:00Z', 1), ['2024-01-01T00:01:00.000Z']);
  assert.deepEqual(nexts('* * * * *', '2024-01-01T00:00:30.500Z', 1), ['2024-01-01T00:01:00.000Z']);
});

test('day of month and day of week: OR unless one is *', () => {
  // the 13th, or any Friday
  assert.deepEqual(nexts('0 0 13 * 5', '2024-09-01T00:00:00Z', 3), ['2024-09-06T00:00:00.000Z', '2024-09-13T00:00:00.000Z', '2024-09-20T00:00:00.000Z']);
  // Fridays only
  assert.deepEqual(nexts('0 0 * * 5', '2024-09-01T00:00:00Z', 1), ['2024-09-06T00:00:00.000Z']);
  assert.deepEqual(nexts('0 0 29 2 *', '2024-03-01T00:00:00Z', 1), ['2028-02-29T00:00:00.000Z']);
  assert.deepEqual(nexts('0 0 30 2 *', '2024-03-01T00:00:00Z', 1), ['none']);
});

test('descriptors and @every', () => {
  assert.deepEqual(nexts('@hourly', '2024-01-01T00:30:00Z', 1), ['2024-01-01T01:00:00.000Z']);
  assert.deepEqual(nexts('@daily', '2024-01-01T00:30:00Z', 1), ['2024-01-02T00:00:00.000Z']);
  assert.deepEqual(nexts('@weekly', '2024-01-01T00:30:00Z', 1), ['2024-01-07T00:00:00.000Z']);
  assert.deepEqual(nexts('@monthly', '2024-01-01T00:30:00Z', 1), ['2024-02-01T00:00:00.000Z']);
  assert.deepEqual(nexts('@yearly', '2024-01-01T00:30:00Z', 1), ['2025-01-01T00:00:00.000Z']);
  assert.deepEqual(nexts('@every 90s', '2024-01-01T00:00:00.250Z', 2), ['2024-01-01T00:01:30.000Z', '2024-01-01T00:03:00.000Z']);
  assert.deepEqual(nexts('@every 1h30m', '2024-01-01T00:00:00Z', 1), ['2024-01-01T01:30:00.000Z']);
});

test('time zones, including daylight saving changes', () => {
  assert.deepEqual(nexts('0 9 * * *', '2024-01-01T00:30:00Z', 1, 'Asia/Tokyo'), ['2024-01-02T00:00:00.000Z']);
  assert.deepEqual(nexts('TZ=Asia/Tokyo 0 9 * * *', '2023-12-31T23:00:00Z', 1), ['2024-01-01T00:00:00.000Z']);
  // New York: 09:00 is 14:00Z in winter, 13:00Z after the March change
  assert.deepEqual(nexts('0 9 * * *', '2024-03-09T15:00:00Z', 2, 'America/New_York'), ['2024-03-10T13:00:00.000Z', '2024-03-11T13:00:00.000Z']);
  // 02:30 does not exist on 2024-03-10 in New York: it runs at 03:30 EDT
  assert.deepEqual(nexts('30 2 * * *', '2024-03-10T05:00:00Z', 1, 'America/New_York'), ['2024-03-10T07:30:00.000Z']);
  assert.equal(rfc3339In(T('2024-01-01T00:00:00Z'), 'Asia/Tokyo'), '2024-01-01T09:00:00+09:00');
  assert.equal(rfc3339In(T('2024-01-01T00:00:00Z'), undefined), '2024-01-01T00:00:00Z');
});

test('bad schedules are refused with the parser message', () => {
  assert.throws(() => parseSchedule('* * * *'), /expected exactly 5 fields, found 4/);
  assert.throws(() => parseSchedule('61 * * * *'), /end of range \(61\) above maximum \(59\)/);
  assert.throws(() => parseSchedule('@fortnightly'), /unrecognized descriptor/);
  assert.throws(() => parseSchedule('TZ=Mars/Base 0 * * * *'), /unknown time zone/);
});
