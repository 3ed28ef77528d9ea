// Benchmark: the control plane on hollow nodes (real `k8ts server --disable-agent` + real `k8ts sim`):
// scheduler throughput, a 1,000-replica Deployment, and the memory of the server and the sim.
//
// Run: node dist/bench/control-plane.js [--quick] [--only sched|deploy] [--nodes 1000,5000]
//        [--heartbeat-interval 10s] [--no-wait] [--profile] [--write-results]
// --quick creates 1,000 pods instead of 10,000 in the scheduler runs; --only runs one scenario
// group; --nodes picks the node counts of the scheduler runs; --heartbeat-interval is passed to the
// sim (default: the sim's own, 10 s, the kubelet's Lease renewal); --no-wait skips waiting for a
// quiet machine; --profile starts each server with its inspector on loopback and prints its
// hottest functions during the timed phases (idle with N nodes, the pods, the Deployment);
// --write-results replaces the "Control plane" section of bench/RESULTS.md, keeping the other
// benchmarks' sections.
//
// Each scenario gets a fresh server (`--cluster-cidr 10.128.0.0/9`, so node IPAM can give
// thousands of hollow nodes a /24; pod and node addresses are never contacted) and a fresh sim:
//   sched N (N = 1,000 and 5,000 hollow nodes): wait until the sim logs "all N registered and
//     Ready" and every Node has spec.podCIDR; RSS of server and sim; 100 warm-up pods (bound and
//     Running); then 10,000 bare pods (requests cpu 10m, memory 10Mi) created at concurrency 32,
//     while a watch on their namespace timestamps the first event carrying spec.nodeName of each.
//     Throughput = pods / (last binding seen − first create sent); also creates/s alone and the
//     binding rate between the 10th and the 90th percentile of bindings (the steady part).
//     RSS again once all are Running.
//   deploy (100 hollow nodes): a Deployment of 1,000 replicas, timed from the POST to
//     status.readyReplicas = 1,000 (with the last pod created / bound / Running seen on a pod
//     watch); then scaled to 3,000 replicas for DESIGN's memory case (server ≤ 400 MB with 100
//     hollow nodes and 3,000 pods).
// The hollow kubelets report every bound pod Running (one status write per pod) and renew their
// Leases while the pods are scheduled: server, sim and this client share the machine's CPUs. Each
// scenario waits (up to 3 min) for a quiet machine, and each table ends with the CPU other
// processes took meanwhile.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, startServer, type TestServer } from '../test/helpers/server.js';
import { ApiClient, HttpError, type WatchHandle } from './lib/api-client.js';
import { formatProfile, summarizeProfile } from './lib/cpu-profile.js';
import { ForeignCpu, waitForQuiet } from './lib/foreign-cpu.js';
import { INSPECT_OPTION, InspectorProfiler, inspectorUrl } from './lib/inspector-profiler.js';
import { cpuSeconds, peakRssMiB, rssMiB } from './lib/proc-status.js';
import { markdownTable, pct, textTable, type Row } from './lib/report.js';
import { mergeSection } from './lib/results-file.js';
import { runStamp } from './lib/run-stamp.js';
import { liveSims, startSim, type SimHandle } from './lib/sim.js';

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(name);
const option = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const quick = flag('--quick');
const writeResults = flag('--write-results');
const waitQuiet = !flag('--no-wait');
const profile = flag('--profile');
const only = option('--only');
const heartbeat = option('--heartbeat-interval');
const nodeCounts = (option('--nodes') ?? '1000,5000').split(',').map(Number);
const USAGE = 'usage: node dist/bench/control-plane.js [--quick] [--only sched|deploy] [--nodes 1000,5000] [--heartbeat-interval 10s] [--no-wait] [--profile] [--write-results]';
const known = new Set(['--quick', '--write-results', '--no-wait', '--profile', '--only', '--heartbeat-interval', '--nodes']);
for (let i = 0; i < argv.length; i++) {
  if (!known.has(argv[i])) {
    console.error(`unknown argument ${argv[i]}\n${USAGE}`);
    process.exit(2);
  }
  if (['--only', '--heartbeat-interval', '--nodes'].includes(argv[i])) i++;
}
if ((only !== undefined && only !== 'sched' && only !== 'deploy') || nodeCounts.some((n) => !Number.isInteger(n) || n < 1) || (heartbeat !== undefined && !/^\d+(ms|s|m)$/.test(heartbeat))) {
  console.error(USAGE);
  process.exit(2);
}

const SIZES = {
  schedPods: quick ? 1000 : 10_000,
  warmupPods: 100,
  createConcurrency: 32,
  deployNodes: 100,
  deployReplicas: 1000,
  memoryPods: 3000,
};

