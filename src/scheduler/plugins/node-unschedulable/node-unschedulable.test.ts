// Tests for NodeUnschedulable: unschedulable nodes reject pods unless they tolerate the unschedulable taint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CycleState } from '../../framework/cycle-state.js';
import { PodInfo } from '../../framework/pod-info.js';
import { Code } from '../../framework/status.js';
import { makeNode, makeNodeInfo, makePod } from '../../testing/objects.js';
import { NodeUnschedulable } from './node-unschedulable.js';

test('NodeUnschedulable filter', () => {
  const cases = [
    { name: 'schedulable node', unschedulable: false, tolerations: undefined, code: Code.Success },
    { name: 'unschedulable node', unschedulable: true, tolerations: undefined, code: Code.UnschedulableAndUnresolvable },
    { name: 'tolerated by key', unschedulable: true, tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }], code: Code.Success },
    { name: 'tolerate everything', unschedulable: true, tolerations: [{ operator: 'Exists' }], code: Code.Success },
    { name: 'wrong effect', unschedulable: true, tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoExecute' }], code: Code.UnschedulableAndUnresolvable },
  ];
  const pl = new NodeUnschedulable();
  for (const c of cases) {
    const ni = makeNodeInfo(makeNode('n1', { unschedulable: c.unschedulable }));
    const pod = PodInfo.of(makePod('p', { spec: c.tolerations ? { tolerations: c.tolerations } : {} }));
    const s = pl.filter(new CycleState(), pod, ni);
    assert.equal(s.code, c.code, c.name);
    if (!s.isSuccess()) assert.deepEqual(s.reasons, ['node(s) were unschedulable']);
  }
});
