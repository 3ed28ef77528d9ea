// Unit tests of the node route planner: add/remove/idempotent, bad peers skipped, safety routes always planned.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planNodeRoutes, safetyRoutesPresent, K8TS_ROUTE_PROTO, type KernelRoute, type NodeRoutesSpec } from './routes.js';
import { canonicalCidr, cidrContainsIp, parseIpv4, parseIpv4Cidr, formatIpv4 } from './ipv4-cidr.js';

const P = String(K8TS_ROUTE_PROTO);

const spec = (peers: NodeRoutesSpec['peers'], extra: Partial<NodeRoutesSpec> = {}): NodeRoutesSpec => ({
  clusterCidr: '10.244.0.0/16',
  serviceCidr: '10.96.0.0/12',
  podCidr: '10.244.1.0/24',
  deadEndDevice: 'cni0',
  peers,
  ...extra,
});

/** What a node namespace holds before k8ts touches it. */
const base = (): KernelRoute[] => [
  { dst: 'default', gateway: '172.30.0.1', dev: 'eth0', flags: [] },
  { dst: '172.30.0.0/24', dev: 'eth0', protocol: 'kernel', scope: 'link', flags: [] },
  { dst: '10.244.1.0/24', dev: 'cni0', protocol: 'kernel', scope: 'link', flags: [] },
];

/** A tiny model of the kernel's main table for the commands the planner emits. */
function apply(routes: KernelRoute[], commands: string[]): KernelRoute[] {
  let out = routes.map((r) => ({ ...r }));
  for (const c of commands) {
    const w = c.split(' ');
    assert.equal(w[0], 'route');
    const arg = (k: string) => (w.includes(k) ? w[w.indexOf(k) + 1] : undefined);
    if (w[1] === 'replace') {
      const unreachable = w[2] === 'unreachable';
      const dst = canonicalCidr(unreachable ? w[3]! : w[2]!)!;
      out = out.filter((r) => !(canonicalCidr(r.dst) === dst && (r.metric ?? 0) === 0));
      const r: KernelRoute = { dst, protocol: arg('proto') };
      if (unreachable) r.type = 'unreachable';
      if (arg('via')) r.gateway = arg('via');
      if (arg('dev')) r.dev = arg('dev');
      out.push(r);
    } else if (w[1] === 'del') {
      const dst = canonicalCidr(w[2]!);
      const metric = Number(arg('metric') ?? 0);
      const i = out.findIndex((r) => canonicalCidr(r.dst) === dst && String(r.protocol) === arg('proto') && (r.metric ?? 0) === metric);
      assert.ok(i >= 0, `del of a missing route: ${c}`);
      out.splice(i, 1);
    } else assert.fail(`unexpected command ${c}`);
  }
  return out;
}

/** Longest-prefix match (metric 0 first) in the model. */
function lookup(routes: KernelRoute[], ip: string): KernelRoute | undefined {
  const n = parseIpv4(ip)!;
  let best: KernelRoute | undefined;
  let bestPrefix = -1;
  for (const r of routes) {
    const c = parseIpv4Cidr(r.dst)!;
    if (cidrContainsIp(c, n) && (c.prefix > bestPrefix || (c.prefix === bestPrefix && (r.metric ?? 0) < (best!.metric ?? 0)))) {
      best = r;
      bestPrefix = c.prefix;
    }
  }
  return best;
}

const peers = [
  { name: 'a', podCidr: '10.244.1.0/24', nodeIp: '172.30.0.11' }, // this node
  { name: 'b', podCidr: '10.244.2.0/24', nodeIp: '172.30.0.12' },
  { name: 'c', podCidr: '10.244.3.0/24', nodeIp: '172.30.0.13' },
];

test('from scratch: safety routes first, a route per other node, nothing removed', () => {
  const plan = planNodeRoutes(base(), spec(peers));
  assert.deepEqual(plan.commands, [
    `route replace unreachable 10.244.0.0/16 proto ${P}`,
    `route replace 10.96.0.0/12 dev cni0 proto ${P}`,
    `route replace 10.244.2.0/24 via 172.30.0.12 proto ${P}`,
    `route replace 10.244.3.0/24 via 172.30.0.13 proto ${P}`,
  ]);
  assert.deepEqual(plan.skipped, []);
  assert.equal(plan.serviceFallback, undefined);
});

test('idempotent: applying the plan and planning again yields nothing', () => {
  const after = apply(base(), planNodeRoutes(base(), spec(peers)).commands);
  assert.deepEqual(planNodeRoutes(after, spec(peers)).commands, []);
  // the ip -j spelling of the same routes (protocol as a string, linkdown flags, scope) changes nothing
  const printed = after.map((r) => (r.dev === 'cni0' && r.protocol === P ? { ...r, scope: 'link', flags: ['linkdown'] } : r));
  assert.deepEqual(planNodeRoutes(printed, spec(peers)).commands, []);
});