// DESIGN §8 targets and upstream anchors
const SCHED_PODS_PER_S = 1000; // at 5,000 hollow nodes; kube-scheduler CI floor 680–810 pods/s
const SERVER_RSS_100_NODES_3K_PODS_MIB = 400;
/**
 * No DESIGN target for the Deployment; the upstream anchor: kube-controller-manager's client is
 * limited to 20 requests/s (burst 30) by default, so its ReplicaSet controller alone needs
 * 30 + 970/20 ≈ 50 s to create 1,000 pods.
 */
const DEPLOY_1K_ANCHOR_S = 50;

const QUIET = { maxShare: 0.1, windowMs: 5000, timeoutMs: 180_000 };
const SERVER_ARGS = ['--cluster-cidr', '10.128.0.0/9'];
const SIM_ARGS = heartbeat ? ['--heartbeat-interval', heartbeat] : [];
const SETTLE_MS = 5000;

const log = (msg: string) => process.stderr.write(`[bench/control-plane] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const n0 = (n: number) => Math.round(n).toLocaleString('en-US');
const secs = (ms: number) => ms / 1000;

// ---------------------------------------------------------------- cleanup on any exit

const liveServers = new Set<TestServer>();
process.on('exit', () => {
  for (const s of liveSims) if (s.proc.exitCode === null) try { process.kill(s.pid, 'SIGKILL'); } catch { /* gone */ }
  for (const s of liveServers) {
    if (s.proc.pid !== undefined && s.proc.exitCode === null) try { process.kill(s.proc.pid, 'SIGKILL'); } catch { /* gone */ }
    rmSync(s.dataDir, { recursive: true, force: true });
  }
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => process.exit(130));

/** With --profile, a CPU profile of the server over one phase (no-ops otherwise). */
interface PhaseProfiler { start(): Promise<void>; stop(phase: string): Promise<void> }

interface Cluster { server: TestServer; client: ApiClient; sim: SimHandle; registeredSecs: number; cidrSecs: number; profiler: PhaseProfiler }

/**
 * A fresh server and a sim of `nodes` hollow nodes, until `fn` returns; both are stopped (sim first)
 * also when it throws. Resolves once every node is registered, Ready and has a pod CIDR.
 */
async function withCluster<T>(label: string, nodes: number, fn: (c: Cluster) => Promise<T>): Promise<T> {
  const saved = process.env.NODE_OPTIONS;
  // only the server inherits it: the sim is spawned after it is restored
  if (profile) process.env.NODE_OPTIONS = `${saved ?? ''} ${INSPECT_OPTION}`.trim();
  let server: TestServer;
  try {
    server = await startServer({ extraArgs: SERVER_ARGS });
  } finally {
    if (profile) {
      if (saved === undefined) delete process.env.NODE_OPTIONS;
      else process.env.NODE_OPTIONS = saved;
    }
  }
  liveServers.add(server);
  const client = new ApiClient(server.url, server.dataDir, 64);
  let sim: SimHandle | undefined;
  let profiler: InspectorProfiler | undefined;
  try {
    if (profile) {
      const url = inspectorUrl(server.output());
      if (!url) throw new Error('--profile: the server printed no inspector address');
      profiler = await InspectorProfiler.connect(url);
    }
    const t0 = performance.now();
    log(`${label}: server up; starting k8ts sim --nodes ${n0(nodes)}${SIM_ARGS.length ? ' ' + SIM_ARGS.join(' ') : ''}`);
    sim = startSim(server.kubeconfig, nodes, SIM_ARGS);
    const registeredSecs = await sim.waitReady(20 * 60_000);
    log(`${label}: all ${n0(nodes)} hollow nodes registered and Ready (sim: ${registeredSecs.toFixed(1)} s); waiting for pod CIDRs`);
    await waitForPodCidrs(client, nodes, 5 * 60_000);
    const cidrSecs = secs(performance.now() - t0);
    const phaseProfiler = {
      start: async () => { await profiler?.start(); },
      stop: async (phase: string) => {
        if (!profiler) return;
        // kept for DevTools (Performance → load profile)
        const file = join(mkdtempSync(join(tmpdir(), 'k8ts-bench-prof-')), 'server.cpuprofile');
        await profiler.stop(file);
        log(`${label}: server CPU profile of ${phase} (${file}):\n${formatProfile(summarizeProfile(file, REPO, 25))}`);
      },
    };
    return await fn({ server, client, sim, registeredSecs, cidrSecs, profiler: phaseProfiler });
  } catch (err) {
    log(`${label}: server output (last lines):\n${server.output().trim().split('\n').slice(-20).join('\n')}`);
    if (sim) log(`${label}: sim output (last lines):\n${sim.output().trim().split('\n').slice(-20).join('\n')}`);
    throw err;
  } finally {
    profiler?.close();
    client.close();
    if (sim) {
      const code = await sim.stop();
      if (code !== 0) log(`warning: k8ts sim exited with ${code}`);
    }
    const code = await server.stop();
    liveServers.delete(server);
    if (code !== 0) log(`warning: k8ts server exited with ${code}`);
  }
}

/** Polls the node list (pages of 1,000) until `nodes` Nodes have spec.podCIDR. */
async function waitForPodCidrs(client: ApiClient, nodes: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    let withCidr = 0;
    let total = 0;
    let cont = '';
    do {
      const page = await client.json<{ items: { spec?: { podCIDR?: string } }[]; metadata: { continue?: string } }>('GET', `/api/v1/nodes?limit=1000${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
      total += page.items.length;
      withCidr += page.items.filter((n) => n.spec?.podCIDR).length;
      cont = page.metadata.continue ?? '';
    } while (cont);
    if (withCidr >= nodes) return;
    if (performance.now() > deadline) throw new Error(`only ${withCidr} of ${total} nodes have spec.podCIDR after ${timeoutMs / 1000} s`);
    await sleep(500);
  }
}

