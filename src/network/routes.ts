// Node routes for the pod network (host-gw): safety routes for the cluster and service CIDRs plus a route to every peer node's pod CIDR, planned as a diff of `ip -j route` and applied with `ip -batch`.
import { runInNetns } from './netns.js';
import { canonicalCidr, cidrContains, cidrContainsIp, cidrsOverlap, formatCidr, parseIpv4, parseIpv4Cidr, type Ipv4Cidr } from './ipv4-cidr.js';

/** Routing protocol number marking the routes k8ts owns (`proto 107`, 'k'): only these are ever removed. */
export const K8TS_ROUTE_PROTO = 107;

export interface PeerNode {
  podCidr: string;
  nodeIp: string;
  /** for messages only */
  name?: string;
}

export interface NodeRoutesSpec {
  clusterCidr: string;
  serviceCidr: string;
  /** this node's own spec.podCIDR (reached through the pod bridge, not routed here); absent before IPAM assigns one */
  podCidr?: string;
  /** the local dead end for the service CIDR: the pod bridge, or a veth whose peer is down (see dead-end-device.ts) */
  deadEndDevice: string;
  /** every node of the cluster (this one may be included: it is skipped by its pod CIDR) */
  peers: PeerNode[];
}

/** A route as `ip -j route show table main` prints it (the fields used here). */
export interface KernelRoute {
  dst: string;
  type?: string;
  gateway?: string;
  dev?: string;
  protocol?: string | number;
  metric?: number;
  scope?: string;
  flags?: string[];
}

export interface DesiredRoute {
  role: 'cluster' | 'service' | 'peer';
  /** canonical a.b.c.d/n */
  dst: string;
  type: 'unicast' | 'unreachable';
  dev?: string;
  via?: string;
}

export interface RoutePlan {
  /** safety routes first (cluster, service), then one per accepted peer */
  desired: DesiredRoute[];
  /** `ip -batch` lines: replaces in `desired` order, then removals of k8ts routes no longer desired; empty when in sync */
  commands: string[];
  /** peers left out, with the reason (bad CIDR, outside the cluster CIDR, overlapping another node, …) */
  skipped: { peer: PeerNode; reason: string }[];
  /** set when the dead-end device is unusable and the service CIDR is held `unreachable` until it is */
  serviceFallback?: string;
}

export interface PlanOptions {
  /** whether the dead-end device exists and is up (a route to a missing or down device cannot be added); default true */
  deadEndUsable?: boolean;
}

const DEV_RE = /^[A-Za-z0-9_.-]{1,15}$/;