test('a node that went away loses its route; a moved node is replaced; foreign routes are never removed', () => {
  let routes = apply(base(), planNodeRoutes(base(), spec(peers)).commands);
  routes.push({ dst: '10.244.9.0/24', gateway: '172.30.0.99', dev: 'eth0', protocol: 'static' }); // an admin's route
  const next = [peers[0]!, { name: 'c', podCidr: '10.244.3.0/24', nodeIp: '172.30.0.23' }, { name: 'd', podCidr: '10.244.4.0/24', nodeIp: '172.30.0.14' }];
  const plan = planNodeRoutes(routes, spec(next));
  assert.deepEqual(plan.commands, [
    `route replace 10.244.3.0/24 via 172.30.0.23 proto ${P}`,
    `route replace 10.244.4.0/24 via 172.30.0.14 proto ${P}`,
    `route del 10.244.2.0/24 proto ${P}`,
  ]);
  routes = apply(routes, plan.commands);
  assert.deepEqual(planNodeRoutes(routes, spec(next)).commands, []);
  assert.ok(routes.some((r) => r.dst === '10.244.9.0/24' && r.protocol === 'static'));
  // every node gone: only the safety routes stay
  const alone = apply(routes, planNodeRoutes(routes, spec([])).commands);
  assert.deepEqual(alone.filter((r) => String(r.protocol) === P).map((r) => r.dst).sort(), ['10.244.0.0/16', '10.96.0.0/12']);
});

test('safety routes are restored whatever replaced or removed them', () => {
  const good = apply(base(), planNodeRoutes(base(), spec(peers)).commands);
  // someone replaced the cluster route with a route out, and deleted the service route
  const bad = good
    .filter((r) => r.dst !== '10.96.0.0/12')
    .map((r) => (r.dst === '10.244.0.0/16' ? { dst: '10.244.0.0/16', gateway: '172.30.0.1', dev: 'eth0', protocol: 'static' } : r));
  const plan = planNodeRoutes(bad, spec(peers));
  assert.deepEqual(plan.commands, [`route replace unreachable 10.244.0.0/16 proto ${P}`, `route replace 10.96.0.0/12 dev cni0 proto ${P}`]);
  assert.ok(!safetyRoutesPresent(bad, plan.desired));
  assert.ok(safetyRoutesPresent(apply(bad, plan.commands), plan.desired));
  // the service route on the wrong device is replaced too
  const moved = good.map((r) => (r.dst === '10.96.0.0/12' ? { ...r, dev: 'eth0' } : r));
  assert.deepEqual(planNodeRoutes(moved, spec(peers)).commands, [`route replace 10.96.0.0/12 dev cni0 proto ${P}`]);
});

test('without a usable dead end the service CIDR is held unreachable, then moved to the dead end', () => {
  const plan = planNodeRoutes(base(), spec(peers), { deadEndUsable: false });
  assert.match(plan.serviceFallback ?? '', /cni0/);
  assert.ok(plan.commands.includes(`route replace unreachable 10.96.0.0/12 proto ${P}`));
  const held = apply(base(), plan.commands);
  assert.deepEqual(planNodeRoutes(held, spec(peers), { deadEndUsable: false }).commands, []);
  assert.deepEqual(planNodeRoutes(held, spec(peers)).commands, [`route replace 10.96.0.0/12 dev cni0 proto ${P}`]);
});

test('bad peers are skipped with a reason; the safety routes are planned regardless', () => {
  const bad = [
    { name: 'outside', podCidr: '10.10.0.0/24', nodeIp: '172.30.0.31' },
    { name: 'whole', podCidr: '10.244.0.0/16', nodeIp: '172.30.0.32' },
    { name: 'wide', podCidr: '10.244.0.0/22', nodeIp: '172.30.0.33' }, // overlaps this node's 10.244.1.0/24
    { name: 'svc', podCidr: '10.96.1.0/24', nodeIp: '172.30.0.34' },
    { name: 'gw-in-cluster', podCidr: '10.244.5.0/24', nodeIp: '10.244.7.1' },
    { name: 'gw-in-services', podCidr: '10.244.6.0/24', nodeIp: '10.96.0.1' },
    { name: 'garbage', podCidr: 'nope', nodeIp: '172.30.0.35' },
    { name: 'v6', podCidr: 'fd00::/64', nodeIp: '172.30.0.36' },
    { name: 'no-ip', podCidr: '10.244.8.0/24', nodeIp: '' },
    { name: 'inject', podCidr: '10.244.9.0/24', nodeIp: '172.30.0.37 dev lo' },
    { name: 'ok', podCidr: '10.244.2.0/24', nodeIp: '172.30.0.12' },
    { name: 'dup', podCidr: '10.244.2.0/25', nodeIp: '172.30.0.38' },
  ];
  const plan = planNodeRoutes(base(), spec(bad));
  assert.deepEqual(plan.skipped.map((s) => s.peer.name), ['outside', 'whole', 'wide', 'svc', 'gw-in-cluster', 'gw-in-services', 'garbage', 'v6', 'no-ip', 'inject', 'dup']);
  for (const s of plan.skipped) assert.ok(s.reason.length > 0);
  assert.deepEqual(plan.commands, [
    `route replace unreachable 10.244.0.0/16 proto ${P}`,
    `route replace 10.96.0.0/12 dev cni0 proto ${P}`,
    `route replace 10.244.2.0/24 via 172.30.0.12 proto ${P}`,
  ]);
});

