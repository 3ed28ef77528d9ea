// Tests for quantity parsing, canonical form, comparison and arithmetic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Quantity, parseQuantity, canonicalQuantity, addResourceLists, ERR_FORMAT_WRONG, ERR_SUFFIX } from './quantity.js';

test('canonical round-trips as upstream serializes', () => {
  const cases: [string, string][] = [
    ['0', '0'], ['100m', '100m'], ['1000m', '1'], ['1500m', '1500m'], ['0.5', '500m'], ['1.5', '1500m'],
    ['1', '1'], ['10', '10'], ['1000', '1k'], ['1500', '1500'], ['2000000', '2M'], ['1k', '1k'],
    ['1Gi', '1Gi'], ['1024Mi', '1Gi'], ['1536Mi', '1536Mi'], ['100Ki', '100Ki'], ['1024', '1024'],
    ['512', '512'], ['0.5Gi', '512Mi'], ['1Ki', '1Ki'], ['1023', '1023'], ['128974848', '128974848'],
    ['129e6', '129e6'], ['1e3', '1e3'], ['1E3', '1e3'], ['1.5e3', '1500'], ['12e6', '12e6'],
    ['0.1', '100m'], ['0.001', '1m'], ['0.0001', '100u'], ['1n', '1n'], ['0.1n', '1n'],
    ['-1', '-1'], ['-100m', '-100m'], ['+5', '5'], ['05', '5'], ['1.', '1'], ['.5', '500m'],
    ['123Mi', '123Mi'], ['0Ki', '0'], ['1.0001Ki', '1024102400u'], ['10M', '10M'], ['1E', '1E'],
    ['100Gi', '100Gi'], ['250m', '250m'], ['2', '2'], ['64Mi', '64Mi'], ['5Gi', '5Gi'],
  ];
  for (const [input, want] of cases) {
    assert.equal(parseQuantity(input).toString(), want, input);
    // canonical form is a fixed point
    assert.equal(parseQuantity(want).toString(), want, `${input} again`);
  }
});

test('numbers are accepted like unquoted JSON numbers', () => {
  assert.equal(parseQuantity(1).toString(), '1');
  assert.equal(parseQuantity(0.5).toString(), '500m');
  assert.equal(parseQuantity(2048).toString(), '2048');
});

test('errors use upstream messages', () => {
  assert.throws(() => parseQuantity(''), { message: ERR_FORMAT_WRONG });
  assert.throws(() => parseQuantity('1.2.3'), { message: ERR_FORMAT_WRONG });
  assert.throws(() => parseQuantity('abc'), { message: ERR_FORMAT_WRONG });
  assert.throws(() => parseQuantity('1x'), { message: ERR_FORMAT_WRONG });
  assert.throws(() => parseQuantity('1Gb'), { message: ERR_FORMAT_WRONG });
  assert.throws(() => parseQuantity('1e'), { message: ERR_SUFFIX });
  assert.throws(() => parseQuantity('1KiB'), { message: ERR_FORMAT_WRONG });
  assert.throws(() => parseQuantity('1mi'), { message: ERR_SUFFIX });
  assert.equal(Quantity.tryParse('nope'), undefined);
  assert.equal(canonicalQuantity('nope'), 'nope');
  assert.equal(canonicalQuantity('2000m'), '2');
});

test('compare, add, values', () => {
  assert.equal(parseQuantity('1').cmp(parseQuantity('1000m')), 0);
  assert.equal(parseQuantity('1Gi').cmp(parseQuantity('1G')), 1);
  assert.equal(parseQuantity('100m').cmp(parseQuantity('0.2')), -1);
  assert.equal(parseQuantity('100m').add(parseQuantity('900m')).toString(), '1');
  assert.equal(parseQuantity('1Gi').add(parseQuantity('1Gi')).toString(), '2Gi');
  assert.equal(Quantity.zero().add(parseQuantity('1Mi')).toString(), '1Mi');
  assert.equal(parseQuantity('1Gi').sub(parseQuantity('512Mi')).toString(), '512Mi');
  assert.equal(parseQuantity('1.5').milliValue(), 1500);
  assert.equal(parseQuantity('1500m').value(), 2);
  assert.equal(parseQuantity('1Ki').value(), 1024);
  assert.equal(parseQuantity('1n').milliValue(), 1);
  assert.equal(Quantity.fromMilli(250).toString(), '250m');
  assert.deepEqual(addResourceLists({ cpu: '100m' }, { cpu: '900m', memory: '1Gi' }), { cpu: '1', memory: '1Gi' });
});
