// Pod network end to end on real namespaces: a 2-node test LAN, host-gw routes from two pod CIDRs, fake pods; cluster and service addresses never leave, the host is untouched.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { runInNetns, listNetns, createNetns, deleteNetns, netnsExists, getNetnsSysctl } from '../src/network/netns.js';
import { TestClusterNet, withTestClusterNet, sweepStaleTestNets } from '../src/network/test-cluster-net.js';
import { programNodeRoutes, readRoutes, K8TS_ROUTE_PROTO, type NodeRoutesSpec, type PeerNode } from '../src/network/routes.js';
import { ensureDeadEndDevice } from '../src/network/dead-end-device.js';
import { startTcpEchoServer, tcpProbe, type TcpEchoServer } from '../src/network/tcp-probe.js';

const CLUSTER = '10.244.0.0/16';
const SERVICE = '10.96.0.0/12';
const root = process.getuid?.() === 0;
const skip = root ? false : 'needs root (network namespaces)';

/** What the host namespace looks like: read-only, compared before and after. */
async function hostSnapshot() {
  const [routes, links, forward] = await Promise.all([
    runInNetns(null, ['ip', 'route', 'show', 'table', 'all']).then((r) => r.stdout),
    runInNetns(null, ['ip', '-j', 'link']).then((r) => (JSON.parse(r.stdout) as { ifname: string }[]).map((l) => l.ifname).sort()),
    getNetnsSysctl(null, 'net.ipv4.ip_forward'),
  ]);
  // in CI nothing else runs beside this file, so every k8ts- namespace is compared; on a shared dev machine
  // other tests come and go, so only the ones this process can have made (default test-net tags carry its pid)
  const namespaces = process.env.CI ? await listNetns() : await listNetns(`k8ts-tp${process.pid}r`);
  return { routes, links, forward, namespaces };
}

/** Runs `fn` and asserts the host namespace and the set of k8ts- namespaces are the same afterwards, even if it throws. */
async function hostUntouched(fn: () => Promise<void>): Promise<void> {
  const before = await hostSnapshot();
  try {
    await fn();
  } finally {
    assert.deepEqual(await hostSnapshot(), before, 'the host namespace (routes, links, ip_forward) and the k8ts- namespaces are as before');
  }
}

before(async () => {
  if (root) await sweepStaleTestNets(); // leftovers of test processes that were killed
});

function routesSpec(podCidr: string, deadEndDevice: string, peers: PeerNode[]): NodeRoutesSpec {
  return { clusterCidr: CLUSTER, serviceCidr: SERVICE, podCidr, deadEndDevice, peers };
}