async function createNamespace(client: ApiClient, name: string): Promise<void> {
  await client.json('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

/** The store's current revision (every write to any object moves it by one). */
async function storeRevision(client: ApiClient): Promise<number> {
  return Number((await client.json<{ metadata: { resourceVersion: string } }>('GET', '/api/v1/namespaces?limit=1')).metadata.resourceVersion);
}

/** CPU time of the server, the sim and this process, and the store revision, at one moment. */
interface Usage { at: number; server: number; sim: number; self: number; rev: number }

async function usage(client: ApiClient, serverPid: number, simPid: number): Promise<Usage> {
  const rev = await storeRevision(client);
  const c = process.cpuUsage();
  return { at: performance.now(), server: cpuSeconds(serverPid), sim: cpuSeconds(simPid), self: (c.user + c.system) / 1e6, rev };
}

/** Rows for the CPU the processes used and the store writes made between two usages, per pod. */
function usageRows(what: string, a: Usage, b: Usage, pods: number): Row[] {
  const wall = secs(b.at - a.at);
  const share = (cpu: number) => `${((cpu / wall) * 100).toFixed(0)} %`;
  const writes = b.rev - a.rev;
  return [
    { measure: `server CPU per pod, ${what}`, value: ((b.server - a.server) * 1000) / pods, unit: 'ms', note: `${(b.server - a.server).toFixed(1)} s of CPU in ${wall.toFixed(1)} s = ${share(b.server - a.server)} of one CPU (the server's JavaScript runs on one); sim ${share(b.sim - a.sim)}, this client ${share(b.self - a.self)}` },
    { measure: `store writes per pod, ${what}`, value: writes / pods, unit: '', note: `${n0(writes)} revisions (${n0(writes / wall)}/s): creates, bindings, status writes, Events, Leases, controllers' writes` },
  ];
}

// ---------------------------------------------------------------- objects

const REQUESTS = { cpu: '10m', memory: '10Mi' };
const IMAGE = 'registry.k8s.io/pause:3.9';

function pod(name: string): object {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, labels: { app: 'sched-bench' } },
    spec: { containers: [{ name: 'c', image: IMAGE, resources: { requests: REQUESTS } }] },
  };
}

function deployment(name: string, replicas: number): object {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: IMAGE, resources: { requests: REQUESTS } }] } },
    },
  };
}

// ---------------------------------------------------------------- pod watch

interface PodSeen { created: number; bound?: number; running?: number; node?: string }

/**
 * Watches the pods of a namespace and timestamps, per pod, the first event that shows it, the
 * first that carries spec.nodeName, and the first with status.phase Running (arrival time, this
 * process's clock). A watch that ends early is resumed from a fresh LIST.
 */
class PodTracker {
  readonly pods = new Map<string, PodSeen>();
  bound = 0;
  running = 0;
  private handle?: WatchHandle;
  private closed = false;
  private loop?: Promise<void>;

  constructor(private readonly client: ApiClient, private readonly ns: string) {}

  async start(): Promise<void> {
    const rv = await this.relist();
    this.handle = await this.open(rv);
    this.loop = this.keepWatching();
  }

  private async open(rv: string): Promise<WatchHandle> {
    return this.client.watch(`/api/v1/namespaces/${this.ns}/pods?watch=true&resourceVersion=${rv}&timeoutSeconds=3600`, (line, at) => this.onLine(line, at));
  }

  private async keepWatching(): Promise<void> {
    while (!this.closed) {
      await this.handle!.ended;
      if (this.closed) return;
      log(`pod watch on ${this.ns} ended early; relisting`);
      this.handle = await this.open(await this.relist());
    }
  }

  private async relist(): Promise<string> {
    const list = await this.client.json<{ metadata: { resourceVersion: string }; items: any[] }>('GET', `/api/v1/namespaces/${this.ns}/pods`);
    const at = performance.now();
    for (const p of list.items) this.see(p.metadata.name, at, p.spec?.nodeName, p.status?.phase === 'Running');
    return list.metadata.resourceVersion;
  }

  private onLine(line: string, at: number): void {
    const ev = JSON.parse(line) as { type: string; object: any };
    if (ev.type !== 'ADDED' && ev.type !== 'MODIFIED') return;
    const p = ev.object;
    this.see(p.metadata.name, at, p.spec?.nodeName, p.status?.phase === 'Running');
  }

