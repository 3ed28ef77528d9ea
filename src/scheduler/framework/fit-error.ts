// FitError: why a pod fits no node, worded as upstream's FailedScheduling message ("0/3 nodes are available: 3 Insufficient cpu.").

import type { Status } from './status.js';

export const NO_NODES_AVAILABLE = 'no nodes available to schedule pods';

/** Per-node outcomes of one scheduling attempt. */
export class Diagnosis {
  readonly nodeToStatus = new Map<string, Status>();
  /** the status of nodes absent from nodeToStatus (e.g. filtered out by a PreFilter result) */
  absentNodesStatus: Status | undefined = undefined;
  /** plugins that rejected the pod on some node (they decide which cluster events requeue it) */
  readonly unschedulablePlugins = new Set<string>();
  preFilterMsg = '';
  postFilterMsg = '';
}

/**
 * Counts each reason over all nodes: "<count> <reason>" items sorted as strings, joined
 * with ", " (upstream's sortReasonsHistogram).
 */
export function reasonHistogram(nodeToStatus: ReadonlyMap<string, Status>, numAllNodes: number, absent?: Status): string[] {
  const counts = new Map<string, number>();
  for (const st of nodeToStatus.values()) for (const r of st.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  if (absent && nodeToStatus.size < numAllNodes) {
    for (const r of absent.reasons) counts.set(r, (counts.get(r) ?? 0) + numAllNodes - nodeToStatus.size);
  }
  const out = [...counts].map(([r, n]) => `${n} ${r}`);
  out.sort();
  return out;
}

export class FitError {
  constructor(readonly podKey: string, readonly numAllNodes: number, readonly diagnosis: Diagnosis) {}

  /** "0/N nodes are available: <PreFilterMsg>. | <histogram>." then " <PostFilterMsg>" */
  message(): string {
    let msg = `0/${this.numAllNodes} nodes are available:`;
    const d = this.diagnosis;
    if (d.preFilterMsg) {
      msg += ` ${d.preFilterMsg}.`;
    } else {
      const hist = reasonHistogram(d.nodeToStatus, this.numAllNodes, d.absentNodesStatus);
      if (hist.length) msg += ` ${hist.join(', ')}.`;
    }
    if (d.postFilterMsg) msg += ` ${d.postFilterMsg}`;
    return msg;
  }
}
