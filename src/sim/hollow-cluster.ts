// Hollow nodes: N kubelets faked in one process (registration, Lease heartbeats, node status, a fake pod lifecycle).

import type { KObject } from '../api/strategy.js';
import { ClientError, type RestClient } from '../client/rest-client.js';
import { KeyedRunner } from './keyed-runner.js';
import { listWatch } from './list-watch.js';
import { hollowNode, hollowNodeIp, nodeConditions, nodeLease, type NodeShape } from './node-template.js';
import { PodIps } from './pod-ips.js';
import { DEFAULT_TIMING, desiredStatus, isTerminalPhase, statusFingerprint, toSimPod, type PodTiming, type SimPod } from './pod-status.js';

/** Annotating a Node with this key and value "stop" stops its heartbeats (a node failure); removing it resumes them. */
export const HEARTBEAT_ANNOTATION = 'sim.k8ts.io/heartbeat';

export interface HollowClusterOptions {
  nodes: number;
  namePrefix: string;
  heartbeatIntervalMs: number;
  /** how often an unchanged node status is posted (kubelet: nodeStatusReportFrequency, 5 m) */
  statusIntervalMs: number;
  shape: NodeShape;
  timing: PodTiming;
  /** pod status writes and deletes in flight at once */
  writeConcurrency: number;
  log: (line: string) => void;
}

export const DEFAULT_OPTIONS: Omit<HollowClusterOptions, 'nodes'> = {
  namePrefix: 'hollow-node-',
  heartbeatIntervalMs: 10_000,
  statusIntervalMs: 300_000,
  shape: { cpu: '4', memory: '16Gi', maxPods: 110, leaseDurationSeconds: 40 },
  timing: DEFAULT_TIMING,
  writeConcurrency: 32,
  log: (line) => console.log(line),
};

interface SimNode {
  name: string;
  index: number;
  ip: string;
  uid?: string;
  registered: boolean;
  /** deleted from the API after registering: a kubelet does not come back from that */
  gone: boolean;
  stopped: boolean;
  ips?: PodIps;
  leaseRv?: string;
  readySince: number;
  lastStatusAt: number;
  needStatus: boolean;
  /** keys of the pods bound to this node */
  pods: Set<string>;
}

const HEARTBEAT_TICK_MS = 50;

export class HollowCluster {
  private readonly opts: HollowClusterOptions;
  private readonly nodes: SimNode[] = [];
  private readonly byName = new Map<string, SimNode>();
  private readonly pods = new Map<string, SimPod>();
  private readonly podRunner: KeyedRunner;
  private readonly heartbeatRunner: KeyedRunner;
  private registeredCount = 0;
  private heartbeatStart = 0;
  private heartbeatCursor = 0;
  private lastErrorLog = 0;

  /** `api` carries pods and nodes; `leases` (a client of its own) keeps heartbeats from queueing behind pod writes. */
  constructor(private readonly api: RestClient, private readonly leases: RestClient, options: Partial<HollowClusterOptions> & { nodes: number }) {
    this.opts = { ...DEFAULT_OPTIONS, ...options };
    for (let i = 0; i < this.opts.nodes; i++) {
      const name = `${this.opts.namePrefix}${i}`;
      const node: SimNode = { name, index: i, ip: hollowNodeIp(i), registered: false, gone: false, stopped: false, readySince: 0, lastStatusAt: 0, needStatus: false, pods: new Set() };
      this.nodes.push(node);
      this.byName.set(name, node);
    }
    const retry = (runner: () => KeyedRunner) => (key: string, err: unknown) => {
      this.logError(`hollow nodes: ${key}: ${(err as Error).message}`);
      setTimeout(() => runner().add(key), 1000).unref();
    };
    this.podRunner = new KeyedRunner(this.opts.writeConcurrency, (k) => this.syncPod(k), retry(() => this.podRunner));
    this.heartbeatRunner = new KeyedRunner(16, (k) => this.heartbeat(k), retry(() => this.heartbeatRunner));
  }