function need(cidr: string, what: string): Ipv4Cidr {
  const c = parseIpv4Cidr(cidr);
  if (!c || !/\//.test(cidr)) throw new Error(`node routes: invalid ${what} "${cidr}" (IPv4 CIDR expected)`);
  return c;
}

function isOurs(r: KernelRoute): boolean {
  return String(r.protocol ?? '') === String(K8TS_ROUTE_PROTO);
}

function matches(r: KernelRoute, d: DesiredRoute): boolean {
  if (!isOurs(r) || (r.metric ?? 0) !== 0 || (r.type ?? 'unicast') !== d.type) return false;
  if (d.via !== undefined) return r.gateway === d.via;
  if (d.dev !== undefined) return r.dev === d.dev && r.gateway === undefined;
  return true;
}

function replaceCommand(d: DesiredRoute): string {
  const proto = `proto ${K8TS_ROUTE_PROTO}`;
  if (d.type === 'unreachable') return `route replace unreachable ${d.dst} ${proto}`;
  if (d.via !== undefined) return `route replace ${d.dst} via ${d.via} ${proto}`;
  return `route replace ${d.dst} dev ${d.dev} ${proto}`;
}

/**
 * The routes a node namespace must hold. Throws on a bad spec (unparsable or overlapping cluster/service
 * CIDRs, bad device name): the safety routes cannot be derived from it. Bad peers are skipped, not fatal.
 */
export function desiredNodeRoutes(spec: NodeRoutesSpec, opts: PlanOptions = {}): Pick<RoutePlan, 'desired' | 'skipped' | 'serviceFallback'> {
  const cluster = need(spec.clusterCidr, 'cluster CIDR');
  const service = need(spec.serviceCidr, 'service CIDR');
  if (cidrsOverlap(cluster, service)) throw new Error(`node routes: cluster CIDR ${spec.clusterCidr} overlaps service CIDR ${spec.serviceCidr}`);
  if (!DEV_RE.test(spec.deadEndDevice)) throw new Error(`node routes: invalid dead-end device name "${spec.deadEndDevice}"`);
  const own = spec.podCidr ? need(spec.podCidr, 'pod CIDR') : undefined;

  const desired: DesiredRoute[] = [{ role: 'cluster', dst: formatCidr(cluster), type: 'unreachable' }];
  let serviceFallback: string | undefined;
  if (opts.deadEndUsable === false) {
    serviceFallback = `dead-end device ${spec.deadEndDevice} is missing or down: service CIDR held unreachable`;
    desired.push({ role: 'service', dst: formatCidr(service), type: 'unreachable' });
  } else {
    desired.push({ role: 'service', dst: formatCidr(service), type: 'unicast', dev: spec.deadEndDevice });
  }

  const skipped: RoutePlan['skipped'] = [];
  const taken: { cidr: Ipv4Cidr; peer: PeerNode }[] = [];
  for (const peer of spec.peers) {
    const cidr = parseIpv4Cidr(peer.podCidr);
    const ip = parseIpv4(peer.nodeIp);
    const skip = (reason: string) => skipped.push({ peer, reason });
    if (!cidr || !peer.podCidr.includes('/')) skip(`invalid pod CIDR "${peer.podCidr}"`);
    else if (ip === undefined) skip(`invalid node IP "${peer.nodeIp}"`);
    else if (own && formatCidr(cidr) === formatCidr(own)) continue; // this node itself
    else if (!cidrContains(cluster, cidr) || cidr.prefix <= cluster.prefix) skip(`pod CIDR ${peer.podCidr} is not a subnet of the cluster CIDR ${spec.clusterCidr}`);
    else if (own && cidrsOverlap(cidr, own)) skip(`pod CIDR ${peer.podCidr} overlaps this node's ${spec.podCidr}`);
    else if (cidrContainsIp(cluster, ip) || cidrContainsIp(service, ip) || ip === 0) skip(`node IP ${peer.nodeIp} is not a node address`);
    else {
      const clash = taken.find((t) => cidrsOverlap(t.cidr, cidr));
      if (clash) skip(`pod CIDR ${peer.podCidr} overlaps ${clash.peer.name ?? clash.peer.nodeIp}'s ${clash.peer.podCidr}`);
      else {
        taken.push({ cidr, peer });
        desired.push({ role: 'peer', dst: formatCidr(cidr), type: 'unicast', via: peer.nodeIp.trim() });
      }
    }
  }
  return { desired, skipped, serviceFallback };
}

/**
 * Pure planner: current routes (main table, as `ip -j route` prints them) + the node's spec → the `ip -batch`
 * commands that make them agree. Only routes marked `proto 107` are ever removed; a desired route is (re)placed
 * unless an identical k8ts route is there. Applying the plan and planning again yields no commands.
 */
export function planNodeRoutes(current: KernelRoute[], spec: NodeRoutesSpec, opts: PlanOptions = {}): RoutePlan {
  const { desired, skipped, serviceFallback } = desiredNodeRoutes(spec, opts);
  const byDst = new Map<string, KernelRoute[]>();
  for (const r of current) {
    const dst = canonicalCidr(r.dst);
    if (!dst) continue;
    byDst.set(dst, [...(byDst.get(dst) ?? []), r]);
  }
  const commands: string[] = [];
  const wanted = new Set<string>();
  for (const d of desired) {
    wanted.add(d.dst);
    if (!(byDst.get(d.dst) ?? []).some((r) => matches(r, d))) commands.push(replaceCommand(d));
  }
  for (const [dst, routes] of byDst) {
    for (const r of routes) {
      if (!isOurs(r)) continue;
      const metric = r.metric ?? 0;
      if (wanted.has(dst) && metric === 0) continue; // kept, or overwritten by the replace above
      commands.push(`route del ${dst} proto ${K8TS_ROUTE_PROTO}${metric ? ` metric ${metric}` : ''}`);
    }
  }
  return { desired, commands, skipped, serviceFallback };
}

/** Whether `current` holds every safety route (cluster and service CIDR) of `desired`. */
export function safetyRoutesPresent(current: KernelRoute[], desired: DesiredRoute[]): boolean {
  return desired
    .filter((d) => d.role !== 'peer')
    .every((d) => current.some((r) => canonicalCidr(r.dst) === d.dst && matches(r, d)));
}

/** The IPv4 main-table routes of `netns` (null: this process's namespace). */
export async function readRoutes(netns: string | null): Promise<KernelRoute[]> {
  const r = await runInNetns(netns, ['ip', '-4', '-j', 'route', 'show', 'table', 'main']);
  const text = r.stdout.trim();
  return text ? (JSON.parse(text) as KernelRoute[]) : [];
}

/** Whether device `dev` exists in `netns` and is administratively up. */
export async function deviceUsable(netns: string | null, dev: string): Promise<boolean> {
  const r = await runInNetns(netns, ['ip', '-j', 'link', 'show', 'dev', dev], { allowFail: true });
  if (r.code !== 0) return false;
  const links = JSON.parse(r.stdout || '[]') as { flags?: string[] }[];
  return links.length > 0 && (links[0]!.flags ?? []).includes('UP');
}

export interface ProgramResult {
  plan: RoutePlan;
  /** commands that took effect */
  applied: string[];
  /** commands (peer routes only: a safety failure throws) still unapplied afterwards, with `ip`'s message */
  failed: { command: string; error: string }[];
}

export class SafetyRouteError extends Error {
  constructor(netns: string | null, readonly failed: { command: string; error: string }[]) {
    super(`node routes in ${netns ?? 'this namespace'}: safety routes not in place: ${failed.map((f) => `${f.command} (${f.error})`).join('; ')}`);
    this.name = 'SafetyRouteError';
  }
}

/** "Command failed -:N" blocks of `ip -force -batch -` → message per 0-based command index. */
function batchErrors(stderr: string): Map<number, string> {
  const errors = new Map<number, string>();
  let pending: string[] = [];
  for (const line of stderr.split('\n')) {
    const m = /^Command failed -:(\d+)/.exec(line);
    if (m) {
      errors.set(Number(m[1]) - 1, pending.join(' ').trim());
      pending = [];
    } else if (line.trim()) pending.push(line.trim());
  }
  return errors;
}

const locks = new Map<string, Promise<unknown>>();

/**
 * Makes the routes of `netns` (null: this process's namespace) agree with `spec`. Idempotent and cheap when in
 * sync (one `ip -j link`, one `ip -j route`); concurrent calls for one namespace run one after another. Level-based:
 * call it on every Node change and on a resync timer (the kernel drops routes through a device that goes down).
 * Throws SafetyRouteError if the cluster/service safety routes are not in place afterwards; peer routes that
 * could not be added (e.g. a gateway not on any local subnet) are reported in `failed`.
 */
export function programNodeRoutes(netns: string | null, spec: NodeRoutesSpec): Promise<ProgramResult> {
  const key = netns ?? '';
  const prev = locks.get(key) ?? Promise.resolve();
  const run = prev.catch(() => {}).then(() => programOnce(netns, spec));
  locks.set(key, run);
  void run.finally(() => {
    if (locks.get(key) === run) locks.delete(key);
  }).catch(() => {});
  return run;
}

async function programOnce(netns: string | null, spec: NodeRoutesSpec, fallback = false): Promise<ProgramResult> {
  const opts: PlanOptions = { deadEndUsable: !fallback && (await deviceUsable(netns, spec.deadEndDevice)) };
  const plan = planNodeRoutes(await readRoutes(netns), spec, opts);
  if (plan.commands.length === 0) return { plan, applied: [], failed: [] };
  const r = await runInNetns(netns, ['ip', '-force', '-batch', '-'], { input: plan.commands.join('\n') + '\n', allowFail: true });
  const errors = batchErrors(r.stderr);
  const after = await readRoutes(netns);
  const left = new Set(planNodeRoutes(after, spec, opts).commands);
  const failed = plan.commands.filter((c) => left.has(c)).map((command) => ({ command, error: errors.get(plan.commands.indexOf(command)) ?? (r.stderr.trim() || 'not applied') }));
  if (!safetyRoutesPresent(after, plan.desired)) {
    // the dead end vanished between the check and the batch: hold the service CIDR unreachable instead
    if (!fallback && opts.deadEndUsable) return programOnce(netns, spec, true);
    const safetyCommands = new Set(plan.desired.filter((d) => d.role !== 'peer').map(replaceCommand));
    throw new SafetyRouteError(netns, failed.filter((f) => safetyCommands.has(f.command)));
  }
  return { plan, applied: plan.commands.filter((c) => !left.has(c)), failed };
}