  private see(name: string, at: number, node: string | undefined, running: boolean): void {
    let p = this.pods.get(name);
    if (!p) this.pods.set(name, (p = { created: at }));
    if (node && p.bound === undefined) {
      p.bound = at;
      p.node = node;
      this.bound++;
    }
    if (running && p.running === undefined) {
      p.running = at;
      this.running++;
    }
  }

  /** Resolves when `pred` holds (checked every 10 ms); rejects after `timeoutMs` with `what`. */
  async until(pred: () => boolean, timeoutMs: number, what: () => string): Promise<number> {
    const t0 = performance.now();
    let nextLog = t0 + 10_000;
    while (!pred()) {
      const now = performance.now();
      if (now > t0 + timeoutMs) throw new Error(`timed out after ${timeoutMs / 1000} s: ${what()}`);
      if (now > nextLog) {
        log(`  … ${what()} after ${secs(now - t0).toFixed(0)} s`);
        nextLog += 10_000;
      }
      await sleep(10);
    }
    return performance.now();
  }

  times(field: 'created' | 'bound' | 'running'): number[] {
    const out: number[] = [];
    for (const p of this.pods.values()) if (p[field] !== undefined) out.push(p[field]!);
    return out.sort((a, b) => a - b);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.handle?.close();
    await this.loop;
  }
}

/** Counts Lease renewals (MODIFIED events in kube-node-lease) from now until stop(). */
class LeaseCounter {
  count = 0;
  private handle?: WatchHandle;
  private t0 = 0;
  private t1 = 0;

  constructor(private readonly client: ApiClient) {}

  async start(): Promise<void> {
    const path = '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases';
    const rv = (await this.client.json<{ metadata: { resourceVersion: string } }>('GET', `${path}?limit=1`)).metadata.resourceVersion;
    this.handle = await this.client.watch(`${path}?watch=true&resourceVersion=${rv}&timeoutSeconds=3600`, (line) => {
      if (line.startsWith('{"type":"MODIFIED"')) this.count++;
    });
    this.t0 = performance.now();
  }

  /** renewals per second since start() */
  stop(): number {
    this.t1 = performance.now();
    this.handle?.close();
    return this.count / secs(this.t1 - this.t0);
  }
}

