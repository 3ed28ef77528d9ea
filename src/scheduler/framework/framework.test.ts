// Tests for the framework: profile config (enable/disable/weights/args from a file), plugin order, custom plugins, extension-point semantics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CycleState } from './cycle-state.js';
import { ConfigError, loadSchedulerConfig, parseSchedulerConfig, resolveProfile, resolveProfiles } from './config.js';
import { Framework } from './framework.js';
import type { FilterPlugin, Handle, NodeScore, PreFilterPlugin, ScorePlugin } from './interfaces.js';
import type { NodeInfo } from './node-info.js';
import { PodInfo } from './pod-info.js';
import { Registry } from './registry.js';
import { Code, Status } from './status.js';
import { inTreeRegistry } from '../plugins/registry.js';
import { SchedulerCache } from '../cache.js';
import { SchedulingQueue } from '../scheduling-queue.js';
import { makeNode, makeNodeInfo, makePod } from '../testing/objects.js';

/** A custom score plugin: favours one node named in its args. */
class Favourite implements ScorePlugin {
  readonly name = 'Favourite';
  calls = 0;
  constructor(private readonly node: string) {}
  score(_s: CycleState, _p: PodInfo, ni: NodeInfo): number {
    this.calls++;
    return ni.name === this.node ? 100 : 0;
  }
}

/** A custom filter plugin: rejects nodes labelled guarded=true. */
class Guard implements FilterPlugin, PreFilterPlugin {
  readonly name = 'Guard';
  preFilter(): { status: Status } {
    return { status: Status.SUCCESS };
  }
  filter(_s: CycleState, _p: PodInfo, ni: NodeInfo): Status {
    return ni.labels.guarded === 'true' ? Status.unresolvable('node(s) are guarded') : Status.SUCCESS;
  }
}

function customRegistry(instances: { fav?: Favourite } = {}): Registry {
  return inTreeRegistry().merge(new Registry({
    Favourite: (args) => (instances.fav = new Favourite(String((args as { node?: string })?.node ?? ''))),
    Guard: () => new Guard(),
  }));
}

function frameworkFor(profileYaml: string, registry = customRegistry()): Framework {
  const cfg = parseSchedulerConfig(profileYaml);
  const cache = new SchedulerCache();
  return new Framework(resolveProfiles(cfg)[0], registry, { clientset: undefined, recorder: { event: () => undefined }, nodeInfos: cache, nominator: new SchedulingQueue(), currentPod: () => undefined });
}

const DEFAULT_FILTERS = ['NodeUnschedulable', 'NodeName', 'TaintToleration', 'NodeAffinity', 'NodePorts', 'NodeResourcesFit', 'PodTopologySpread', 'InterPodAffinity'];

test('the default profile has upstream order and weights', () => {
  const f = frameworkFor('{}');
  assert.deepEqual(f.pluginNames('filter'), DEFAULT_FILTERS);
  assert.deepEqual(f.pluginNames('preFilter'), ['NodeAffinity', 'NodePorts', 'PodTopologySpread', 'InterPodAffinity']);
  assert.deepEqual(f.pluginNames('score'), ['TaintToleration', 'NodeAffinity', 'NodeResourcesFit', 'PodTopologySpread', 'InterPodAffinity', 'NodeResourcesBalancedAllocation']);
  assert.deepEqual(Object.fromEntries(f.scoreWeights), { TaintToleration: 3, NodeAffinity: 2, NodeResourcesFit: 1, PodTopologySpread: 2, InterPodAffinity: 2, NodeResourcesBalancedAllocation: 1 });
  assert.deepEqual(f.pluginNames('postFilter'), ['DefaultPreemption']);
  assert.deepEqual(f.pluginNames('bind'), ['DefaultBinder']);
  assert.equal(f.profileName, 'default-scheduler');
});

