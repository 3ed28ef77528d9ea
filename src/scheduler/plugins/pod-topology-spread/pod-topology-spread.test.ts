// Tests for PodTopologySpread: skew filtering per domain (hostname, zone), inclusion policies, minDomains, and ScheduleAnyway scoring.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CycleState } from '../../framework/cycle-state.js';
import { PodInfo } from '../../framework/pod-info.js';
import { Code } from '../../framework/status.js';
import type { KObject } from '../../../api/strategy.js';
import type { NodeScore } from '../../framework/interfaces.js';
import { fakeHandle, filterEachNode, makeNode, makeNodeInfo, makePod } from '../../testing/objects.js';
import { PodTopologySpread } from './pod-topology-spread.js';

const web = (name: string, ns = 'default') => makePod(name, { namespace: ns, labels: { app: 'web' } });

function cluster() {
  return [
    makeNodeInfo(makeNode('n1', { labels: { zone: 'a', disk: 'ssd' } }), [web('w1'), web('w2'), web('other-ns', 'prod')]),
    makeNodeInfo(makeNode('n2', { labels: { zone: 'a' } })),
    makeNodeInfo(makeNode('n3', { labels: { zone: 'b', disk: 'ssd' } })),
    makeNodeInfo(makeNode('n4', { labels: { zone: 'b' } }), [makePod('db', { labels: { app: 'db' } })]),
    makeNodeInfo(makeNode('nozone')),
  ];
}

function constraint(topologyKey: string, extra: KObject = {}): KObject {
  return { maxSkew: 1, topologyKey, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } }, ...extra };
}

function filterAll(spec: KObject, nodes = cluster()): Record<string, string> {
  const pl = new PodTopologySpread(fakeHandle(nodes));
  const pod = PodInfo.of(makePod('p', { labels: { app: 'web' }, spec }));
  return filterEachNode(pl, pod, nodes);
}

const SKEW = "Unschedulable: node(s) didn't match pod topology spread constraints";
const MISSING = "UnschedulableAndUnresolvable: node(s) didn't match pod topology spread constraints (missing required label)";

test('PodTopologySpread filter by zone and by hostname', () => {
  assert.deepEqual(filterAll({}), { skip: 'Skip' });
  // zone a holds 2 web pods (the prod one is another namespace), zone b none
  assert.deepEqual(filterAll({ topologySpreadConstraints: [constraint('zone')] }), { n1: SKEW, n2: SKEW, n3: 'ok', n4: 'ok', nozone: MISSING });
  assert.deepEqual(filterAll({ topologySpreadConstraints: [constraint('kubernetes.io/hostname')] }), { n1: SKEW, n2: 'ok', n3: 'ok', n4: 'ok', nozone: 'ok' });
  // maxSkew 3 allows zone a
  assert.deepEqual(filterAll({ topologySpreadConstraints: [constraint('zone', { maxSkew: 3 })] }).n1, 'ok');
  // ScheduleAnyway constraints do not filter
  assert.deepEqual(filterAll({ topologySpreadConstraints: [constraint('zone', { whenUnsatisfiable: 'ScheduleAnyway' })] }), { skip: 'Skip' });
});

test('PodTopologySpread honours node affinity when counting and minDomains', () => {
  // only ssd nodes count: n1 (zone a, 2 pods) and n3 (zone b, 0): same outcome; then with n3 excluded the min is zone a's own count
  assert.equal(filterAll({ nodeSelector: { disk: 'ssd' }, topologySpreadConstraints: [constraint('zone')] }).n3, 'ok');
  const nodes = cluster().filter((n) => n.name !== 'n3' && n.name !== 'n4');
  // only zone a exists: skew = 2 + 1 − 2 = 1
  assert.equal(filterAll({ topologySpreadConstraints: [constraint('zone')] }, nodes).n1, 'ok');
  // minDomains 2 with a single domain: the global minimum counts as 0
  assert.equal(filterAll({ topologySpreadConstraints: [constraint('zone', { minDomains: 2 })] }, nodes).n1, SKEW);
});

test('PodTopologySpread AddPod/RemovePod update counts', () => {
  const nodes = cluster();
  const pl = new PodTopologySpread(fakeHandle(nodes));
  const pod = PodInfo.of(makePod('p', { labels: { app: 'web' }, spec: { topologySpreadConstraints: [constraint('zone')] } }));
  const state = new CycleState();
  pl.preFilter(state, pod, nodes);
  assert.ok(pl.filter(state, pod, nodes[2]).isSuccess());
  const added = PodInfo.of(web('w3'));
  pl.preFilterExtensions.addPod(state, pod, added, nodes[2]);
  pl.preFilterExtensions.addPod(state, pod, added, nodes[3]);
  // zone b now 2, zone a 2 → every zoned node is fine
  assert.ok(pl.filter(state, pod, nodes[0]).isSuccess());
  pl.preFilterExtensions.removePod(state, pod, PodInfo.of(web('w1')), nodes[0]);
  pl.preFilterExtensions.removePod(state, pod, PodInfo.of(web('w2')), nodes[0]);
  assert.equal(pl.filter(state, pod, nodes[2]).code, Code.Unschedulable);
});

test('PodTopologySpread scores ScheduleAnyway constraints (fewer matching pods is better)', () => {
  const nodes = [
    makeNodeInfo(makeNode('n1'), [web('a'), web('b')]),
    makeNodeInfo(makeNode('n2'), [web('c')]),
    makeNodeInfo(makeNode('n3')),
    makeNodeInfo(makeNode('x', { labels: { 'kubernetes.io/hostname': '' } })),
  ];
  // a node without the key is ignored (score 0)
  delete nodes[3].labels['kubernetes.io/hostname'];
  const pl = new PodTopologySpread(fakeHandle(nodes));
  const pod = PodInfo.of(makePod('p', { labels: { app: 'web' }, spec: { topologySpreadConstraints: [constraint('kubernetes.io/hostname', { whenUnsatisfiable: 'ScheduleAnyway' })] } }));
  const state = new CycleState();
  assert.ok(pl.preScore(state, pod, nodes).isSuccess());
  const scores: NodeScore[] = nodes.map((n) => ({ name: n.name, score: pl.score(state, pod, n) as number }));
  // 2·ln(5) ≈ 3.2 → 3, ln(5) ≈ 1.6 → 2, 0
  assert.deepEqual(scores.map((s) => s.score), [3, 2, 0, 0]);
  pl.scoreExtensions.normalizeScore(state, pod, scores);
  assert.deepEqual(scores.map((s) => s.score), [0, 33, 100, 0]);
});
