// A test "LAN" made of network namespaces: a LAN namespace with a bridge, N node namespaces wired to it by veths, and optional fake pods behind a bridge in each node; all removed by destroy().
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createNetns, deleteNetns, listNetns, netnsExists, netnsPids, runInNetns, setNetnsSysctl, NETNS_PREFIX } from './netns.js';
import { formatIpv4, parseIpv4Cidr } from './ipv4-cidr.js';

export const DEFAULT_TEST_LAN_SUBNET = '172.30.0.0/24';
/** the bridge in the LAN namespace */
export const LAN_BRIDGE = 'br0';
/** each node's LAN interface (and each fake pod's interface) */
export const NODE_LAN_DEVICE = 'eth0';

export interface TestClusterNetOptions {
  /** how many nodes (named node0, node1, …) or their names ([a-z0-9-], at most 20 characters) */
  nodes: number | string[];
  /** private test range, present only inside the test's namespaces; node i gets host number 11+i */
  subnet?: string;
  /**
   * Give the LAN bridge the subnet's .1 and every node a default route to it. The LAN namespace never
   * forwards, so this "gateway" is a trap that counts what would have left a node (see lanIpInReceives).
   */
  defaultGateway?: boolean;
  /** namespace names are `k8ts-t<tag>-…`; default `p<pid>r<random>` (see sweepStaleTestNets) */
  tag?: string;
}

export interface TestNode {
  name: string;
  netns: string;
  /** the node's address on the LAN */
  ip: string;
}

export interface TestPod {
  name: string;
  netns: string;
  ip: string;
  node: TestNode;
}

export interface TestPodOptions {
  /** a name unique in this test net ([a-z0-9-], at most 20 characters) */
  name: string;
  ip: string;
  /** the pod network's gateway: the node's bridge gets it (once), the pod a default route to it */
  gateway: string;
  prefixLength?: number;
  /** the node's pod bridge; default cni0 (as the CNI bridge plugin would name it) */
  bridge?: string;
}

const NAME_RE = /^[a-z0-9]([a-z0-9-]{0,18}[a-z0-9])?$/;
/** default tags carry the creating process's pid, so stale nets of dead test processes can be swept */
const DEFAULT_TAG_RE = /^k8ts-tp(\d+)r[0-9a-f]+-/;

/** namespaces of live test nets in this process: deleted by an exit hook if a test never got to destroy() */
const live = new Set<string>();
let hooked = false;
function track(ns: string): void {
  live.add(ns);
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const name of live) spawnSync('ip', ['netns', 'delete', name], { stdio: 'ignore' });
  });
}

/**
 * Deletes the namespaces of test nets whose creating process is gone (default tags only: `k8ts-tp<pid>r…`) and
 * that no process is inside. Returns their names. Safe beside running tests: a live pid's nets are kept.
 */