test('peer CIDRs are canonicalised; stale k8ts routes at other metrics are removed', () => {
  const routes: KernelRoute[] = [...base(), { dst: '10.244.2.0/24', gateway: '172.30.0.12', protocol: P, metric: 100 }, { dst: '10.1.2.3', dev: 'eth0', protocol: P }];
  const plan = planNodeRoutes(routes, spec([{ podCidr: '10.244.2.7/24', nodeIp: '172.30.0.12' }]));
  assert.deepEqual(plan.commands, [
    `route replace unreachable 10.244.0.0/16 proto ${P}`,
    `route replace 10.96.0.0/12 dev cni0 proto ${P}`,
    `route replace 10.244.2.0/24 via 172.30.0.12 proto ${P}`,
    `route del 10.244.2.0/24 proto ${P} metric 100`,
    `route del 10.1.2.3/32 proto ${P}`,
  ]);
  assert.deepEqual(planNodeRoutes(apply(routes, plan.commands), spec([{ podCidr: '10.244.2.7/24', nodeIp: '172.30.0.12' }])).commands, []);
});

test('a node without a pod CIDR yet still gets the safety routes', () => {
  const plan = planNodeRoutes([], spec(peers, { podCidr: undefined }));
  assert.equal(plan.commands.length, 5);
  assert.equal(plan.commands[0], `route replace unreachable 10.244.0.0/16 proto ${P}`);
});

test('a spec from which no safety routes can be derived is refused', () => {
  assert.throws(() => planNodeRoutes([], spec(peers, { serviceCidr: '10.244.128.0/17' })), /overlaps/);
  assert.throws(() => planNodeRoutes([], spec(peers, { clusterCidr: 'nope' })), /cluster CIDR/);
  assert.throws(() => planNodeRoutes([], spec(peers, { serviceCidr: '10.96.0.1' })), /service CIDR/);
  assert.throws(() => planNodeRoutes([], spec(peers, { deadEndDevice: 'cni0 proto 4' })), /dead-end device/);
  assert.throws(() => planNodeRoutes([], spec(peers, { podCidr: '10.244.1.0' })), /pod CIDR/);
});

test('fuzz: after applying any plan, no cluster or service address follows the default route', () => {
  let seed = 7;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  let routes = base();
  for (let round = 0; round < 300; round++) {
    // random peers, sometimes broken, sometimes the current routes tampered with
    const ps = Array.from({ length: rnd(6) }, () => ({ podCidr: `10.244.${rnd(8)}.0/${rnd(4) === 0 ? 23 : 24}`, nodeIp: rnd(10) === 0 ? `10.244.${rnd(9)}.1` : `172.30.0.${10 + rnd(8)}` }));
    if (rnd(4) === 0) routes = routes.filter(() => rnd(3) !== 0);
    if (rnd(5) === 0) routes.push({ dst: `10.244.${rnd(8)}.0/24`, gateway: '172.30.0.99', protocol: P, metric: rnd(2) * 50 });
    const s = spec(ps, { deadEndDevice: rnd(2) ? 'cni0' : 'k8ts-dead0' });
    const opts = { deadEndUsable: rnd(3) !== 0 };
    const plan = planNodeRoutes(routes, s, opts);
    routes = apply(routes, plan.commands);
    assert.deepEqual(planNodeRoutes(routes, s, opts).commands, [], `round ${round}: not idempotent`);
    assert.ok(safetyRoutesPresent(routes, plan.desired));
    const withDefault = [...routes, { dst: 'default', gateway: '172.30.0.1' }];
    for (let k = 0; k < 20; k++) {
      for (const ip of [`10.244.${rnd(256)}.${rnd(256)}`, formatIpv4(parseIpv4('10.96.0.0')! + rnd(2 ** 20))]) {
        const r = lookup(withDefault, ip);
        assert.ok(r && canonicalCidr(r.dst) !== '0.0.0.0/0', `round ${round}: ${ip} follows the default route`);
      }
    }
  }
});
