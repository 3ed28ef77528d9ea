// Tests for label and field selector parsing (including upstream's error messages), matching and printing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  fieldSelectorExactMatch, formatLabelSelector, formatLabels, labelSelectorFromSpec, labelSelectorToString, matchFieldSelector,
  matchLabelSelector, parseFieldSelector, parseLabelSelector, selectorFromSet, unsupportedFieldLabel,
} from './labels.js';

const parse = (s: string) => parseLabelSelector(s);
const matches = (s: string, labels: Record<string, string>) => matchLabelSelector(parse(s), labels);

test('equality-based selectors', () => {
  assert.ok(matches('app=web', { app: 'web' }));
  assert.ok(matches('app==web', { app: 'web', x: 'y' }));
  assert.ok(!matches('app=web', { app: 'db' }));
  assert.ok(!matches('app=web', {}));
  assert.ok(matches('app!=web', { app: 'db' }));
  assert.ok(matches('app!=web', {}));
  assert.ok(matches('app=web,tier=front', { app: 'web', tier: 'front' }));
  assert.ok(!matches('app=web,tier=front', { app: 'web' }));
  assert.ok(matches('app=', { app: '' }));
  assert.ok(matches(' app = web ', { app: 'web' }));
});

test('set-based and existence selectors', () => {
  assert.ok(matches('env in (prod, qa)', { env: 'qa' }));
  assert.ok(!matches('env in (prod,qa)', { env: 'dev' }));
  assert.ok(matches('env notin (prod)', { env: 'dev' }));
  assert.ok(matches('env notin (prod)', {}));
  assert.ok(matches('env', { env: '' }));
  assert.ok(!matches('env', {}));
  assert.ok(matches('!env', {}));
  assert.ok(!matches('!env', { env: 'x' }));
  assert.ok(matches('x in (foo,,baz),y,z notin ()', { x: '', y: 'a' }));
  assert.ok(matches('n>5', { n: '7' }));
  assert.ok(!matches('n<5', { n: '7' }));
  assert.ok(matches('', { a: 'b' }));
});

test('parsed selectors print as upstream', () => {
  assert.equal(labelSelectorToString(parse('tier=front,app=web')), 'app=web,tier=front');
  assert.equal(labelSelectorToString(parse('env in (qa,prod), !x')), 'env in (prod,qa),!x');
  assert.equal(labelSelectorToString(parse('a notin (b), c')), 'a notin (b),c');
});

test('label selector errors', () => {
  assert.throws(() => parse('a b'), { message: "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt" });
  assert.throws(() => parse('a=b,'), { message: "found '', expected: identifier after ','" });
  assert.throws(() => parse('a in b'), { message: "unable to parse requirement: found 'b' expected: '('" });
  assert.throws(() => parse('a in (b'), { message: "unable to parse requirement: found '', expected: ',' or ')'" });
  assert.throws(() => parse('=a'), { message: "found '=', expected: !, identifier, or 'end of string'" });
  assert.throws(() => parse('a=b c'), { message: "found 'c', expected: ',' or 'end of string'" });
  assert.throws(() => parse('a>b'), { message: `unable to parse requirement: values[0]: Invalid value: "b": for 'Gt', 'Lt' operators, the value must be an integer` });
  assert.throws(() => parse('Foo_/x=y'), (e: Error) => e.message.startsWith('unable to parse requirement: <nil>: Invalid value: "Foo_/x": prefix part a lowercase RFC 1123 subdomain'));
  assert.throws(() => parse('a=b c d'), { message: "found 'c', expected: ',' or 'end of string'" });
  assert.throws(() => parse('a=$$$'), (e: Error) => e.message.startsWith('unable to parse requirement: values[0][a]: Invalid value: "$$$": a valid label must be an empty string'));
});

test('label selectors from specs', () => {
  const sel = labelSelectorFromSpec({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'qa'] }, { key: 'x', operator: 'DoesNotExist' }] });
  assert.ok(matchLabelSelector(sel, { app: 'web', env: 'qa' }));
  assert.ok(!matchLabelSelector(sel, { app: 'web', env: 'qa', x: '1' }));
  assert.equal(labelSelectorToString(sel), 'app=web,env in (prod,qa),!x');
  // nil selects nothing, empty selects everything
  assert.ok(!matchLabelSelector(labelSelectorFromSpec(undefined), {}));
  assert.ok(matchLabelSelector(labelSelectorFromSpec({}), { a: 'b' }));
  assert.throws(() => labelSelectorFromSpec({ matchExpressions: [{ key: 'a', operator: 'Foo' }] }), { message: '"Foo" is not a valid label selector operator' });
  assert.equal(formatLabelSelector(undefined), '<none>');
  assert.equal(formatLabelSelector({ matchLabels: { b: '2', a: '1' } }), 'a=1,b=2');
  assert.equal(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Foo' }] }), '<error>');
  assert.equal(formatLabels({ b: '2', a: '1' }), 'a=1,b=2');
  assert.equal(formatLabels({}), '<none>');
  assert.ok(matchLabelSelector(selectorFromSet({ app: 'x' }), { app: 'x', other: 'y' }));
});

test('field selectors', () => {
  const sel = parseFieldSelector('spec.nodeName=n1,status.phase!=Failed');
  assert.ok(matchFieldSelector(sel, { 'spec.nodeName': 'n1', 'status.phase': 'Running' }));
  assert.ok(!matchFieldSelector(sel, { 'spec.nodeName': 'n1', 'status.phase': 'Failed' }));
  assert.ok(matchFieldSelector(parseFieldSelector('spec.nodeName=='), { 'spec.nodeName': '' }));
  assert.ok(matchFieldSelector(parseFieldSelector('spec.nodeName='), {}));
  assert.equal(fieldSelectorExactMatch(sel, 'spec.nodeName'), 'n1');
  assert.equal(fieldSelectorExactMatch(sel, 'status.phase'), undefined);
  assert.ok(matchFieldSelector(parseFieldSelector('metadata.name=a\\,b'), { 'metadata.name': 'a,b' }));
  assert.throws(() => parseFieldSelector('foo'), { message: "invalid selector: 'foo'; can't understand 'foo'" });
  assert.throws(() => parseFieldSelector('a=b\\x'), { message: 'invalid field selector: invalid escape sequence: \\x' });
  assert.throws(() => parseFieldSelector('a=b=c'), { message: 'invalid field selector: unescaped character in value: 61' });
  assert.equal(unsupportedFieldLabel(sel, ['spec.nodeName']), 'field label not supported: status.phase');
  assert.equal(unsupportedFieldLabel(sel, ['spec.nodeName', 'status.phase']), null);
});
