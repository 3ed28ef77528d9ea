// Tests for TaintToleration: NoSchedule/NoExecute filtering with upstream's toleration rules; PreferNoSchedule scoring (reversed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CycleState } from '../../framework/cycle-state.js';
import { PodInfo } from '../../framework/pod-info.js';
import { Code } from '../../framework/status.js';
import type { NodeScore } from '../../framework/interfaces.js';
import { makeNode, makeNodeInfo, makePod } from '../../testing/objects.js';
import { TaintToleration } from './taint-toleration.js';

test('TaintToleration filter', () => {
  const cases = [
    { name: 'no taints', taints: [], tolerations: [], code: Code.Success },
    { name: 'untolerated NoSchedule', taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }], tolerations: [], code: Code.UnschedulableAndUnresolvable, msg: 'node(s) had untolerated taint {dedicated: gpu}' },
    { name: 'Equal toleration', taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }], tolerations: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }], code: Code.Success },
    { name: 'Equal with other value', taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }], tolerations: [{ key: 'dedicated', value: 'cpu' }], code: Code.UnschedulableAndUnresolvable },
    { name: 'Exists any value, empty effect', taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoExecute' }], tolerations: [{ key: 'dedicated', operator: 'Exists' }], code: Code.Success },
    { name: 'untolerated NoExecute', taints: [{ key: 'k', effect: 'NoExecute' }], tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }], code: Code.UnschedulableAndUnresolvable, msg: 'node(s) had untolerated taint {k: }' },
    { name: 'PreferNoSchedule does not filter', taints: [{ key: 'k', effect: 'PreferNoSchedule' }], tolerations: [], code: Code.Success },
    { name: 'tolerate everything', taints: [{ key: 'a', effect: 'NoSchedule' }, { key: 'b', value: 'x', effect: 'NoExecute' }], tolerations: [{ operator: 'Exists' }], code: Code.Success },
  ];
  for (const c of cases) {
    const s = new TaintToleration().filter(new CycleState(), PodInfo.of(makePod('p', { spec: { tolerations: c.tolerations } })), makeNodeInfo(makeNode('n', { taints: c.taints })));
    assert.equal(s.code, c.code, c.name);
    if (c.msg) assert.equal(s.message(), c.msg, c.name);
  }
});

test('TaintToleration scores fewer intolerable PreferNoSchedule taints higher', () => {
  const pl = new TaintToleration();
  const nodes = [
    makeNodeInfo(makeNode('clean')),
    makeNodeInfo(makeNode('one', { taints: [{ key: 'a', effect: 'PreferNoSchedule' }] })),
    makeNodeInfo(makeNode('two', { taints: [{ key: 'a', effect: 'PreferNoSchedule' }, { key: 'b', effect: 'PreferNoSchedule' }] })),
    makeNodeInfo(makeNode('tolerated', { taints: [{ key: 'c', effect: 'PreferNoSchedule' }] })),
  ];
  const pod = PodInfo.of(makePod('p', { spec: { tolerations: [{ key: 'c', operator: 'Exists', effect: 'PreferNoSchedule' }] } }));
  const state = new CycleState();
  assert.ok(pl.preScore(state, pod).isSuccess());
  const scores: NodeScore[] = nodes.map((n) => ({ name: n.name, score: pl.score(state, pod, n) as number }));
  assert.deepEqual(scores.map((s) => s.score), [0, 1, 2, 0]);
  pl.scoreExtensions.normalizeScore(state, pod, scores);
  assert.deepEqual(scores.map((s) => s.score), [100, 50, 0, 100]);
});
