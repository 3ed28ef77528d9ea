// Tests for NodePorts: host port conflicts by protocol, port and IP (0.0.0.0 overlaps every IP).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CycleState } from '../../framework/cycle-state.js';
import { PodInfo } from '../../framework/pod-info.js';
import { Code } from '../../framework/status.js';
import type { KObject } from '../../../api/strategy.js';
import { makeNode, makeNodeInfo, makePod } from '../../testing/objects.js';
import { NodePorts } from './node-ports.js';

function withPorts(name: string, ports: KObject[]): KObject {
  const p = makePod(name);
  p.spec.containers[0].ports = ports;
  return p;
}

test('NodePorts', () => {
  const cases = [
    { name: 'no host ports → Skip', existing: [{ hostPort: 80, containerPort: 80 }], wanted: [{ containerPort: 80 }], skip: true },
    { name: 'free port', existing: [{ hostPort: 80, containerPort: 80 }], wanted: [{ hostPort: 81, containerPort: 80 }], code: Code.Success },
    { name: 'same port TCP', existing: [{ hostPort: 80, containerPort: 80 }], wanted: [{ hostPort: 80, containerPort: 8080 }], code: Code.Unschedulable },
    { name: 'same port, other protocol', existing: [{ hostPort: 53, containerPort: 53, protocol: 'UDP' }], wanted: [{ hostPort: 53, containerPort: 53 }], code: Code.Success },
    { name: 'different IPs', existing: [{ hostPort: 80, containerPort: 80, hostIP: '10.0.0.1' }], wanted: [{ hostPort: 80, containerPort: 80, hostIP: '10.0.0.2' }], code: Code.Success },
    { name: '0.0.0.0 overlaps a specific IP', existing: [{ hostPort: 80, containerPort: 80, hostIP: '10.0.0.1' }], wanted: [{ hostPort: 80, containerPort: 80 }], code: Code.Unschedulable },
    { name: 'specific IP overlaps 0.0.0.0', existing: [{ hostPort: 80, containerPort: 80 }], wanted: [{ hostPort: 80, containerPort: 80, hostIP: '10.0.0.2' }], code: Code.Unschedulable },
  ];
  for (const c of cases) {
    const pl = new NodePorts();
    const pod = PodInfo.of(withPorts('p', c.wanted));
    const state = new CycleState();
    const pre = pl.preFilter(state, pod);
    if (c.skip) {
      assert.ok(pre.status.isSkip(), c.name);
      continue;
    }
    const ni = makeNodeInfo(makeNode('n'), [withPorts('existing', c.existing)]);
    const s = pl.filter(state, pod, ni);
    assert.equal(s.code, c.code, c.name);
    if (!s.isSuccess()) assert.equal(s.message(), "node(s) didn't have free ports for the requested pod ports");
  }
});

test('ports are released when the pod leaves the node', () => {
  const existing = withPorts('existing', [{ hostPort: 80, containerPort: 80 }]);
  const ni = makeNodeInfo(makeNode('n'), [existing]);
  const pod = PodInfo.of(withPorts('p', [{ hostPort: 80, containerPort: 80 }]));
  assert.equal(new NodePorts().filter(new CycleState(), pod, ni).code, Code.Unschedulable);
  ni.removePod('default/existing');
  assert.equal(new NodePorts().filter(new CycleState(), pod, ni).code, Code.Success);
});