test('host-gw pod network across two node namespaces; cluster and service addresses never leave', { skip, timeout: 120_000 }, async () => {
  await hostUntouched(async () => {
    const net = await TestClusterNet.create({ nodes: ['a', 'b'], defaultGateway: true });
    const servers: TcpEchoServer[] = [];
    try {
      const [a, b] = net.nodes as [(typeof net.nodes)[0], (typeof net.nodes)[0]];
      const podA = await net.addPod(a, { name: 'pa', ip: '10.244.1.2', gateway: '10.244.1.1' });
      const podB = await net.addPod(b, { name: 'pb', ip: '10.244.2.2', gateway: '10.244.2.1' });
      // node a's dead end is its pod bridge; node b's a veth whose peer is down
      await ensureDeadEndDevice(b.netns);
      const peers: PeerNode[] = [
        { name: 'a', podCidr: '10.244.1.0/24', nodeIp: a.ip },
        { name: 'b', podCidr: '10.244.2.0/24', nodeIp: b.ip },
      ];

      // control: without the safety routes a cluster address follows the node's default route to the LAN's trap
      let trap = await net.lanIpInReceives();
      const leak = await tcpProbe(a.netns, '10.244.9.9', 80, { timeoutMs: 300 });
      assert.equal(leak.ok, false);
      assert.ok((await net.lanIpInReceives()) > trap, 'the trap sees traffic that follows the default route');
      assert.equal((await tcpProbe(podA.netns, podB.ip, 8080, { timeoutMs: 300 })).ok, false, 'no host-gw route yet');

      const ra = await programNodeRoutes(a.netns, routesSpec('10.244.1.0/24', 'cni0', peers));
      const rb = await programNodeRoutes(b.netns, routesSpec('10.244.2.0/24', 'k8ts-dead0', peers));
      assert.deepEqual([ra.failed, rb.failed, ra.plan.skipped, rb.plan.skipped], [[], [], [], []]);
      assert.equal(ra.applied.length, 3);
      assert.equal(rb.applied.length, 3);
      const p = `proto ${K8TS_ROUTE_PROTO}`;
      const shown = (await runInNetns(a.netns, ['ip', 'route'])).stdout;
      assert.match(shown, new RegExp(`^unreachable 10\\.244\\.0\\.0/16 ${p}`, 'm'));
      assert.match(shown, new RegExp(`^10\\.96\\.0\\.0/12 dev cni0 ${p}`, 'm'));
      assert.match(shown, new RegExp(`^10\\.244\\.2\\.0/24 via ${b.ip.replaceAll('.', '\\.')} dev eth0 ${p}`, 'm'));
      // idempotent: nothing to do the second time
      assert.deepEqual((await programNodeRoutes(a.netns, routesSpec('10.244.1.0/24', 'cni0', peers))).applied, []);
      assert.deepEqual((await programNodeRoutes(b.netns, routesSpec('10.244.2.0/24', 'k8ts-dead0', peers))).applied, []);

      // pod a → pod b across nodes, without NAT (b sees a's pod address); node a → pod b too; and back
      const srvB = await startTcpEchoServer(podB.netns, '0.0.0.0', 8080, 'pb');
      servers.push(srvB);
      const srvA = await startTcpEchoServer(podA.netns, '0.0.0.0', 8080, 'pa');
      servers.push(srvA);
      trap = await net.lanIpInReceives();
      assert.deepEqual(await tcpProbe(podA.netns, podB.ip, 8080).then((r) => [r.ok, r.data]), [true, `pb ${podA.ip}`]);
      assert.deepEqual(await tcpProbe(a.netns, podB.ip, 8080).then((r) => [r.ok, r.data]), [true, `pb ${a.ip}`]);
      assert.deepEqual(await tcpProbe(podB.netns, podA.ip, 8080).then((r) => [r.ok, r.data]), [true, `pa ${podB.ip}`]);
      assert.equal(await net.lanIpInReceives(), trap, 'pod traffic goes node to node, not through the gateway');

      // a cluster address of no node: refused at once, on the node and for its pods, and nothing reaches the trap
      for (const [where, ns, ip] of [['node a', a.netns, '10.244.9.9'], ['pod a', podA.netns, '10.244.200.1'], ['node b', b.netns, '10.244.3.7']] as const) {
        const r = await tcpProbe(ns, ip, 80, { timeoutMs: 2000 });
        assert.equal(r.ok, false, where);
        assert.ok(r.code === 'EHOSTUNREACH' || r.code === 'ENETUNREACH', `${where} → ${ip}: ${r.code}`);
        assert.ok(r.ms < 500, `${where} → ${ip}: refused in ${r.ms} ms`);
      }
      assert.equal((await runInNetns(a.netns, ['ip', 'route', 'get', '10.244.9.9'], { allowFail: true })).code, 2);

      // a service address is routed to the local dead end, never out
      assert.match((await runInNetns(a.netns, ['ip', 'route', 'get', '10.96.0.1'])).stdout, /dev cni0/);
      assert.match((await runInNetns(b.netns, ['ip', 'route', 'get', '10.96.0.10'])).stdout, /dev k8ts-dead0/);
      const svc = await Promise.all([tcpProbe(a.netns, '10.96.0.1', 443, { timeoutMs: 700 }), tcpProbe(b.netns, '10.96.0.10', 53, { timeoutMs: 700 }), tcpProbe(podA.netns, '10.100.1.1', 80, { timeoutMs: 700 })]);
      for (const r of svc) assert.equal(r.ok, false);
      assert.equal(await net.lanIpInReceives(), trap, 'no cluster or service packet reached the trap');

      // node b goes away: its route is removed, and its pod CIDR falls under the unreachable route
      const gone = await programNodeRoutes(a.netns, routesSpec('10.244.1.0/24', 'cni0', peers.slice(0, 1)));
      assert.deepEqual(gone.applied, [`route del 10.244.2.0/24 ${p}`]);
      const after = await tcpProbe(podA.netns, podB.ip, 8080, { timeoutMs: 2000 });
      assert.equal(after.code, 'EHOSTUNREACH');
      assert.equal(await net.lanIpInReceives(), trap);
    } finally {
      for (const s of servers) await s.close();
      await net.destroy();
    }
    assert.deepEqual(await listNetns(net.netnsPrefix), []);
  });
});

