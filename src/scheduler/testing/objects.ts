// Builders of Node and Pod objects for scheduler tests and the bench fixture.

import type { KObject } from '../../api/strategy.js';
import { NodeInfo } from '../framework/node-info.js';
import { PodInfo } from '../framework/pod-info.js';
import type { FilterPlugin, Handle, NodeInfoLister, PreFilterPlugin } from '../framework/interfaces.js';
import { CycleState } from '../framework/cycle-state.js';
import { Code } from '../framework/status.js';
import { SchedulingQueue } from '../scheduling-queue.js';

export interface NodeSpec {
  cpu?: string;
  memory?: string;
  pods?: number;
  ephemeralStorage?: string;
  labels?: Record<string, string>;
  taints?: { key: string; value?: string; effect: string }[];
  unschedulable?: boolean;
  extra?: Record<string, string>;
}

/** A Ready node with allocatable cpu/memory/pods (defaults 4 cpu, 8Gi, 110 pods) and a hostname label. */
export function makeNode(name: string, s: NodeSpec = {}): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(s.labels ?? {}) } },
    spec: { ...(s.taints ? { taints: s.taints } : {}), ...(s.unschedulable ? { unschedulable: true } : {}) },
    status: {
      allocatable: { cpu: s.cpu ?? '4', memory: s.memory ?? '8Gi', pods: String(s.pods ?? 110), ...(s.ephemeralStorage ? { 'ephemeral-storage': s.ephemeralStorage } : {}), ...(s.extra ?? {}) },
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  };
}

export interface PodSpecInput {
  namespace?: string;
  cpu?: string;
  memory?: string;
  priority?: number;
  nodeName?: string;
  labels?: Record<string, string>;
  schedulerName?: string;
  /** merged into spec */
  spec?: KObject;
}

/** A pending pod with one container requesting cpu/memory (when given). */
export function makePod(name: string, s: PodSpecInput = {}): KObject {
  const requests: Record<string, string> = {};
  if (s.cpu) requests.cpu = s.cpu;
  if (s.memory) requests.memory = s.memory;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: s.namespace ?? 'default', labels: s.labels ?? {} },
    spec: {
      schedulerName: s.schedulerName ?? 'default-scheduler',
      containers: [{ name: 'c', image: 'localhost/busybox:1.35', resources: { requests } }],
      ...(s.priority !== undefined ? { priority: s.priority } : {}),
      ...(s.nodeName ? { nodeName: s.nodeName } : {}),
      ...(s.spec ?? {}),
    },
    status: { phase: 'Pending' },
  };
}


/** A NodeInfo of the node with the pods placed on it. */
export function makeNodeInfo(node: KObject, pods: KObject[] = []): NodeInfo {
  const ni = new NodeInfo(node.metadata.name, node);
  for (const p of pods) ni.addPod(PodInfo.of({ ...p, spec: { ...p.spec, nodeName: node.metadata.name } }));
  return ni;
}

/** A NodeInfoLister over fixed NodeInfos. */
export function listerOf(nodes: NodeInfo[]): NodeInfoLister {
  return {
    list: () => nodes,
    get: (n) => nodes.find((x) => x.name === n),
    podsWithAffinity: () => nodes.reduce((s, n) => s + n.podsWithAffinity, 0),
    podsWithRequiredAntiAffinity: () => nodes.reduce((s, n) => s + n.podsWithRequiredAntiAffinity, 0),
  };
}

/** A Handle for plugin unit tests: the given nodes, no clientset, a recorder that drops events. */
export function fakeHandle(nodes: NodeInfo[]): Handle {
  const nominator = new SchedulingQueue();
  return {
    clientset: undefined,
    recorder: { event: () => undefined },
    nodeInfos: listerOf(nodes),
    nominator,
    framework: () => {
      throw new Error('no framework in this handle');
    },
    getWaitingPod: () => undefined,
    currentPod: () => undefined,
  };
}

/** Runs a plugin's PreFilter then Filter on every node: node name → 'ok' or '<Code>: <message>' ({skip} when PreFilter skips). */
export function filterEachNode(plugin: PreFilterPlugin & FilterPlugin, pod: PodInfo, nodes: NodeInfo[]): Record<string, string> {
  const state = new CycleState();
  const pre = plugin.preFilter(state, pod, nodes);
  if (pre.status.isSkip()) return { skip: 'Skip' };
  const out: Record<string, string> = {};
  for (const n of nodes) {
    const s = plugin.filter(state, pod, n);
    out[n.name] = s.isSuccess() ? 'ok' : `${Code[s.code]}: ${s.message()}`;
  }
  return out;
}
