// Tests for NodeName: a pod naming a node fits only that node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CycleState } from '../../framework/cycle-state.js';
import { PodInfo } from '../../framework/pod-info.js';
import { Code } from '../../framework/status.js';
import { makeNode, makeNodeInfo, makePod } from '../../testing/objects.js';
import { NodeName } from './node-name.js';

test('NodeName filter', () => {
  const cases = [
    { name: 'no nodeName', nodeName: undefined, code: Code.Success },
    { name: 'same node', nodeName: 'n1', code: Code.Success },
    { name: 'other node', nodeName: 'n2', code: Code.UnschedulableAndUnresolvable },
  ];
  for (const c of cases) {
    const s = new NodeName().filter(new CycleState(), PodInfo.of(makePod('p', { nodeName: c.nodeName })), makeNodeInfo(makeNode('n1')));
    assert.equal(s.code, c.code, c.name);
    if (!s.isSuccess()) assert.equal(s.message(), "node(s) didn't match the requested node name");
  }
});