/** Nodes whose Ready condition is not True, and nodes carrying the not-ready / unreachable taints. */
async function nodeHealth(client: ApiClient): Promise<{ notReady: number; tainted: number }> {
  let notReady = 0;
  let tainted = 0;
  let cont = '';
  do {
    const page = await client.json<{ items: any[]; metadata: { continue?: string } }>('GET', `/api/v1/nodes?limit=1000${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
    for (const n of page.items) {
      if ((n.status?.conditions ?? []).find((c: any) => c.type === 'Ready')?.status !== 'True') notReady++;
      if ((n.spec?.taints ?? []).some((t: any) => t.key === 'node.kubernetes.io/unreachable' || t.key === 'node.kubernetes.io/not-ready')) tainted++;
    }
    cont = page.metadata.continue ?? '';
  } while (cont);
  return { notReady, tainted };
}

/** The sim's Lease renewal interval in seconds (its default is the kubelet's, 10 s). */
function heartbeatSeconds(): number {
  if (!heartbeat) return 10;
  const m = /^(\d+)(ms|s|m)$/.exec(heartbeat)!;
  return Number(m[1]) * (m[2] === 'ms' ? 0.001 : m[2] === 'm' ? 60 : 1);
}

/** Rate over the middle of a sorted series of event times: events between the 10th and 90th percentile per second. */
function steadyRate(sorted: number[]): number {
  const n = sorted.length;
  const a = Math.floor(n * 0.1);
  const b = Math.max(a + 1, Math.ceil(n * 0.9) - 1);
  return ((b - a) / (sorted[b] - sorted[a])) * 1000;
}

/** `n` pod creates with `concurrency` requests in flight; any non-201 aborts the benchmark. */
async function createPods(client: ApiClient, ns: string, prefix: string, n: number, concurrency: number): Promise<{ t0: number; t1: number; lat: number[] }> {
  const bodies = Array.from({ length: n }, (_, i) => Buffer.from(JSON.stringify(pod(`${prefix}${i}`))));
  const path = `/api/v1/namespaces/${ns}/pods`;
  const lat: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let i = next++; i < n; i = next++) {
      const res = await client.request('POST', path, bodies[i]);
      if (res.status !== 201) throw new HttpError(res.status, res.body.toString(), `POST ${path} (${prefix}${i})`);
      lat.push(res.ms);
    }
  }));
  const t1 = performance.now();
  return { t0, t1, lat: lat.sort((a, b) => a - b) };
}

/** Pods of `ns` without spec.nodeName, by the server's own field selector (the authoritative check). */
async function unboundCount(client: ApiClient, ns: string): Promise<number> {
  const list = await client.json<{ items: unknown[] }>('GET', `/api/v1/namespaces/${ns}/pods?fieldSelector=${encodeURIComponent('spec.nodeName=')}`);
  return list.items.length;
}

// ---------------------------------------------------------------- scenarios

/** RSS rows, per scenario group (each group is its own subsection of RESULTS.md, so a partial run keeps the other's) */
const memSched: Row[] = [];
const memDeploy: Row[] = [];

async function schedulerRun(nodes: number, rows: Row[]): Promise<void> {
  const label = `sched ${n0(nodes)}`;
  await withCluster(label, nodes, async ({ server, client, sim, registeredSecs, cidrSecs, profiler }) => {
    const spid = server.proc.pid!;
    rows.push({ measure: `${n0(nodes)} hollow nodes registered and Ready`, value: registeredSecs, unit: 's', note: `as the sim reports it; all with spec.podCIDR ${cidrSecs.toFixed(1)} s after the sim started` });
    await profiler.start();
    const u0 = await usage(client, spid, sim.pid);
    await sleep(SETTLE_MS);
    const u1 = await usage(client, spid, sim.pid);
    await profiler.stop(`idle with ${n0(nodes)} hollow nodes (${SETTLE_MS / 1000} s)`);
    const idle = { server: rssMiB(spid), sim: rssMiB(sim.pid) };
    const idleWall = secs(u1.at - u0.at);
    rows.push({ measure: `server CPU, idle with ${n0(nodes)} hollow nodes`, value: ((u1.server - u0.server) / idleWall) * 100, unit: '% of a CPU', note: `over ${idleWall.toFixed(1)} s after registration: ${n0((u1.rev - u0.rev) / idleWall)} store writes/s (Lease renewals); sim ${(((u1.sim - u0.sim) / idleWall) * 100).toFixed(0)} %` });
    log(`${label}: idle RSS server ${idle.server.toFixed(0)} MB, sim ${idle.sim.toFixed(0)} MB`);

    await client.warm(SIZES.createConcurrency);
    await createNamespace(client, 'warmup');
    await createNamespace(client, 'bench');
    log(`${label}: warm-up: ${SIZES.warmupPods} pods until bound and Running`);
    const warm = new PodTracker(client, 'warmup');
    await warm.start();
    await createPods(client, 'warmup', 'w-', SIZES.warmupPods, 8);
    await warm.until(() => warm.running >= SIZES.warmupPods, 120_000, () => `warm-up: ${warm.bound} bound, ${warm.running} Running of ${SIZES.warmupPods}`);
    await warm.close();

    const n = SIZES.schedPods;
    const tracker = new PodTracker(client, 'bench');
    await tracker.start();
    log(`${label}: creating ${n0(n)} pods at c=${SIZES.createConcurrency}`);
    const leases = new LeaseCounter(client);
    await leases.start();
    await profiler.start();
    const ua = await usage(client, spid, sim.pid);
    const creates = await createPods(client, 'bench', 'p-', n, SIZES.createConcurrency);
    const boundAtCreatesDone = tracker.bound;
    log(`${label}: creates done in ${secs(creates.t1 - creates.t0).toFixed(1)} s (${boundAtCreatesDone} bound by then); waiting for all bindings`);
    await tracker.until(() => tracker.bound >= n, 10 * 60_000, () => `${tracker.bound} of ${n} pods bound`);
    const bound = tracker.times('bound');
    const lastBound = bound[bound.length - 1];
    const unbound = await unboundCount(client, 'bench');
    if (unbound !== 0) throw new Error(`the pod watch saw all ${n} bound, but the server lists ${unbound} without spec.nodeName`);
    log(`${label}: all bound ${secs(lastBound - creates.t0).toFixed(1)} s after the first create; waiting until all Running`);
    await tracker.until(() => tracker.running >= n, 10 * 60_000, () => `${tracker.running} of ${n} pods Running`);
    const ub = await usage(client, spid, sim.pid);
    const renewals = leases.stop();
    const health = await nodeHealth(client);
    const running = tracker.times('running');
    const lastRunning = running[running.length - 1];
    await profiler.stop(`${n0(n)} pods: first create → all Running`);
    await tracker.close();

    const perNode = new Map<string, number>();
    for (const p of tracker.pods.values()) if (p.node) perNode.set(p.node, (perNode.get(p.node) ?? 0) + 1);
    const counts = [...perNode.values()];
    const schedSecs = secs(lastBound - creates.t0);
    const createSecs = secs(creates.t1 - creates.t0);
    const steady = steadyRate(bound);
    const lagMs = [...tracker.pods.values()].map((p) => p.bound! - p.created).sort((a, b) => a - b);

    rows.push(
      { measure: `pod creates, c=${SIZES.createConcurrency} (${n0(n)})`, value: n / createSecs, unit: '/s', p50: pct(creates.lat, 50), p99: pct(creates.lat, 99), note: `creates alone, ${createSecs.toFixed(1)} s; ${n0(boundAtCreatesDone)} bound when the last create answered` },
      { measure: `scheduler throughput: first create → all ${n0(n)} bound`, value: n / schedSecs, unit: 'pods/s', target: SCHED_PODS_PER_S, higherIsBetter: true, note: `${schedSecs.toFixed(1)} s; DESIGN target at 5,000 nodes (kube-scheduler CI floor 680–810 pods/s)${nodes !== 5000 ? '; applied here too' : ''}` },
      { measure: 'bindings per second, steady part (10th–90th pct)', value: steady, unit: 'pods/s', target: SCHED_PODS_PER_S, higherIsBetter: true, note: `bound-event arrival rate on the watch; p50/p99 = watch ADDED → bound per pod (ms)`, p50: pct(lagMs, 50), p99: pct(lagMs, 99) },
      { measure: `first create → all ${n0(n)} Running`, value: secs(lastRunning - creates.t0), unit: 's', note: `hollow kubelets write each pod's status (32 writes in flight) while pods are still being scheduled` },
      ...usageRows('first create → all Running', ua, ub, n),
      { measure: 'Lease renewals, first create → all Running', value: renewals, unit: '/s', target: nodes / heartbeatSeconds(), higherIsBetter: true, note: `what ${n0(nodes)} hollow kubelets renewing every ${heartbeatSeconds()} s need; afterwards ${n0(health.notReady)} nodes not Ready, ${n0(health.tainted)} with a not-ready/unreachable taint (a Lease older than the 40 s grace period makes a node NotReady)` },
      { measure: 'most pods on one node', value: Math.max(...counts), unit: '', note: `least ${Math.min(...counts)}; ${n0(perNode.size)} of ${n0(nodes)} nodes got pods (${(n / nodes).toFixed(1)} on average)` },
    );

    await sleep(SETTLE_MS);
    const full = { server: rssMiB(spid), sim: rssMiB(sim.pid), peak: peakRssMiB(spid), simPeak: peakRssMiB(sim.pid) };
    log(`${label}: RSS after ${n0(n)} pods: server ${full.server.toFixed(0)} MB (peak ${full.peak.toFixed(0)}), sim ${full.sim.toFixed(0)} MB`);
    memSched.push(
      { measure: `server RSS, ${n0(nodes)} hollow nodes, idle`, value: idle.server, unit: 'MB', note: `after registration, ${SETTLE_MS / 1000} s settled; ${((idle.server * 1024) / nodes).toFixed(0)} KB per node all included` },
      { measure: `server RSS, ${n0(nodes)} nodes + ${n0(n + SIZES.warmupPods)} pods`, value: full.server, unit: 'MB', note: `all Running, ${SETTLE_MS / 1000} s settled; peak (VmHWM) ${full.peak.toFixed(0)} MB` },
      { measure: `sim RSS, ${n0(nodes)} hollow nodes, idle`, value: idle.sim, unit: 'MB', note: `${((idle.sim * 1024) / nodes).toFixed(0)} KB per hollow node all included` },
      { measure: `sim RSS, ${n0(nodes)} nodes + ${n0(n + SIZES.warmupPods)} pods`, value: full.sim, unit: 'MB', note: `peak (VmHWM) ${full.simPeak.toFixed(0)} MB` },
    );
  });
}

