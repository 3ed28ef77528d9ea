// Node eligibility as the scheduler judges it (node selector, required node affinity, taints and tolerations), for DaemonSets.

import type { KObject } from '../../api/strategy.js';

function matchRequirement(req: KObject, value: string | undefined): boolean {
  const values: string[] = Array.isArray(req?.values) ? req.values : [];
  switch (req?.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (value === undefined || values.length !== 1 || !/^-?\d+$/.test(value) || !/^-?\d+$/.test(values[0])) return false;
      return req.operator === 'Gt' ? BigInt(value) > BigInt(values[0]) : BigInt(value) < BigInt(values[0]);
    }
    default:
      return false;
  }
}

/** one NodeSelectorTerm: its expressions (labels) and fields (only metadata.name) all hold; an empty term matches nothing */
export function matchNodeSelectorTerm(term: KObject, node: KObject): boolean {
  const exprs: KObject[] = term?.matchExpressions ?? [];
  const fields: KObject[] = term?.matchFields ?? [];
  if (exprs.length + fields.length === 0) return false;
  const labels: Record<string, string> = node.metadata?.labels ?? {};
  for (const r of exprs) if (!matchRequirement(r, Object.prototype.hasOwnProperty.call(labels, r.key) ? labels[r.key] : undefined)) return false;
  for (const r of fields) {
    if (r.key !== 'metadata.name' || (r.operator !== 'In' && r.operator !== 'NotIn')) return false;
    if (!matchRequirement(r, node.metadata?.name)) return false;
  }
  return true;
}

/** the pod's nodeSelector and required node affinity (terms ORed) both admit the node */
export function nodeMatchesPod(podSpec: KObject | undefined, node: KObject): boolean {
  const labels: Record<string, string> = node.metadata?.labels ?? {};
  for (const [k, v] of Object.entries((podSpec?.nodeSelector ?? {}) as Record<string, string>)) if (labels[k] !== v) return false;
  const required = podSpec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) return true;
  const terms: KObject[] = required.nodeSelectorTerms ?? [];
  return terms.some((t) => matchNodeSelectorTerm(t, node));
}

/** upstream's Toleration.ToleratesTaint */
export function toleratesTaint(tol: KObject, taint: KObject): boolean {
  if (tol.effect && tol.effect !== taint.effect) return false;
  if (tol.key && tol.key !== taint.key) return false;
  switch (tol.operator ?? 'Equal') {
    case 'Exists':
      return true;
    case 'Equal':
    case '':
      return (tol.value ?? '') === (taint.value ?? '');
    default:
      return false;
  }
}

/** the first taint passing `filter` that no toleration tolerates (upstream's FindMatchingUntoleratedTaint) */
export function untoleratedTaint(taints: KObject[] | undefined, tolerations: KObject[] | undefined, filter: (t: KObject) => boolean): KObject | undefined {
  for (const t of taints ?? []) {
    if (!filter(t)) continue;
    if (!(tolerations ?? []).some((tol) => toleratesTaint(tol, t))) return t;
  }
  return undefined;
}
