// Tests for NodeResourcesBalancedAllocation: 100 × (1 − std of cpu/memory fractions) after placing the pod.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CycleState } from '../../framework/cycle-state.js';
import { PodInfo } from '../../framework/pod-info.js';
import { makeNode, makeNodeInfo, makePod } from '../../testing/objects.js';
import { NodeResourcesBalancedAllocation } from './node-resources-balanced-allocation.js';

test('BalancedAllocation', () => {
  const pl = new NodeResourcesBalancedAllocation();
  const cases = [
    // fractions 0.25 cpu / 0.25 memory → std 0
    { name: 'balanced', existing: [], pod: { cpu: '1', memory: '2Gi' }, want: 100 },
    // 0.25 / 0.125 → std 0.0625
    { name: 'cpu heavier', existing: [], pod: { cpu: '1', memory: '1Gi' }, want: 93 },
    // existing 2 cpu / 0: 0.75 / 0.25 → std 0.25
    { name: 'existing pods count', existing: [makePod('e', { cpu: '2' })], pod: { cpu: '1', memory: '2Gi' }, want: 75 },
    // fractions cap at 1: 1 / 0 → std 0.5
    { name: 'over-committed cpu is capped', existing: [makePod('e', { cpu: '8' })], pod: { cpu: '1' }, want: 50 },
  ];
  for (const c of cases) {
    const ni = makeNodeInfo(makeNode('n', { cpu: '4', memory: '8Gi' }), c.existing);
    const p = PodInfo.of(makePod('p', c.pod));
    const state = new CycleState();
    assert.ok(pl.preScore(state, p).isSuccess(), c.name);
    assert.equal(pl.score(state, p, ni), c.want, c.name);
  }
  assert.ok(pl.preScore(new CycleState(), PodInfo.of(makePod('be'))).isSkip(), 'best-effort pods skip');
});