/** Watches one Deployment; resolves the time status.readyReplicas first reaches `replicas` (and observedGeneration is current). */
async function deploymentReady(client: ApiClient, ns: string, name: string): Promise<{ until(replicas: number, timeoutMs: number): Promise<number>; close(): void; last(): any }> {
  const path = `/apis/apps/v1/namespaces/${ns}/deployments`;
  const list = await client.json<{ metadata: { resourceVersion: string } }>('GET', path);
  let last: any;
  const reached = new Map<number, number>();
  const w = await client.watch(`${path}?watch=true&fieldSelector=${encodeURIComponent(`metadata.name=${name}`)}&resourceVersion=${list.metadata.resourceVersion}&timeoutSeconds=3600`, (line, at) => {
    const ev = JSON.parse(line) as { type: string; object: any };
    if (ev.type !== 'ADDED' && ev.type !== 'MODIFIED') return;
    last = ev.object;
    const ready = last.status?.readyReplicas ?? 0;
    if ((last.status?.observedGeneration ?? 0) >= last.metadata.generation && !reached.has(ready)) reached.set(ready, at);
  });
  return {
    async until(replicas, timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const at = [...reached].find(([r]) => r >= replicas)?.[1];
        if (at !== undefined) return at;
        if (performance.now() > deadline) throw new Error(`Deployment ${name}: readyReplicas ${last?.status?.readyReplicas ?? 0} of ${replicas} after ${timeoutMs / 1000} s`);
        await sleep(10);
      }
    },
    close: () => w.close(),
    last: () => last,
  };
}

