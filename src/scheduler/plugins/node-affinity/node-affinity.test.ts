// Tests for NodeAffinity: nodeSelector, required terms (In/NotIn/Exists/DoesNotExist/Gt/Lt, matchFields), preferred-term scoring.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CycleState } from '../../framework/cycle-state.js';
import { PodInfo } from '../../framework/pod-info.js';
import { Code } from '../../framework/status.js';
import type { KObject } from '../../../api/strategy.js';
import type { NodeScore } from '../../framework/interfaces.js';
import { makeNode, makeNodeInfo, makePod } from '../../testing/objects.js';
import { NodeAffinity } from './node-affinity.js';

const required = (...terms: KObject[]) => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } });
const expr = (key: string, operator: string, values?: string[]) => ({ matchExpressions: [{ key, operator, ...(values ? { values } : {}) }] });

test('NodeAffinity filter', () => {
  const labels = { zone: 'a', disk: 'ssd', cores: '16' };
  const cases: { name: string; spec: KObject; ok: boolean; skip?: boolean }[] = [
    { name: 'no constraints → Skip', spec: {}, ok: true, skip: true },
    { name: 'nodeSelector match', spec: { nodeSelector: { zone: 'a' } }, ok: true },
    { name: 'nodeSelector mismatch', spec: { nodeSelector: { zone: 'b' } }, ok: false },
    { name: 'nodeSelector missing label', spec: { nodeSelector: { gpu: 'yes' } }, ok: false },
    { name: 'In', spec: required(expr('zone', 'In', ['a', 'b'])), ok: true },
    { name: 'In miss', spec: required(expr('zone', 'In', ['b'])), ok: false },
    { name: 'NotIn', spec: required(expr('zone', 'NotIn', ['b'])), ok: true },
    { name: 'NotIn miss', spec: required(expr('zone', 'NotIn', ['a'])), ok: false },
    { name: 'NotIn on absent label', spec: required(expr('gpu', 'NotIn', ['x'])), ok: true },
    { name: 'Exists', spec: required(expr('disk', 'Exists')), ok: true },
    { name: 'DoesNotExist', spec: required(expr('gpu', 'DoesNotExist')), ok: true },
    { name: 'DoesNotExist miss', spec: required(expr('disk', 'DoesNotExist')), ok: false },
    { name: 'Gt', spec: required(expr('cores', 'Gt', ['8'])), ok: true },
    { name: 'Gt miss', spec: required(expr('cores', 'Gt', ['16'])), ok: false },
    { name: 'Lt', spec: required(expr('cores', 'Lt', ['32'])), ok: true },
    { name: 'Gt on a non-integer label', spec: required(expr('zone', 'Gt', ['1'])), ok: false },
    { name: 'terms are ORed', spec: required(expr('zone', 'In', ['x']), expr('disk', 'In', ['ssd'])), ok: true },
    { name: 'expressions in a term are ANDed', spec: required({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }, { key: 'disk', operator: 'In', values: ['hdd'] }] }), ok: false },
    { name: 'empty term matches nothing', spec: required({}), ok: false },
    { name: 'matchFields metadata.name', spec: required({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }), ok: true },
    { name: 'matchFields other name', spec: required({ matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n1'] }] }), ok: false },
    { name: 'selector and affinity both apply', spec: { nodeSelector: { zone: 'b' }, ...required(expr('disk', 'Exists')) }, ok: false },
  ];
  for (const c of cases) {
    const pl = new NodeAffinity();
    const pod = PodInfo.of(makePod('p', { spec: c.spec }));
    const state = new CycleState();
    const pre = pl.preFilter(state, pod);
    if (c.skip) {
      assert.ok(pre.status.isSkip(), c.name);
      continue;
    }
    const s = pl.filter(state, pod, makeNodeInfo(makeNode('n1', { labels })));
    assert.equal(s.isSuccess(), c.ok, c.name);
    if (!c.ok) {
      assert.equal(s.code, Code.UnschedulableAndUnresolvable, c.name);
      assert.equal(s.message(), "node(s) didn't match Pod's node affinity/selector");
    }
  }
});

test('NodeAffinity PreFilter narrows nodes to matchFields names', () => {
  const pod = PodInfo.of(makePod('p', { spec: required({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1', 'n2'] }] }, { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n3'] }] }) }));
  const r = new NodeAffinity().preFilter(new CycleState(), pod);
  assert.deepEqual([...(r.result?.nodeNames ?? [])].sort(), ['n1', 'n2', 'n3']);
  const open = PodInfo.of(makePod('p', { spec: required(expr('zone', 'In', ['a'])) }));
  assert.equal(new NodeAffinity().preFilter(new CycleState(), open).result, undefined);
});

test('NodeAffinity scores preferred terms by weight, normalized', () => {
  const pl = new NodeAffinity();
  const pod = PodInfo.of(makePod('p', {
    spec: {
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 2, preference: expr('zone', 'In', ['a']) },
            { weight: 6, preference: expr('disk', 'In', ['ssd']) },
            { weight: 0, preference: expr('zone', 'Exists') },
          ],
        },
      },
    },
  }));
  const nodes = [
    makeNodeInfo(makeNode('both', { labels: { zone: 'a', disk: 'ssd' } })),
    makeNodeInfo(makeNode('zone', { labels: { zone: 'a' } })),
    makeNodeInfo(makeNode('disk', { labels: { disk: 'ssd' } })),
    makeNodeInfo(makeNode('none')),
  ];
  const state = new CycleState();
  assert.ok(pl.preScore(state, pod).isSuccess());
  const scores: NodeScore[] = nodes.map((n) => ({ name: n.name, score: pl.score(state, pod, n) as number }));
  assert.deepEqual(scores.map((s) => s.score), [8, 2, 6, 0]);
  pl.scoreExtensions.normalizeScore(state, pod, scores);
  assert.deepEqual(scores.map((s) => s.score), [100, 25, 75, 0]);
  assert.ok(pl.preScore(new CycleState(), PodInfo.of(makePod('plain'))).isSkip());
});
