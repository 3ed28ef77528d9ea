// In-memory scheduler throughput: N nodes and M pending pods in a fake API, timing the scheduling loop until every pod is bound (pods/s).

import { pathToFileURL } from 'node:url';
import { findResource } from '../api/resources.js';
import type { SchedulerConfiguration } from './framework/config.js';
import { Scheduler } from './scheduler.js';
import { FakeCluster } from './testing/fake-cluster.js';
import { makeNode, makePod } from './testing/objects.js';

const PODS = findResource('', 'v1', 'pods')!;
const NODES = findResource('', 'v1', 'nodes')!;

export interface BenchOptions {
  nodes: number;
  pods: number;
  /** per-pod requests (default 100m / 128Mi) */
  podCpu?: string;
  podMemory?: string;
  config?: SchedulerConfiguration;
}

export interface BenchResult {
  nodes: number;
  pods: number;
  scheduled: number;
  /** from the first pop to the last binding */
  elapsedMs: number;
  podsPerSecond: number;
  /** heap used after the run, MB */
  heapMB: number;
}

/**
 * Builds the cluster in memory (zones of three, 32 cpu / 128Gi / 110 pods per node), queues
 * every pod, then runs the Scheduler (default profile) until all pods are bound. Bindings go
 * to the fake API, whose watch events confirm them, so the measured loop includes assume,
 * bind and confirm, but no HTTP.
 */
export async function runSchedulerBench(o: BenchOptions): Promise<BenchResult> {
  const cluster = new FakeCluster();
  let scheduled = 0;
  let done!: () => void;
  const allBound = new Promise<void>((r) => (done = r));
  const recorder = {
    event(_obj: unknown, _type: string, reason: string) {
      if (reason === 'Scheduled' && ++scheduled === o.pods) done();
    },
  };
  for (let i = 0; i < o.nodes; i++) cluster.create(NODES, makeNode(`node-${i}`, { cpu: '32', memory: '128Gi', pods: 110, labels: { 'topology.kubernetes.io/zone': `zone-${i % 3}` } }));
  const scheduler = new Scheduler({ clientset: cluster.clientset, informers: cluster.informers, recorder, config: o.config, log: () => undefined });
  await cluster.settle();
  for (let j = 0; j < o.pods; j++) cluster.create(PODS, makePod(`pod-${j}`, { cpu: o.podCpu ?? '100m', memory: o.podMemory ?? '128Mi' }));
  await cluster.settle();
  const ac = new AbortController();
  const start = performance.now();
  const run = scheduler.run(ac.signal);
  if (o.pods > 0) await allBound;
  const elapsedMs = performance.now() - start;
  ac.abort();
  await run;
  return { nodes: o.nodes, pods: o.pods, scheduled, elapsedMs, podsPerSecond: o.pods / (elapsedMs / 1000), heapMB: process.memoryUsage().heapUsed / 2 ** 20 };
}

// `node dist/src/scheduler/bench-fixture.js [nodes=5000] [pods=10000]`
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const nodes = Number(process.argv[2] ?? 5000);
  const pods = Number(process.argv[3] ?? 10000);
  const r = await runSchedulerBench({ nodes, pods });
  console.log(`scheduler (in memory): ${r.nodes} nodes × ${r.pods} pods: ${r.scheduled} bound in ${r.elapsedMs.toFixed(0)} ms → ${r.podsPerSecond.toFixed(0)} pods/s (target ≥ 1000: ×${(r.podsPerSecond / 1000).toFixed(2)}), heap ${r.heapMB.toFixed(0)} MB`);
}