async function deployRun(rows: Row[]): Promise<void> {
  const nodes = SIZES.deployNodes;
  const label = 'deploy';
  await withCluster(label, nodes, async ({ server, client, sim, registeredSecs, profiler }) => {
    const spid = server.proc.pid!;
    rows.push({ measure: `${n0(nodes)} hollow nodes registered and Ready`, value: registeredSecs, unit: 's', note: 'as the sim reports it' });
    await sleep(SETTLE_MS);
    const idle = rssMiB(spid);
    await client.warm(8);
    await createNamespace(client, 'warmup');
    await createNamespace(client, 'bench');
    log(`${label}: warm-up: a Deployment of 10 replicas`);
    const wd = await deploymentReady(client, 'warmup', 'warm');
    await client.json('POST', '/apis/apps/v1/namespaces/warmup/deployments', deployment('warm', 10));
    await wd.until(10, 120_000);
    wd.close();

    const r = SIZES.deployReplicas;
    const pods = new PodTracker(client, 'bench');
    await pods.start();
    const dep = await deploymentReady(client, 'bench', 'web');
    log(`${label}: Deployment of ${n0(r)} replicas`);
    await profiler.start();
    const ua = await usage(client, spid, sim.pid);
    const t0 = performance.now();
    await client.json('POST', '/apis/apps/v1/namespaces/bench/deployments', deployment('web', r));
    const tReady = await dep.until(r, 10 * 60_000);
    const ub = await usage(client, spid, sim.pid);
    await profiler.stop(`Deployment of ${n0(r)}: create → readyReplicas = ${n0(r)}`);
    const last = (f: 'created' | 'bound' | 'running') => { const t = pods.times(f); return secs(t[Math.min(r, t.length) - 1] - t0); };
    const created = last('created');
    const bound = last('bound');
    const running = last('running');
    const createdRate = steadyRate(pods.times('created'));
    log(`${label}: readyReplicas=${r} after ${secs(tReady - t0).toFixed(1)} s`);
    rows.push(
      { measure: `Deployment of ${n0(r)} replicas: create → readyReplicas = ${n0(r)}`, value: secs(tReady - t0), unit: 's', target: DEPLOY_1K_ANCHOR_S, higherIsBetter: false, note: 'no DESIGN target; anchor: upstream kube-controller-manager at its default client limit (20/s, burst 30) needs ≈ 50 s just to create 1,000 pods' },
      { measure: `  last of ${n0(r)} pods created (seen on the watch)`, value: created, unit: 's', note: `after the Deployment create; ${n0(createdRate)} pods/s created in the steady part (10th–90th pct)` },
      { measure: `  last of ${n0(r)} pods bound`, value: bound, unit: 's', note: 'after the Deployment create' },
      { measure: `  last of ${n0(r)} pods Running`, value: running, unit: 's', note: 'after the Deployment create; the hollow kubelet reports Running and Ready in one status write' },
      ...usageRows('create → all ready', ua, ub, r),
    );

    const m = SIZES.memoryPods;
    log(`${label}: scaling to ${n0(m)} replicas`);
    const t1 = performance.now();
    await client.json('PATCH', '/apis/apps/v1/namespaces/bench/deployments/web/scale', { spec: { replicas: m } }, 'application/merge-patch+json');
    const tReady3k = await dep.until(m, 10 * 60_000);
    dep.close();
    await pods.close();
    rows.push({ measure: `scale ${n0(r)} → ${n0(m)}: → readyReplicas = ${n0(m)}`, value: secs(tReady3k - t1), unit: 's', note: `${n0((m - r) / secs(tReady3k - t1))} pods/s` });
    await sleep(SETTLE_MS);
    const full = rssMiB(spid);
    const simFull = rssMiB(sim.pid);
    log(`${label}: RSS with ${n0(m)} pods: server ${full.toFixed(0)} MB, sim ${simFull.toFixed(0)} MB`);
    memDeploy.push(
      { measure: `server RSS, ${n0(nodes)} hollow nodes, idle`, value: idle, unit: 'MB', note: `after registration, ${SETTLE_MS / 1000} s settled` },
      { measure: `server RSS, ${n0(nodes)} hollow nodes + ${n0(m + 10)} pods`, value: full, unit: 'MB', target: SERVER_RSS_100_NODES_3K_PODS_MIB, higherIsBetter: false, note: `DESIGN §8 (kube-apiserver alone 336 MB idle; k3s server 1.4–1.6 GB); a Deployment scaled 1,000 → 3,000 (+ 10 warm-up pods), all Ready, ${SETTLE_MS / 1000} s settled; peak (VmHWM) ${peakRssMiB(spid).toFixed(0)} MB` },
      { measure: `sim RSS, ${n0(nodes)} hollow nodes + ${n0(m + 10)} pods`, value: simFull, unit: 'MB', note: `peak (VmHWM) ${peakRssMiB(sim.pid).toFixed(0)} MB` },
    );
  });
}

