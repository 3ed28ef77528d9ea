// Tests for NodeResourcesFit: insufficient-resource reasons (init containers, overhead, extended resources, pod count) and allocation scoring.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CycleState } from '../../framework/cycle-state.js';
import { PodInfo } from '../../framework/pod-info.js';
import { Code } from '../../framework/status.js';
import type { KObject } from '../../../api/strategy.js';
import { makeNode, makeNodeInfo, makePod } from '../../testing/objects.js';
import { NodeResourcesFit } from './node-resources-fit.js';

function pod(spec: KObject, cpu?: string, memory?: string): PodInfo {
  return PodInfo.of(makePod('p', { cpu, memory, spec }));
}

test('NodeResourcesFit filter', () => {
  // node: 4 cpu, 8Gi, 3 pods; one existing pod uses 1 cpu / 2Gi
  const existing = makePod('e', { cpu: '1', memory: '2Gi' });
  const cases: { name: string; pod: PodInfo; reasons: string[]; node?: KObject }[] = [
    { name: 'fits', pod: pod({}, '3', '6Gi'), reasons: [] },
    { name: 'cpu', pod: pod({}, '3100m', '1Gi'), reasons: ['Insufficient cpu'] },
    { name: 'cpu and memory', pod: pod({}, '4', '7Gi'), reasons: ['Insufficient cpu', 'Insufficient memory'] },
    { name: 'best effort fits anywhere with room for a pod', pod: pod({}), reasons: [] },
    {
      name: 'init container max rule: the larger init container counts',
      pod: pod({ initContainers: [{ name: 'i', image: 'x', resources: { requests: { cpu: '3500m' } } }] }, '100m'),
      reasons: ['Insufficient cpu'],
    },
    {
      name: 'init container smaller than the containers',
      pod: pod({ initContainers: [{ name: 'i', image: 'x', resources: { requests: { cpu: '2' } } }] }, '3'),
      reasons: [],
    },
    {
      name: 'sidecar init containers add to the containers',
      pod: pod({ initContainers: [{ name: 's', image: 'x', restartPolicy: 'Always', resources: { requests: { cpu: '1' } } }] }, '2500m'),
      reasons: ['Insufficient cpu'],
    },
    { name: 'pod overhead counts', pod: pod({ overhead: { cpu: '500m' } }, '2600m'), reasons: ['Insufficient cpu'] },
    {
      name: 'extended resource missing on node',
      pod: PodInfo.of({ ...makePod('p'), spec: { containers: [{ name: 'c', image: 'x', resources: { requests: { 'nvidia.com/gpu': '1' } } }] } }),
      reasons: ['Insufficient nvidia.com/gpu'],
    },
    {
      name: 'extended resource present',
      pod: PodInfo.of({ ...makePod('p'), spec: { containers: [{ name: 'c', image: 'x', resources: { requests: { 'nvidia.com/gpu': '1' } } }] } }),
      reasons: [],
      node: makeNode('n', { cpu: '4', memory: '8Gi', pods: 3, extra: { 'nvidia.com/gpu': '2' } }),
    },
    { name: 'ephemeral storage', pod: pod({ containers: [{ name: 'c', image: 'x', resources: { requests: { 'ephemeral-storage': '20Gi' } } }] }), reasons: ['Insufficient ephemeral-storage'], node: makeNode('n', { cpu: '4', memory: '8Gi', pods: 3, ephemeralStorage: '10Gi' }) },
    { name: 'too many pods', pod: pod({}, '100m'), reasons: ['Too many pods', 'Insufficient cpu'], node: makeNode('n', { cpu: '1', memory: '8Gi', pods: 1 }) },
  ];
  for (const c of cases) {
    const ni = makeNodeInfo(c.node ?? makeNode('n', { cpu: '4', memory: '8Gi', pods: 3 }), [existing]);
    const s = new NodeResourcesFit().filter(new CycleState(), c.pod, ni);
    assert.deepEqual([...s.reasons], c.reasons, c.name);
    assert.equal(s.code, c.reasons.length ? Code.Unschedulable : Code.Success, c.name);
  }
});

test('NodeResourcesFit scores LeastAllocated by default and MostAllocated on request', () => {
  const empty = makeNodeInfo(makeNode('empty', { cpu: '4', memory: '8Gi' }));
  const half = makeNodeInfo(makeNode('half', { cpu: '4', memory: '8Gi' }), [makePod('e', { cpu: '1', memory: '2Gi' })]);
  const p = PodInfo.of(makePod('p', { cpu: '1', memory: '2Gi' }));
  const least = new NodeResourcesFit();
  assert.equal(least.score(new CycleState(), p, empty), 75);
  assert.equal(least.score(new CycleState(), p, half), 50);
  // requests left unset count as 100m cpu and 200Mi memory
  const bestEffort = PodInfo.of(makePod('be'));
  assert.equal(least.score(new CycleState(), bestEffort, empty), Math.trunc((97 + Math.trunc(((8192 - 200) * 100) / 8192)) / 2));
  const weighted = new NodeResourcesFit({ scoringStrategy: { type: 'LeastAllocated', resources: [{ name: 'cpu', weight: 3 }, { name: 'memory', weight: 1 }] } });
  const cpuHeavy = makeNodeInfo(makeNode('c', { cpu: '4', memory: '8Gi' }), [makePod('e', { cpu: '2', memory: '0' })]);
  // cpu (4-3)/4 → 25 ×3, memory (8-2)/8 → 75 ×1 → 150/4
  assert.equal(weighted.score(new CycleState(), p, cpuHeavy), 37);
  const most = new NodeResourcesFit({ scoringStrategy: { type: 'MostAllocated' } });
  assert.equal(most.score(new CycleState(), p, empty), 25);
  assert.equal(most.score(new CycleState(), p, half), 50);
  assert.throws(() => new NodeResourcesFit({ scoringStrategy: { type: 'Bogus' as 'LeastAllocated' } }), /Unsupported value/);
});