  /** Registers the nodes, then heartbeats and runs their pods until the signal aborts. Nodes are left in place. */
  async run(signal: AbortSignal): Promise<void> {
    const started = Date.now();
    const loops = [
      listWatch(this.api, '/api/v1/nodes', { labelSelector: 'node.kubernetes.io/instance-type=hollow' }, {
        upsert: (o) => this.observeNode(o),
        remove: (o) => this.forgetNode(o.metadata?.name),
        listed: (keys) => {
          for (const n of this.nodes) if (n.registered && !keys.has(`/${n.name}`)) this.forgetNode(n.name);
        },
      }, signal),
    ];
    await this.registerAll(signal);
    if (signal.aborted) return this.shutdown(loops);
    this.opts.log(`hollow nodes: all ${this.opts.nodes} registered and Ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    this.heartbeatStart = Date.now();
    const ticker = setInterval(() => this.tick(), HEARTBEAT_TICK_MS);
    loops.push(listWatch(this.api, '/api/v1/pods', { fieldSelector: 'spec.nodeName!=' }, {
      upsert: (o) => this.observePod(o),
      remove: (o) => {
        const p = this.pods.get(podKey(o));
        if (p && p.uid === o.metadata?.uid) this.forgetPod(p);
      },
      listed: (keys) => {
        for (const [k, p] of this.pods) if (!keys.has(k)) this.forgetPod(p);
      },
    }, signal));
    await new Promise<void>((r) => (signal.aborted ? r() : signal.addEventListener('abort', () => r(), { once: true })));
    clearInterval(ticker);
    return this.shutdown(loops);
  }

  private async shutdown(loops: Promise<void>[]): Promise<void> {
    this.podRunner.stop();
    this.heartbeatRunner.stop();
    for (const p of this.pods.values()) if (p.timer) clearTimeout(p.timer);
    await Promise.all([...loops, this.podRunner.idle(), this.heartbeatRunner.idle()]);
  }

  // ------------------------------------------------------------------ registration

  private async registerAll(signal: AbortSignal): Promise<void> {
    const runner = new KeyedRunner(16, async (name) => {
      for (let delay = 200; !signal.aborted; delay = Math.min(delay * 2, 5000)) {
        try {
          await this.register(this.byName.get(name)!);
          return;
        } catch (err) {
          this.logError(`hollow nodes: registering ${name}: ${(err as Error).message}`);
          await new Promise((r) => setTimeout(r, delay));
        }
      }
    });
    for (const n of this.nodes) runner.add(n.name);
    const onAbort = () => runner.stop();
    signal.addEventListener('abort', onAbort, { once: true });
    await runner.idle();
    signal.removeEventListener('abort', onAbort);
  }

  private async register(node: SimNode): Promise<void> {
    const now = Date.now();
    let obj: KObject;
    try {
      obj = await this.api.do('POST', '/api/v1/nodes', hollowNode(node.name, node.index, this.opts.shape, now));
      node.readySince = now;
      node.lastStatusAt = now;
    } catch (err) {
      if (!(err instanceof ClientError && err.code === 409)) throw err;
      // registered by an earlier run: adopt it and report Ready again
      obj = await this.api.get(`/api/v1/nodes/${node.name}`);
      node.needStatus = !isStopped(obj);
    }
    node.uid = obj.metadata?.uid;
    node.registered = true;
    this.observeNode(obj);
    if (node.stopped) node.needStatus = false;
    else {
      // the Lease right away, as a kubelet does after registering; later renewals are spread over the interval
      await this.renewLease(node);
      if (node.needStatus) await this.postStatus(node);
    }
    this.registeredCount++;
    if (this.registeredCount % 100 === 0 && this.registeredCount < this.opts.nodes) this.opts.log(`hollow nodes: ${this.registeredCount}/${this.opts.nodes} registered`);
  }

  private observeNode(obj: KObject): void {
    const node = this.byName.get(obj.metadata?.name);
    if (!node || !node.registered) return;
    node.gone = false;
    node.uid = obj.metadata?.uid ?? node.uid;
    const cidr: string | undefined = obj.spec?.podCIDR;
    let kick = false;
    if (cidr && node.ips?.cidr !== cidr) {
      try {
        node.ips = new PodIps(cidr);
        for (const k of node.pods) {
          const p = this.pods.get(k);
          if (p?.podIP && p.ipHeld !== false && !p.hostNetwork && !p.terminal) p.ipHeld = node.ips.reserve(p.podIP) || p.ipHeld;
        }
        kick = true;
      } catch (err) {
        this.logError((err as Error).message);
      }
    }
    const stopped = isStopped(obj);
    if (stopped !== node.stopped) {
      node.stopped = stopped;
      this.opts.log(`hollow nodes: ${node.name}: heartbeats ${stopped ? 'stopped' : 'resumed'} (${HEARTBEAT_ANNOTATION} annotation)`);
      if (!stopped) kick = true;
    }
    const ready = (obj.status?.conditions ?? []).find((c: KObject) => c?.type === 'Ready');
    if (!stopped && ready?.status !== 'True') {
      // someone (the node lifecycle controller) marked us not Ready while we are alive: report again at once
      if (!node.needStatus) node.readySince = Date.now();
      node.needStatus = true;
      this.heartbeatRunner.add(node.name);
    }
    if (kick) for (const k of node.pods) this.podRunner.add(k);
  }

  /** The watch lost sight of a node (deleted, or its hollow label removed): it stays down only if it is really gone. */
  private forgetNode(name: string | undefined, confirmed = false): void {
    const node = name ? this.byName.get(name) : undefined;
    if (!node || !node.registered || node.gone) return;
    if (!confirmed) {
      this.api.get(`/api/v1/nodes/${node.name}`).then(
        () => {},
        (err) => {
          if (err instanceof ClientError && err.code === 404) this.forgetNode(node.name, true);
        },
      );
      return;
    }
    node.gone = true;
    this.opts.log(`hollow nodes: ${node.name} was deleted from the API; it stays down`);
  }

  // ------------------------------------------------------------------ heartbeats

  /** Spreads the renewals evenly over the interval: node i renews at offset i/N of it. */
  private tick(): void {
    const n = this.nodes.length;
    if (n === 0) return;
    const due = Math.floor(((Date.now() - this.heartbeatStart) * n) / this.opts.heartbeatIntervalMs);
    if (due - this.heartbeatCursor > n) this.heartbeatCursor = due - n;
    while (this.heartbeatCursor < due) {
      const node = this.nodes[this.heartbeatCursor % n];
      this.heartbeatCursor++;
      if (node.registered && !node.gone && !node.stopped) this.heartbeatRunner.add(node.name);
    }
  }

  private async heartbeat(name: string): Promise<void> {
    const node = this.byName.get(name)!;
    if (!node.registered || node.gone || node.stopped) return;
    await this.renewLease(node);
    const jitter = (node.index * 7919) % 10_000;
    if (node.needStatus || Date.now() - node.lastStatusAt >= this.opts.statusIntervalMs + jitter) await this.postStatus(node);
  }

  private async renewLease(node: SimNode): Promise<void> {
    const path = `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases`;
    for (let attempt = 0; attempt < 3; attempt++) {
      const lease = nodeLease(node.name, node.uid, this.opts.shape.leaseDurationSeconds, Date.now(), node.leaseRv);
      try {
        const res = node.leaseRv === undefined ? await this.leases.do('POST', path, lease) : await this.leases.do('PUT', `${path}/${node.name}`, lease);
        node.leaseRv = res.metadata?.resourceVersion;
        return;
      } catch (err) {
        if (!(err instanceof ClientError)) throw err;
        if (err.code === 404) node.leaseRv = undefined;
        else if (err.code === 409) node.leaseRv = (await this.getLease(node.name))?.metadata?.resourceVersion;
        else throw err;
      }
    }
  }

  private async getLease(name: string): Promise<KObject | undefined> {
    try {
      return await this.leases.get(`/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${name}`);
    } catch (err) {
      if (err instanceof ClientError && err.code === 404) return undefined;
      throw err;
    }
  }

  private async postStatus(node: SimNode): Promise<void> {
    const now = Date.now();
    if (!node.readySince) node.readySince = now;
    try {
      // strategic merge: conditions merge by type, so ones other components own (NetworkUnavailable) stay
      await this.api.do('PATCH', `/api/v1/nodes/${node.name}/status`, { status: { conditions: nodeConditions(now, node.readySince) } }, 'application/strategic-merge-patch+json');
      node.needStatus = false;
      node.lastStatusAt = now;
    } catch (err) {
      if (err instanceof ClientError && err.code === 404) return this.forgetNode(node.name, true);
      throw err;
    }
  }

  // ------------------------------------------------------------------ pods

  private observePod(obj: KObject): void {
    const key = podKey(obj);
    const node = this.byName.get(obj.spec?.nodeName);
    let p = this.pods.get(key);
    if (p && (p.uid !== obj.metadata?.uid || !node)) {
      this.forgetPod(p);
      p = undefined;
    }
    if (!node) return;
    const now = Date.now();
    if (!p) {
      p = toSimPod(obj, now, this.opts.timing);
      if (p.podIP && !p.hostNetwork && !p.terminal && node.ips) p.ipHeld = node.ips.reserve(p.podIP);
      this.pods.set(key, p);
      node.pods.add(key);
    } else {
      p.rv = obj.metadata?.resourceVersion ?? p.rv;
      p.observed = statusFingerprint(obj.status);
      p.terminal = isTerminalPhase(obj.status?.phase);
      if (obj.metadata?.deletionTimestamp && p.deletingSince === undefined) p.deletingSince = now;
    }
    this.podRunner.add(key);
  }

  private forgetPod(p: SimPod): void {
    const key = `${p.namespace}/${p.name}`;
    if (p.timer) clearTimeout(p.timer);
    this.pods.delete(key);
    const node = this.byName.get(p.nodeName);
    node?.pods.delete(key);
    this.releaseIp(p, node);
  }

  private releaseIp(p: SimPod, node: SimNode | undefined): void {
    if (p.ipHeld && p.podIP) node?.ips?.release(p.podIP);
    p.ipHeld = false;
  }

  /** Level-based: brings the pod's status in the API to what the hollow kubelet reports now. */
  private async syncPod(key: string): Promise<void> {
    const p = this.pods.get(key);
    if (!p) return;
    const node = this.byName.get(p.nodeName);
    // a dead kubelet does nothing: its pods wait (Terminating ones too) until heartbeats resume
    if (!node || node.stopped || node.gone) return;
    if (p.timer) {
      clearTimeout(p.timer);
      p.timer = undefined;
    }
    if (p.terminal) {
      this.releaseIp(p, node);
      if (p.deletingSince !== undefined) await this.deletePod(p);
      return;
    }
    // deleted before it ever started: nothing to stop, nothing to report
    if (p.deletingSince !== undefined && !p.podIP) return this.deletePod(p);
    if (!p.podIP) {
      if (p.hostNetwork) p.podIP = node.ip;
      else {
        if (!node.ips) return; // waits for node IPAM; observeNode kicks the pods when the CIDR arrives
        const ip = node.ips.allocate();
        if (!ip) return this.logError(`hollow nodes: ${node.name}: pod CIDR ${node.ips.cidr} is full; ${key} waits`);
        p.podIP = ip;
        p.ipHeld = true;
      }
    }
    p.hostIP = node.ip;
    const now = Date.now();
    const { status, nextAt } = desiredStatus(p, now, this.opts.timing);
    if (statusFingerprint(status) !== p.observed) {
      try {
        const res = await this.api.do('PUT', `/api/v1/namespaces/${p.namespace}/pods/${p.name}/status`, {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: p.name, namespace: p.namespace, uid: p.uid, resourceVersion: p.rv },
          status,
        });
        if (this.pods.get(key) !== p) return;
        p.rv = res.metadata?.resourceVersion ?? p.rv;
        p.observed = statusFingerprint(res.status);
        p.terminal = isTerminalPhase(res.status?.phase);
      } catch (err) {
        // 409: a newer version is on its way through the watch, which syncs again; 404: it is gone
        if (err instanceof ClientError && (err.code === 409 || err.code === 404)) return;
        throw err;
      }
    }
    if (p.terminal) {
      this.releaseIp(p, node);
      if (p.deletingSince !== undefined) await this.deletePod(p);
    } else if (nextAt !== undefined) {
      p.timer = setTimeout(() => this.podRunner.add(key), Math.max(0, nextAt - Date.now()) + 5);
    }
  }

  /** The kubelet's last word on a finished pod: delete it for good, only if it is still the same pod. */
  private async deletePod(p: SimPod): Promise<void> {
    try {
      await this.api.do('DELETE', `/api/v1/namespaces/${p.namespace}/pods/${p.name}`, { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0, preconditions: { uid: p.uid } });
    } catch (err) {
      if (err instanceof ClientError && (err.code === 404 || err.code === 409)) return;
      throw err;
    }
  }

  private logError(line: string): void {
    const now = Date.now();
    if (now - this.lastErrorLog < 1000) return;
    this.lastErrorLog = now;
    this.opts.log(line);
  }
}

function isStopped(node: KObject): boolean {
  return node.metadata?.annotations?.[HEARTBEAT_ANNOTATION] === 'stop';
}

function podKey(o: KObject): string {
  return `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
}