test('a configuration file enables, disables and weights plugins and passes args', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sched-cfg-'));
  try {
    const path = join(dir, 'config.yaml');
    writeFileSync(path, `apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
percentageOfNodesToScore: 30
profiles:
- schedulerName: default-scheduler
  plugins:
    preFilter:
      enabled: [{name: Guard}]
    filter:
      disabled: [{name: NodePorts}]
      enabled: [{name: Guard}]
    score:
      disabled: [{name: NodeResourcesBalancedAllocation}]
      enabled:
      - {name: NodeResourcesFit, weight: 5}
      - {name: Favourite, weight: 7}
  pluginConfig:
  - name: Favourite
    args: {node: n2}
  - name: NodeResourcesFit
    args: {scoringStrategy: {type: MostAllocated}}
- schedulerName: quiet
  plugins:
    score:
      disabled: [{name: '*'}]
`);
    const cfg = await loadSchedulerConfig(path);
    const instances: { fav?: Favourite } = {};
    const profiles = resolveProfiles(cfg);
    assert.deepEqual(profiles.map((p) => p.schedulerName), ['default-scheduler', 'quiet']);
    const f = new Framework(profiles[0], customRegistry(instances), { clientset: undefined, recorder: { event: () => undefined }, nodeInfos: new SchedulerCache(), nominator: new SchedulingQueue(), currentPod: () => undefined });
    assert.equal(f.percentageOfNodesToScore, 30);
    assert.deepEqual(f.pluginNames('filter'), [...DEFAULT_FILTERS.filter((n) => n !== 'NodePorts'), 'Guard']);
    // an explicitly re-configured default comes first (upstream's override order), custom ones last
    assert.deepEqual(f.pluginNames('score'), ['NodeResourcesFit', 'TaintToleration', 'NodeAffinity', 'PodTopologySpread', 'InterPodAffinity', 'Favourite']);
    assert.equal(f.scoreWeights.get('NodeResourcesFit'), 5);
    assert.equal(f.scoreWeights.get('Favourite'), 7);
    assert.equal(f.scoreWeights.get('TaintToleration'), 3);

    // the custom plugins run: Guard filters, Favourite scores ×7 and wins over MostAllocated ×5
    const nodes = [makeNodeInfo(makeNode('n1'), [makePod('busy', { cpu: '3' })]), makeNodeInfo(makeNode('n2')), makeNodeInfo(makeNode('n3', { labels: { guarded: 'true' } }))];
    const pod = PodInfo.of(makePod('p', { cpu: '500m' }));
    const state = new CycleState();
    assert.ok(f.runPreFilterPlugins(state, pod, nodes).status.isSuccess());
    const feasible = nodes.filter((n) => f.runFilterPlugins(state, pod, n).isSuccess());
    assert.deepEqual(feasible.map((n) => n.name), ['n1', 'n2']);
    assert.equal(f.runFilterPlugins(state, pod, nodes[2]).plugin, 'Guard');
    assert.ok(f.runPreScorePlugins(state, pod, feasible).isSuccess());
    const { status, totals } = f.runScorePlugins(state, pod, feasible);
    assert.ok(status.isSuccess());
    assert.equal(instances.fav?.calls, 2);
    assert.ok(totals[1] > totals[0], `n2 (${totals[1]}) should beat n1 (${totals[0]})`);

    const quiet = new Framework(profiles[1], customRegistry(), { clientset: undefined, recorder: { event: () => undefined }, nodeInfos: new SchedulerCache(), nominator: new SchedulingQueue(), currentPod: () => undefined });
    assert.deepEqual(quiet.pluginNames('score'), []);
    assert.deepEqual(quiet.pluginNames('filter'), DEFAULT_FILTERS);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('multiPoint enables a custom plugin at every point it implements', () => {
  const f = frameworkFor(`profiles:
- plugins:
    multiPoint:
      enabled: [{name: Guard}, {name: Favourite, weight: 4}]
      disabled: [{name: TaintToleration}]
    filter:
      disabled: [{name: Guard}]
  pluginConfig: [{name: Favourite, args: {node: x}}]
`);
  assert.ok(f.pluginNames('preFilter').includes('Guard'));
  assert.ok(!f.pluginNames('filter').includes('Guard'));
  assert.ok(!f.pluginNames('filter').includes('TaintToleration'));
  assert.equal(f.scoreWeights.get('Favourite'), 4);
  assert.equal(f.pluginNames('score').at(-1), 'Favourite');
});

test('configuration errors', () => {
  assert.throws(() => frameworkFor('profiles: [{plugins: {filter: {enabled: [{name: Nope}]}}}]'), (e: Error) => e instanceof ConfigError && /plugin "Nope" does not exist/.test(e.message));
  assert.throws(() => frameworkFor('profiles: [{plugins: {score: {enabled: [{name: NodeUnschedulable}]}}}]'), /does not extend score plugin/);
  assert.throws(() => parseSchedulerConfig('profiles: [{}, {}]'), /Duplicate value: "default-scheduler"/);
  assert.throws(() => parseSchedulerConfig('profiles: [{plugins: {sorting: {}}}]'), /unknown extension point/);
  assert.throws(() => parseSchedulerConfig('profiles: [{plugins: {score: {enabled: [{name: X, weight: -1}]}}}]'), /weight/);
  assert.throws(() => parseSchedulerConfig('kind: Deployment'), /KubeSchedulerConfiguration/);
  assert.throws(() => parseSchedulerConfig('percentageOfNodesToScore: 150'), /range/);
  assert.throws(() => new Registry().register('A', () => new Guard()).register('A', () => new Guard()), /already exists/);
  assert.equal(resolveProfile(undefined).schedulerName, 'default-scheduler');
});

test('Skip at PreFilter skips that Filter; a throwing plugin is an Error status, not an exception', () => {
  class Thrower implements FilterPlugin {
    readonly name = 'Thrower';
    filter(): Status {
      throw new Error('boom');
    }
  }
  const reg = inTreeRegistry().merge(new Registry({ Thrower: () => new Thrower() }));
  const f = frameworkFor('profiles: [{plugins: {filter: {enabled: [{name: Thrower}]}}}]', reg);
  const state = new CycleState();
  const pod = PodInfo.of(makePod('p'));
  f.runPreFilterPlugins(state, pod, []);
  assert.ok(state.skipFilterPlugins.has('NodePorts'));
  assert.ok(!f.activeFilterPlugins(state).some((p) => p.name === 'NodePorts'));
  const s = f.runFilterPlugins(state, pod, makeNodeInfo(makeNode('n')));
  assert.equal(s.code, Code.Error);
  assert.equal(s.plugin, 'Thrower');
  assert.match(s.message(), /boom/);
});

test('an out-of-range score is an error; permit can hold a pod until allowed', async () => {
  class Wild implements ScorePlugin {
    readonly name = 'Wild';
    score(): number {
      return 1000;
    }
  }
  class Gate {
    readonly name = 'Gate';
    constructor(private readonly h: Handle) {}
    permit() {
      return { status: Status.wait('hold'), timeoutMs: 10_000 };
    }
    allow(key: string) {
      this.h.getWaitingPod(key)?.allow(this.name);
    }
  }
  let gate!: Gate;
  const reg = inTreeRegistry().merge(new Registry({ Wild: () => new Wild(), Gate: (_a, h) => (gate = new Gate(h)) }));
  const f = frameworkFor('profiles: [{plugins: {score: {disabled: [{name: "*"}], enabled: [{name: Wild}]}, permit: {enabled: [{name: Gate}]}}}]', reg);
  const pod = PodInfo.of(makePod('p'));
  const r = f.runScorePlugins(new CycleState(), pod, [makeNodeInfo(makeNode('n'))]);
  assert.equal(r.status.code, Code.Error);
  assert.match(r.status.message(), /invalid score 1000/);
  assert.ok(f.runPermitPlugins(new CycleState(), pod, 'n').isWait());
  const waiting = f.waitOnPermit(pod);
  gate.allow(pod.key);
  assert.ok((await waiting).isSuccess());
});

test('normalizing plugins see every feasible node', () => {
  const seen: string[][] = [];
  class Norm implements ScorePlugin {
    readonly name = 'Norm';
    score(_s: CycleState, _p: PodInfo, ni: NodeInfo): number {
      return ni.name.length;
    }
    readonly scoreExtensions = {
      normalizeScore: (_s: CycleState, _p: PodInfo, scores: NodeScore[]) => {
        seen.push(scores.map((x) => x.name));
        for (const x of scores) x.score *= 10;
        return Status.SUCCESS;
      },
    };
  }
  const reg = inTreeRegistry().merge(new Registry({ Norm: () => new Norm() }));
  const f = frameworkFor('profiles: [{plugins: {score: {disabled: [{name: "*"}], enabled: [{name: Norm, weight: 2}]}}}]', reg);
  const r = f.runScorePlugins(new CycleState(), PodInfo.of(makePod('p')), [makeNodeInfo(makeNode('a')), makeNodeInfo(makeNode('bbb'))]);
  assert.deepEqual(seen, [['a', 'bbb']]);
  assert.deepEqual(r.totals, [20, 60]);
});