test('service CIDR held unreachable until the dead end exists; a peer off the LAN is reported, safety routes stay', { skip, timeout: 60_000 }, async () => {
  await hostUntouched(() =>
    withTestClusterNet({ nodes: 1 }, async (net) => {
      const n = net.nodes[0]!;
      const spec = routesSpec('10.244.1.0/24', 'k8ts-dead0', [{ podCidr: '10.244.2.0/24', nodeIp: '172.31.9.9' }]);
      const r1 = await programNodeRoutes(n.netns, spec);
      assert.match(r1.plan.serviceFallback ?? '', /k8ts-dead0/);
      assert.deepEqual(r1.failed.map((f) => f.command), [`route replace 10.244.2.0/24 via 172.31.9.9 proto ${K8TS_ROUTE_PROTO}`]);
      assert.match(r1.failed[0]!.error, /gateway|unreachable/i);
      const svc = (await readRoutes(n.netns)).find((r) => r.dst === '10.96.0.0/12');
      assert.equal(svc?.type, 'unreachable');

      await ensureDeadEndDevice(n.netns);
      await ensureDeadEndDevice(n.netns); // idempotent
      const r2 = await programNodeRoutes(n.netns, spec);
      assert.equal(r2.plan.serviceFallback, undefined);
      assert.ok(r2.applied.includes(`route replace 10.96.0.0/12 dev k8ts-dead0 proto ${K8TS_ROUTE_PROTO}`));
      const routes = await readRoutes(n.netns);
      assert.deepEqual(routes.filter((r) => r.dst === '10.96.0.0/12').map((r) => [r.type ?? 'unicast', r.dev]), [['unicast', 'k8ts-dead0']]);
      assert.deepEqual(routes.filter((r) => r.dst === '10.244.0.0/16').map((r) => r.type), ['unreachable']);
      // the dead end drops locally: the connect never completes
      assert.equal((await tcpProbe(n.netns, '10.96.0.1', 443, { timeoutMs: 500 })).ok, false);

      // the dead end's link going down takes the kernel's route with it; the next sync falls back, then restores
      await runInNetns(n.netns, ['ip', 'link', 'set', 'k8ts-dead0', 'down']);
      const r3 = await programNodeRoutes(n.netns, spec);
      assert.match(r3.plan.serviceFallback ?? '', /k8ts-dead0/);
      assert.equal((await readRoutes(n.netns)).find((r) => r.dst === '10.96.0.0/12')?.type, 'unreachable');
    }),
  );
});

test('test nets clean up after a failing test body and after a failed create, and only their own namespaces', { skip, timeout: 60_000 }, async () => {
  await hostUntouched(async () => {
    let prefix = '';
    await assert.rejects(
      withTestClusterNet({ nodes: 2 }, async (net) => {
        prefix = net.netnsPrefix;
        await net.addPod(net.nodes[0]!, { name: 'p', ip: '10.244.1.2', gateway: '10.244.1.1' });
        assert.equal((await listNetns(prefix)).length, 4);
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.deepEqual(await listNetns(prefix), []);

    // a namespace that is not the net's blocks node1: create fails, removes what it made, leaves the other alone
    const tag = `x${Date.now().toString(36).slice(-6)}`;
    const foreign = `k8ts-t${tag}-n-node1`;
    await createNetns(foreign);
    try {
      await assert.rejects(TestClusterNet.create({ tag, nodes: 2 }), /File exists|exists/);
      assert.deepEqual(await listNetns(`k8ts-t${tag}-`), [foreign]);
    } finally {
      await deleteNetns(foreign);
    }
    assert.equal(await netnsExists(foreign), false);
    await assert.rejects(deleteNetns('not-ours'), /refusing/);

    // a test process that exits without destroy(): its exit hook deletes its namespaces
    const moduleUrl = new URL('../src/network/test-cluster-net.js', import.meta.url).href;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(moduleUrl)}); const net = await m.TestClusterNet.create({ nodes: 2 }); console.log(net.netnsPrefix); process.exit(0);`], { encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    assert.match(child.stdout.trim(), /^k8ts-tp\d+r[0-9a-f]+-$/);
    assert.deepEqual(await listNetns(child.stdout.trim()), []);

    // one that was killed: its namespaces are swept once its pid is gone, and never while it lives
    const dead = spawn('true');
    await new Promise((r) => dead.once('exit', r));
    const stale = `k8ts-tp${dead.pid}r0000-lan`;
    const mine = `k8ts-tp${process.pid}r0000-lan`;
    await createNetns(stale);
    await createNetns(mine);
    try {
      const swept = await sweepStaleTestNets();
      assert.ok(swept.includes(stale));
      assert.ok(!swept.includes(mine));
      assert.equal(await netnsExists(stale), false);
    } finally {
      await deleteNetns(stale);
      await deleteNetns(mine);
    }
  });
});
