// Node health decisions (pure, clock passed in): when a node was last heard from, and the conditions once it is silent too long.

import type { KObject } from '../../api/strategy.js';

/** What the controller remembers of a node between reconciles (upstream's nodeHealthData). */
export interface NodeHealth {
  /** Ready condition's lastHeartbeatTime last seen */
  readyHeartbeat?: string;
  /** Lease spec.renewTime last seen */
  leaseRenewTime?: string;
  /** controller-clock ms when the node was last heard from (a new heartbeat or a renewed Lease) */
  probeAt: number;
}

/** Conditions the controller sets to Unknown when the kubelet goes silent (not NetworkUnavailable: not the kubelet's). */
export const KUBELET_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

export function nodeCondition(node: KObject, type: string): KObject | undefined {
  return (node.status?.conditions ?? []).find((c: KObject) => c?.type === type);
}

/**
 * Upstream's probe-timestamp rule: the controller trusts its own clock, not the node's. The
 * probe time moves to `now` whenever a new Ready heartbeat or a newer Lease renewTime is seen,
 * and starts at `now` for a node seen for the first time (so a restarted controller gives every
 * node a full grace period); a node that never posted a Ready condition counts from its creation.
 */
export function observeHealth(prev: NodeHealth | undefined, node: KObject, lease: KObject | undefined, now: number): NodeHealth {
  const ready = nodeCondition(node, 'Ready');
  const heartbeat: string | undefined = ready?.lastHeartbeatTime ?? undefined;
  const renew: string | undefined = lease?.spec?.renewTime ?? undefined;
  let probeAt: number;
  if (!prev) {
    const created = Date.parse(node.metadata?.creationTimestamp ?? '');
    probeAt = ready || Number.isNaN(created) ? now : Math.min(now, created);
  } else if (heartbeat !== prev.readyHeartbeat) probeAt = now;
  else probeAt = prev.probeAt;
  if (prev && renew && (!prev.leaseRenewTime || Date.parse(renew) > Date.parse(prev.leaseRenewTime))) probeAt = now;
  return { readyHeartbeat: heartbeat, leaseRenewTime: renew ?? prev?.leaseRenewTime, probeAt };
}

/** The grace period that applies: nodes that never posted Ready get the (longer) startup grace. */
export function gracePeriodFor(node: KObject, graceMs: number, startupGraceMs: number): number {
  return nodeCondition(node, 'Ready') ? graceMs : startupGraceMs;
}

/**
 * When the node has been silent longer than the grace period: its conditions with every kubelet
 * condition Unknown (reason NodeStatusUnknown, or NodeStatusNeverUpdated for ones never posted).
 * Undefined when nothing changes (already Unknown, or not silent long enough).
 */
export function silentNodeConditions(node: KObject, health: NodeHealth, now: number, graceMs: number): KObject[] | undefined {
  if (now <= health.probeAt + graceMs) return undefined;
  const ts = rfc3339(now);
  const conditions: KObject[] = (node.status?.conditions ?? []).map((c: KObject) => ({ ...c }));
  let changed = false;
  for (const type of KUBELET_CONDITIONS) {
    const c = conditions.find((x) => x.type === type);
    if (!c) {
      conditions.push({ type, status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.', lastHeartbeatTime: node.metadata?.creationTimestamp, lastTransitionTime: ts });
      changed = true;
    } else if (c.status !== 'Unknown') {
      c.status = 'Unknown';
      c.reason = 'NodeStatusUnknown';
      c.message = 'Kubelet stopped posting node status.';
      c.lastTransitionTime = ts;
      changed = true;
    }
  }
  return changed ? conditions : undefined;
}

/** ms until the node counts as silent (≤ 0: already), for requeueing. */
export function msUntilSilent(health: NodeHealth, now: number, graceMs: number): number {
  return health.probeAt + graceMs - now;
}

export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
