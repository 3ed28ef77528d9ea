// The objects a hollow node writes: its Node (labels, capacity, fake addresses, nodeInfo), conditions and Lease.

import { createHash } from 'node:crypto';
import type { KObject } from '../api/strategy.js';
import { rfc3339 } from './pod-status.js';

export interface NodeShape {
  cpu: string;
  memory: string;
  maxPods: number;
  /** the Lease's leaseDurationSeconds (kubelet: 40) */
  leaseDurationSeconds: number;
}

export const KUBELET_VERSION = 'v1.32.0-k8ts-sim';

/** A fake InternalIP in 10.255.0.0/16 (never contacted): index 0 → 10.255.0.1. */
export function hollowNodeIp(index: number): string {
  const n = (index % 65534) + 1;
  return `10.255.${Math.floor(n / 256)}.${n % 256}`;
}

/** The Node a hollow kubelet registers, Ready from the start. */
export function hollowNode(name: string, index: number, shape: NodeShape, now: number): KObject {
  const id = createHash('sha256').update(name).digest('hex');
  const capacity = { cpu: shape.cpu, memory: shape.memory, pods: String(shape.maxPods), 'ephemeral-storage': '100Gi', 'hugepages-2Mi': '0' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'beta.kubernetes.io/arch': 'amd64',
        'node.kubernetes.io/instance-type': 'hollow',
      },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: {},
    status: {
      capacity,
      allocatable: { ...capacity },
      conditions: nodeConditions(now, now),
      addresses: [
        { type: 'InternalIP', address: hollowNodeIp(index) },
        { type: 'Hostname', address: name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: id.slice(0, 32),
        systemUUID: `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20, 32)}`,
        bootID: id.slice(32, 64),
        kernelVersion: '6.1.0-k8ts-sim',
        osImage: 'k8ts hollow node',
        containerRuntimeVersion: 'sim://1.0',
        kubeletVersion: KUBELET_VERSION,
        kubeProxyVersion: KUBELET_VERSION,
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  };
}

/** The four kubelet conditions of a healthy node; `readySince` is the Ready transition time. */
export function nodeConditions(now: number, readySince: number): KObject[] {
  const hb = rfc3339(now);
  const since = rfc3339(readySince);
  return [
    { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available', lastHeartbeatTime: hb, lastTransitionTime: since },
    { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure', lastHeartbeatTime: hb, lastTransitionTime: since },
    { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available', lastHeartbeatTime: hb, lastTransitionTime: since },
    { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: hb, lastTransitionTime: since },
  ];
}

/** The node's Lease in kube-node-lease (owned by the Node, so it goes with it). */
export function nodeLease(name: string, nodeUid: string | undefined, leaseDurationSeconds: number, now: number, resourceVersion?: string): KObject {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name,
      namespace: 'kube-node-lease',
      ...(resourceVersion ? { resourceVersion } : {}),
      ...(nodeUid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: nodeUid }] } : {}),
    },
    spec: { holderIdentity: name, leaseDurationSeconds, renewTime: microTime(now) },
  };
}

/** metav1.MicroTime: RFC 3339 with microseconds. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
