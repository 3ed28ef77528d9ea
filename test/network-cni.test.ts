// The node CNI conflist against the real plugins (/usr/lib/cni): pods wired by bridge + host-local + portmap in two node namespaces reach each other over host-gw routes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNetns, createNetns, deleteNetns, netnsPath, listNetns, getNetnsSysctl } from '../src/network/netns.js';
import { withTestClusterNet, type TestNode } from '../src/network/test-cluster-net.js';
import { buildCniConflist, type CniConflist } from '../src/network/cni-config.js';
import { programNodeRoutes } from '../src/network/routes.js';
import { startTcpEchoServer, tcpProbe, type TcpEchoServer } from '../src/network/tcp-probe.js';

const CNI_BIN = '/usr/lib/cni';
const skip = process.getuid?.() !== 0 ? 'needs root (network namespaces)' : !existsSync(`${CNI_BIN}/bridge`) ? `no CNI plugins in ${CNI_BIN} (Debian containernetworking-plugins)` : false;

/** Runs the conflist's plugins the way libcni does (ADD in order with prevResult, DEL in reverse), inside the node's namespace. */
async function cni(node: TestNode, conf: CniConflist, command: 'ADD' | 'DEL', containerId: string, podNetns: string): Promise<{ ips: { address: string; gateway?: string }[] } | undefined> {
  let prev: unknown;
  const plugins = command === 'ADD' ? conf.plugins : [...conf.plugins].reverse();
  for (const plugin of plugins) {
    const config = { cniVersion: conf.cniVersion, name: conf.name, ...plugin, ...(prev ? { prevResult: prev } : {}) };
    const env = { ...process.env, CNI_COMMAND: command, CNI_CONTAINERID: containerId, CNI_NETNS: netnsPath(podNetns), CNI_IFNAME: 'eth0', CNI_PATH: CNI_BIN };
    const r = await runInNetns(node.netns, [`${CNI_BIN}/${plugin.type as string}`], { input: JSON.stringify(config), env });
    if (command === 'ADD') prev = JSON.parse(r.stdout);
  }
  return prev as { ips: { address: string; gateway?: string }[] } | undefined;
}

test('the node conflist works with the real CNI plugins; CNI pods on two nodes talk over host-gw', { skip, timeout: 60_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-cni-e2e-'));
  const forwardBefore = await getNetnsSysctl(null, 'net.ipv4.ip_forward');
  const mine = process.env.CI ? 'k8ts-' : `k8ts-tp${process.pid}r`; // see hostSnapshot in network.test.ts
  const nsBefore = await listNetns(mine);
  try {
    await withTestClusterNet({ nodes: 2, defaultGateway: true }, async (net) => {
      const cidrs = ['10.244.1.0/24', '10.244.2.0/24'];
      const confs = net.nodes.map((n, i) => buildCniConflist({ nodeName: n.name, podCidr: cidrs[i]!, ipamDataDir: join(dir, n.name, 'cni-networks') }));
      const pods = net.nodes.map((n) => `${net.netnsPrefix}cni-${n.name}`);
      const servers: TcpEchoServer[] = [];
      const added: number[] = [];
      try {
        const ips: string[] = [];
        for (const [i, node] of net.nodes.entries()) {
          await createNetns(pods[i]!);
          added.push(i);
          const result = await cni(node, confs[i]!, 'ADD', `pod${i}`, pods[i]!);
          const ip = result!.ips[0]!;
          assert.equal(ip.gateway, `10.244.${i + 1}.1`);
          assert.match(ip.address, new RegExp(`^10\\.244\\.${i + 1}\\.\\d+/24$`));
          ips.push(ip.address.split('/')[0]!);
        }
        // host-local kept its allocations in the node's own dataDir, under the node's network name
        assert.deepEqual(await readdir(join(dir, net.nodes[0]!.name, 'cni-networks')), [confs[0]!.name]);

        const peers = net.nodes.map((n, i) => ({ podCidr: cidrs[i]!, nodeIp: n.ip }));
        for (const [i, node] of net.nodes.entries()) {
          const r = await programNodeRoutes(node.netns, { clusterCidr: '10.244.0.0/16', serviceCidr: '10.96.0.0/12', podCidr: cidrs[i], deadEndDevice: 'cni0', peers });
          assert.deepEqual(r.failed, []);
          assert.equal(r.plan.serviceFallback, undefined, 'the bridge plugin made cni0: the service dead end');
        }
        servers.push(await startTcpEchoServer(pods[1]!, '0.0.0.0', 8080, 'pod1'));
        const trap = await net.lanIpInReceives();
        assert.deepEqual(await tcpProbe(pods[0]!, ips[1]!, 8080).then((r) => [r.ok, r.data]), [true, `pod1 ${ips[0]}`]);
        const unreachable = await tcpProbe(pods[0]!, '10.244.77.7', 80);
        assert.equal(unreachable.code, 'EHOSTUNREACH');
        assert.equal((await tcpProbe(pods[0]!, '10.96.0.1', 443, { timeoutMs: 500 })).ok, false);
        assert.equal(await net.lanIpInReceives(), trap);
      } finally {
        for (const s of servers) await s.close();
        for (const i of added) {
          await cni(net.nodes[i]!, confs[i]!, 'DEL', `pod${i}`, pods[i]!).catch(() => {});
          await deleteNetns(pods[i]!);
        }
      }
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  // the bridge plugin enabled forwarding in the node namespaces only
  assert.equal(await getNetnsSysctl(null, 'net.ipv4.ip_forward'), forwardBefore);
  assert.deepEqual(await listNetns(mine), nsBefore);
  assert.equal(existsSync('/var/lib/cni/networks/k8ts-node0'), false);
});