// ---------------------------------------------------------------- main

interface Table { heading: string; title: string; rows: Row[] }
const tables: Table[] = [];
let failed = false;

async function scenario(heading: string, title: string, fn: (rows: Row[]) => Promise<void>): Promise<void> {
  const rows: Row[] = [];
  tables.push({ heading, title, rows });
  if (waitQuiet) {
    log(`${title}: waiting (up to ${QUIET.timeoutMs / 1000} s) for other processes to use < ${QUIET.maxShare * 100} % of the CPUs for ${QUIET.windowMs / 1000} s (--no-wait skips)`);
    const q = await waitForQuiet(QUIET.maxShare, QUIET.windowMs, QUIET.timeoutMs);
    log(q.quiet ? `quiet after ${(q.waitedMs / 1000).toFixed(0)} s` : `still busy (${(q.share * 100).toFixed(0)} % of the CPUs used by others): running anyway`);
  }
  const foreign = new ForeignCpu();
  try {
    await fn(rows);
  } catch (err) {
    failed = true;
    log(`${title}: FAILED: ${(err as Error).stack ?? err}`);
    rows.push({ measure: 'FAILED', value: NaN, unit: '', note: String((err as Error).message ?? err).split('\n')[0].slice(0, 200) });
  }
  const other = foreign.stop();
  rows.push({ measure: 'CPU used by other processes meanwhile', value: other.share * 100, unit: '%', note: `of all CPUs; a noisy run if above a few %${other.top ? `; top: ${other.top}` : ''}` });
  if (other.share > 0.05) log(`warning: other processes used ${(other.share * 100).toFixed(0)} % of the machine during "${title}": figures are pessimistic`);
}

if (only !== 'deploy') {
  for (const nodes of nodeCounts) {
    await scenario(`### Scheduler throughput, ${n0(nodes)} hollow nodes`, `scheduler throughput, ${n0(nodes)} hollow nodes, ${n0(SIZES.schedPods)} pods${quick ? ' (--quick)' : ''}`, (rows) => schedulerRun(nodes, rows));
  }
}
if (only !== 'sched') {
  await scenario(`### Deployment of ${n0(SIZES.deployReplicas)} replicas, ${SIZES.deployNodes} hollow nodes`, `Deployment of ${n0(SIZES.deployReplicas)} replicas on ${SIZES.deployNodes} hollow nodes`, deployRun);
}
const memRows = [...memDeploy, ...memSched];

const { date, machine, code, command } = runStamp(REPO, 'dist/bench/control-plane.js', argv);
for (const t of tables) {
  console.log(`\n${t.title}`);
  console.log(textTable(t.rows));
}
if (memRows.length) {
  console.log('\nmemory (VmRSS of the server and sim PIDs, from the runs above)');
  console.log(textTable(memRows));
}
console.log('\nratio ≥ 1.00× means the target is met.');
console.log(`${date}; ${machine}; code ${code}; ${command}`);

if (writeResults) {
  const intro = [
    `- machine: ${machine}`,
    '- setup: per scenario a fresh real `k8ts server --disable-agent --cluster-cidr 10.128.0.0/9` (SQLite data dir in the temp dir) and a real `k8ts sim --nodes N` (hollow kubelets: Lease renewals every 10 s, each bound pod reported Running), started once the sim logged "all N registered and Ready" and every Node had spec.podCIDR; pods are bare (requests cpu 10m, memory 10Mi) created through the API at concurrency 32 over keep-alive HTTPS with the admin certificate, after 100 warm-up pods; a pod watch timestamps the first event carrying spec.nodeName of each. Server, sim and client share the CPUs. MB = MiB (VmRSS of the PID).',
    '- scheduler throughput = pods / (last binding seen − first create sent); "steady" = bindings between the 10th and 90th percentile per second. ratio ≥ 1.00× means the target is met; the last row of each table is the CPU other processes used during the run.',
  ].join('\n');
  const head = (t: string) => `\`${date}\`, code \`${code}\` (dist/ as built then), command: \`npm run build && ${command}\`${t ? '\n\n' + t : ''}`;
  const subsections = tables.map((t) => ({ heading: t.heading, body: [head(''), '', markdownTable(t.rows)].join('\n') }));
  if (memDeploy.length) subsections.push({ heading: `### Memory, ${SIZES.deployNodes} hollow nodes + ${n0(SIZES.memoryPods)} pods`, body: [head('RSS of the server and sim of the Deployment run above.'), '', markdownTable(memDeploy)].join('\n') });
  if (memSched.length) subsections.push({ heading: '### Memory, scheduler runs', body: [head('RSS of the servers and sims of the scheduler runs above.'), '', markdownTable(memSched)].join('\n') });
  mergeSection(join(REPO, 'bench/RESULTS.md'), '## Control plane', '## Control plane: bench/control-plane.ts', intro, subsections);
  log('bench/RESULTS.md updated (Control plane section)');
}
process.exitCode = failed ? 1 : 0;
