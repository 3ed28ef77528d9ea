// Tests for InterPodAffinity: required affinity/anti-affinity by topology domain, existing pods' anti-affinity, preferred-term scoring.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CycleState } from '../../framework/cycle-state.js';
import { PodInfo } from '../../framework/pod-info.js';
import { Code } from '../../framework/status.js';
import type { KObject } from '../../../api/strategy.js';
import type { NodeScore } from '../../framework/interfaces.js';
import { fakeHandle, filterEachNode, makeNode, makeNodeInfo, makePod } from '../../testing/objects.js';
import { InterPodAffinity } from './inter-pod-affinity.js';

const term = (app: string, topologyKey: string) => ({ labelSelector: { matchLabels: { app } }, topologyKey });

function cluster(extraOnN3: KObject[] = []) {
  return [
    makeNodeInfo(makeNode('n1', { labels: { zone: 'a' } }), [makePod('db', { labels: { app: 'db' } })]),
    makeNodeInfo(makeNode('n2', { labels: { zone: 'a' } })),
    makeNodeInfo(makeNode('n3', { labels: { zone: 'b' } }), extraOnN3),
    makeNodeInfo(makeNode('n4', { labels: { zone: 'b' } })),
  ];
}

function filterAll(podSpec: KObject, labels: Record<string, string>, nodes = cluster()): Record<string, string> {
  const pl = new InterPodAffinity(fakeHandle(nodes));
  const pod = PodInfo.of(makePod('p', { labels, spec: podSpec }));
  return filterEachNode(pl, pod, nodes);
}

const AFF = "UnschedulableAndUnresolvable: node(s) didn't match pod affinity rules";
const ANTI = "Unschedulable: node(s) didn't match pod anti-affinity rules";
const EXISTING = "Unschedulable: node(s) didn't satisfy existing pods anti-affinity rules";

test('InterPodAffinity required affinity', () => {
  assert.deepEqual(filterAll({}, { app: 'web' }), { skip: 'Skip' });
  const affinity = (app: string, key: string) => ({ affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term(app, key)] } } });
  assert.deepEqual(filterAll(affinity('db', 'zone'), { app: 'web' }), { n1: 'ok', n2: 'ok', n3: AFF, n4: AFF });
  assert.deepEqual(filterAll(affinity('db', 'kubernetes.io/hostname'), { app: 'web' }), { n1: 'ok', n2: AFF, n3: AFF, n4: AFF });
  // nothing matches anywhere: the first pod of a self-selecting group may go anywhere
  assert.deepEqual(filterAll(affinity('cache', 'zone'), { app: 'cache' }), { n1: 'ok', n2: 'ok', n3: 'ok', n4: 'ok' });
  assert.deepEqual(filterAll(affinity('cache', 'zone'), { app: 'web' }), { n1: AFF, n2: AFF, n3: AFF, n4: AFF });
  // pods in other namespaces are not selected unless the term lists them
  const otherNs = { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ ...term('db', 'zone'), namespaces: ['prod'] }] } } };
  assert.deepEqual(filterAll(otherNs, { app: 'web' }).n1, AFF);
  const allNs = { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ ...term('db', 'zone'), namespaceSelector: {} }] } } };
  assert.deepEqual(filterAll(allNs, { app: 'web' }).n1, 'ok');
});

test('InterPodAffinity required anti-affinity, the pod’s own and existing pods’', () => {
  const anti = (app: string, key: string) => ({ affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term(app, key)] } } });
  assert.deepEqual(filterAll(anti('db', 'kubernetes.io/hostname'), { app: 'web' }), { n1: ANTI, n2: 'ok', n3: 'ok', n4: 'ok' });
  assert.deepEqual(filterAll(anti('db', 'zone'), { app: 'web' }), { n1: ANTI, n2: ANTI, n3: 'ok', n4: 'ok' });
  // an existing pod on n3 refuses web pods in its zone
  const guard = makePod('guard', { labels: { app: 'guard' }, spec: anti('web', 'zone') });
  assert.deepEqual(filterAll({}, { app: 'web' }, cluster([guard])), { n1: 'ok', n2: 'ok', n3: EXISTING, n4: EXISTING });
  assert.deepEqual(filterAll({}, { app: 'api' }, cluster([guard])), { n1: 'ok', n2: 'ok', n3: 'ok', n4: 'ok' });
});

test('InterPodAffinity AddPod/RemovePod update the counts (preemption dry runs)', () => {
  const nodes = cluster();
  const pl = new InterPodAffinity(fakeHandle(nodes));
  const pod = PodInfo.of(makePod('p', { labels: { app: 'web' }, spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db', 'zone')] } } } }));
  const state = new CycleState();
  pl.preFilter(state, pod, nodes);
  assert.equal(pl.filter(state, pod, nodes[1]).code, Code.Unschedulable);
  pl.preFilterExtensions.removePod(state, pod, nodes[0].pods[0], nodes[0]);
  assert.ok(pl.filter(state, pod, nodes[1]).isSuccess());
  pl.preFilterExtensions.addPod(state, pod, PodInfo.of(makePod('db2', { labels: { app: 'db' } })), nodes[3]);
  assert.equal(pl.filter(state, pod, nodes[2]).code, Code.Unschedulable);
});

test('InterPodAffinity scores preferred terms per topology domain', () => {
  const nodes = cluster();
  const pl = new InterPodAffinity(fakeHandle(nodes));
  const pod = PodInfo.of(makePod('p', {
    labels: { app: 'web' },
    spec: { affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: term('db', 'zone') }] }, podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 5, podAffinityTerm: term('db', 'kubernetes.io/hostname') }] } } },
  }));
  const state = new CycleState();
  assert.ok(pl.preScore(state, pod).isSuccess());
  const scores: NodeScore[] = nodes.map((n) => ({ name: n.name, score: pl.score(state, pod, n) as number }));
  assert.deepEqual(scores.map((s) => s.score), [5, 10, 0, 0]);
  pl.scoreExtensions.normalizeScore(state, pod, scores);
  assert.deepEqual(scores.map((s) => s.score), [50, 100, 0, 0]);
  assert.ok(pl.preScore(new CycleState(), PodInfo.of(makePod('plain'))).isSkip());
});