export async function sweepStaleTestNets(): Promise<string[]> {
  const swept: string[] = [];
  for (const ns of await listNetns(`${NETNS_PREFIX}tp`)) {
    const m = DEFAULT_TAG_RE.exec(ns);
    if (!m || Number(m[1]) === process.pid || pidAlive(Number(m[1]))) continue;
    if ((await netnsPids(ns)).length > 0) continue;
    if (await deleteNetns(ns)) swept.push(ns);
  }
  return swept;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: existence check only
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A test network of namespaces. Contract: every address, device and route it makes lives inside namespaces it
 * created (`k8ts-t<tag>-…`); the host namespace is only used to run `ip netns add/delete`. destroy() removes
 * exactly the namespaces it created (with their veths and bridges), even after a partial create.
 */
export class TestClusterNet {
  readonly lanNetns: string;
  readonly nodes: TestNode[] = [];
  readonly pods: TestPod[] = [];
  readonly gatewayIp?: string;
  readonly prefixLength: number;
  /** namespaces this object created, in creation order */
  private readonly created: string[] = [];
  private vethCount = 0;

  private constructor(readonly tag: string, readonly subnet: string, prefixLength: number, gatewayIp?: string) {
    this.lanNetns = `${NETNS_PREFIX}t${tag}-lan`;
    this.prefixLength = prefixLength;
    this.gatewayIp = gatewayIp;
  }

  /** The namespace-name prefix of everything this net creates. */
  get netnsPrefix(): string {
    return `${NETNS_PREFIX}t${this.tag}-`;
  }

  /** Builds the LAN; on any failure removes what it had made and rethrows. */
  static async create(opts: TestClusterNetOptions): Promise<TestClusterNet> {
    const names = typeof opts.nodes === 'number' ? Array.from({ length: opts.nodes }, (_, i) => `node${i}`) : opts.nodes;
    const tag = opts.tag ?? `p${process.pid}r${randomBytes(2).toString('hex')}`;
    if (!/^[a-z0-9]{1,16}$/.test(tag)) throw new Error(`test net: invalid tag "${tag}"`);
    for (const n of names) if (!NAME_RE.test(n)) throw new Error(`test net: invalid node name "${n}"`);
    if (new Set(names).size !== names.length) throw new Error('test net: duplicate node names');
    const subnet = parseIpv4Cidr(opts.subnet ?? DEFAULT_TEST_LAN_SUBNET);
    if (!subnet || subnet.prefix > 29) throw new Error(`test net: invalid subnet "${opts.subnet}"`);
    if (11 + names.length >= 2 ** (32 - subnet.prefix) - 1) throw new Error(`test net: ${names.length} nodes do not fit in ${opts.subnet}`);
    const net = new TestClusterNet(tag, `${formatIpv4(subnet.base)}/${subnet.prefix}`, subnet.prefix, opts.defaultGateway ? formatIpv4(subnet.base + 1) : undefined);
    try {
      await net.build(names, subnet.base);
    } catch (e) {
      await net.destroy().catch(() => {});
      throw e;
    }
    return net;
  }

  private async newNetns(name: string): Promise<void> {
    await createNetns(name);
    this.created.push(name);
    track(name);
  }

  private async build(names: string[], base: number): Promise<void> {
    const lan = this.lanNetns;
    await this.newNetns(lan);
    await setNetnsSysctl(lan, 'net.ipv4.ip_forward', '0');
    await batch(lan, [
      `link add ${LAN_BRIDGE} type bridge`,
      ...(this.gatewayIp ? [`addr add ${this.gatewayIp}/${this.prefixLength} dev ${LAN_BRIDGE}`] : []),
      `link set ${LAN_BRIDGE} up`,
    ]);
    for (const [i, name] of names.entries()) {
      const node: TestNode = { name, netns: `${this.netnsPrefix}n-${name}`, ip: formatIpv4(base + 11 + i) };
      await this.newNetns(node.netns);
      // the veth is made inside the LAN namespace with its far end straight in the node's: it never exists on the host
      await batch(lan, [`link add n${i} type veth peer name ${NODE_LAN_DEVICE} netns ${node.netns}`, `link set n${i} master ${LAN_BRIDGE}`, `link set n${i} up`]);
      await batch(node.netns, [
        `addr add ${node.ip}/${this.prefixLength} dev ${NODE_LAN_DEVICE}`,
        `link set ${NODE_LAN_DEVICE} up`,
        ...(this.gatewayIp ? [`route add default via ${this.gatewayIp}`] : []),
      ]);
      await setNetnsSysctl(node.netns, 'net.ipv4.ip_forward', '1');
      this.nodes.push(node);
    }
  }

  node(name: string): TestNode {
    const n = this.nodes.find((x) => x.name === name);
    if (!n) throw new Error(`test net: no node "${name}"`);
    return n;
  }

  /**
   * A fake pod: its own namespace with `eth0` (address ip/prefixLength, default route to the gateway), whose
   * veth peer is attached to the node's pod bridge, created with the gateway address on first use — what the
   * CNI bridge plugin does for a real pod.
   */
  async addPod(node: TestNode, opts: TestPodOptions): Promise<TestPod> {
    if (!NAME_RE.test(opts.name)) throw new Error(`test net: invalid pod name "${opts.name}"`);
    const bridge = opts.bridge ?? 'cni0';
    if (!/^[A-Za-z0-9_.-]{1,15}$/.test(bridge)) throw new Error(`test net: invalid bridge "${bridge}"`);
    const prefix = opts.prefixLength ?? 24;
    const pod: TestPod = { name: opts.name, netns: `${this.netnsPrefix}p-${opts.name}`, ip: opts.ip, node };
    const hasBridge = (await runInNetns(node.netns, ['ip', 'link', 'show', 'dev', bridge], { allowFail: true })).code === 0;
    if (!hasBridge) await batch(node.netns, [`link add ${bridge} type bridge`, `addr add ${opts.gateway}/${prefix} dev ${bridge}`, `link set ${bridge} up`]);
    await this.newNetns(pod.netns);
    const hostSide = `k8tsp${this.vethCount++}`;
    await batch(node.netns, [`link add ${hostSide} type veth peer name ${NODE_LAN_DEVICE} netns ${pod.netns}`, `link set ${hostSide} master ${bridge}`, `link set ${hostSide} up`]);
    await batch(pod.netns, [`addr add ${opts.ip}/${prefix} dev ${NODE_LAN_DEVICE}`, `link set ${NODE_LAN_DEVICE} up`, `route add default via ${opts.gateway}`]);
    this.pods.push(pod);
    return pod;
  }

  /** IPv4 packets the LAN namespace's own stack has received (the trap behind defaultGateway). */
  async lanIpInReceives(): Promise<number> {
    const snmp = (await runInNetns(this.lanNetns, ['cat', '/proc/net/snmp'])).stdout.split('\n').filter((l) => l.startsWith('Ip:'));
    const header = snmp[0]!.split(/\s+/);
    const values = snmp[1]!.split(/\s+/);
    return Number(values[header.indexOf('InReceives')]);
  }

  /** Every namespace this net created and still holds. */
  namespaces(): string[] {
    return [...this.created];
  }

  /**
   * Deletes every namespace this net created (pods, then nodes, then the LAN), which removes their veths and
   * bridges. Idempotent; tries all, then throws the first error. Processes the test started inside must be
   * ended first (a namespace lives on while a process is in it).
   */
  async destroy(): Promise<void> {
    const errors: unknown[] = [];
    for (const ns of [...this.created].reverse()) {
      try {
        await deleteNetns(ns);
        if (await netnsExists(ns)) throw new Error(`test net: ${ns} still exists after delete`);
        this.created.splice(this.created.indexOf(ns), 1);
        live.delete(ns);
      } catch (e) {
        errors.push(e);
      }
    }
    if (errors.length) throw errors[0];
  }
}

/** Builds a test net, runs `fn` on it, and destroys it whatever happens. */
export async function withTestClusterNet<T>(opts: TestClusterNetOptions, fn: (net: TestClusterNet) => Promise<T>): Promise<T> {
  const net = await TestClusterNet.create(opts);
  let result: T;
  try {
    result = await fn(net);
  } catch (e) {
    await net.destroy().catch(() => {}); // keep fn's error, not a cleanup one
    throw e;
  }
  await net.destroy();
  return result;
}

async function batch(netns: string, commands: string[]): Promise<void> {
  await runInNetns(netns, ['ip', '-batch', '-'], { input: commands.join('\n') + '\n' });
}
