// DaemonSet helpers (upstream's daemon/util): the tolerations daemon pods get, pinning a pod to a node, update checks.

import type { KObject } from '../../api/strategy.js';
import { TEMPLATE_GENERATION_ANNOTATION } from '../../api/kinds/daemonset.js';
import { scaledValue } from '../workloads-common/int-or-percent.js';
import { CONTROLLER_REVISION_HASH_LABEL } from '../workloads-common/history.js';

/** the label with the DaemonSet's template generation on its pods (upstream's DaemonSetTemplateGenerationKey) */
export const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';

/** upstream's AddOrUpdateDaemonPodTolerations: what every daemon pod tolerates (as Exists tolerations) */
export function daemonTolerations(podSpec: KObject): KObject[] {
  const extra: [string, string][] = [
    ['node.kubernetes.io/not-ready', 'NoExecute'],
    ['node.kubernetes.io/unreachable', 'NoExecute'],
    ['node.kubernetes.io/disk-pressure', 'NoSchedule'],
    ['node.kubernetes.io/memory-pressure', 'NoSchedule'],
    ['node.kubernetes.io/pid-pressure', 'NoSchedule'],
    ['node.kubernetes.io/unschedulable', 'NoSchedule'],
  ];
  if (podSpec.hostNetwork) extra.push(['node.kubernetes.io/network-unavailable', 'NoSchedule']);
  const out: KObject[] = [...(podSpec.tolerations ?? [])].map((t) => ({ ...t }));
  for (const [key, effect] of extra) {
    const tol = { key, operator: 'Exists', effect };
    // as upstream's AddOrUpdateTolerationInPod: a toleration of the same key, operator, value and effect is replaced
    const i = out.findIndex((t) => t.key === key && (t.operator ?? 'Equal') === 'Exists' && t.effect === effect);
    if (i >= 0) out[i] = tol;
    else out.push(tol);
  }
  return out;
}

/** the spec a daemon pod for this node would have (for the node predicates) */
export function daemonPodSpec(ds: KObject, nodeName: string): KObject {
  const spec = structuredClone(ds.spec?.template?.spec ?? {});
  spec.nodeName = nodeName;
  spec.tolerations = daemonTolerations(spec);
  return spec;
}

/**
 * upstream's ReplaceDaemonSetPodNodeNameNodeAffinity: the required node affinity becomes one term
 * matching the field metadata.name = node, so the scheduler places the pod there.
 */
export function pinToNode(affinity: KObject | undefined, nodeName: string): KObject {
  const term = { matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] };
  const out = structuredClone(affinity ?? {});
  out.nodeAffinity ??= {};
  out.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution = { nodeSelectorTerms: [term] };
  return out;
}

/** the node a daemon pod is meant for: spec.nodeName, else its metadata.name node-affinity field (upstream's GetTargetNodeName) */
export function targetNodeName(pod: KObject): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  const terms: KObject[] = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const t of terms) {
    for (const f of t.matchFields ?? []) {
      if (f.key === 'metadata.name' && f.operator === 'In' && Array.isArray(f.values) && f.values.length === 1) return f.values[0];
    }
  }
  return undefined;
}

export function templateGeneration(ds: KObject): string | undefined {
  const v = ds.metadata?.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
  return typeof v === 'string' && /^\d+$/.test(v) ? v : undefined;
}

/** upstream's IsPodUpdated: the pod carries the current revision hash or template generation */
export function isPodUpdated(pod: KObject, hash: string, generation: string | undefined): boolean {
  const labels = pod.metadata?.labels ?? {};
  return (generation !== undefined && labels[TEMPLATE_GENERATION_LABEL] === generation) || (hash !== '' && labels[CONTROLLER_REVISION_HASH_LABEL] === hash);
}

export function isRollingUpdate(ds: KObject): boolean {
  return (ds.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

/** upstream's SurgeCount: maxSurge of the desired count, rounded up (0 unless RollingUpdate) */
export function surgeCount(ds: KObject, desired: number): number {
  if (!isRollingUpdate(ds)) return 0;
  return scaledValue(ds.spec?.updateStrategy?.rollingUpdate?.maxSurge ?? 0, desired, true);
}

/** upstream's UnavailableCount: maxUnavailable of the desired count, rounded up */
export function unavailableCount(ds: KObject, desired: number): number {
  if (!isRollingUpdate(ds)) return 0;
  return scaledValue(ds.spec?.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1, desired, true);
}

/** scheduled first, then older, then by name (upstream's podByCreationTimestampAndPhase) */
export function byScheduledThenAge(a: KObject, b: KObject): number {
  const sa = !!a.spec?.nodeName;
  const sb = !!b.spec?.nodeName;
  if (sa !== sb) return sa ? -1 : 1;
  const ta = Date.parse(a.metadata?.creationTimestamp ?? '') || 0;
  const tb = Date.parse(b.metadata?.creationTimestamp ?? '') || 0;
  if (ta !== tb) return ta - tb;
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}
