// Node selection rules of a pod: spec.nodeSelector plus required node affinity terms (upstream's RequiredNodeAffinity).

import type { KObject } from '../../api/strategy.js';

export interface NodeSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt' | string;
  values: string[];
}

export interface NodeSelectorTerm {
  matchExpressions: NodeSelectorRequirement[];
  matchFields: NodeSelectorRequirement[];
}

const INT_RE = /^[+-]?[0-9]+$/;

function parseRequirements(list: unknown): NodeSelectorRequirement[] {
  if (!Array.isArray(list)) return [];
  return list.map((r: KObject) => ({ key: String(r?.key ?? ''), operator: String(r?.operator ?? ''), values: Array.isArray(r?.values) ? r.values.map(String) : [] }));
}

export function parseNodeSelectorTerm(t: KObject | undefined): NodeSelectorTerm {
  return { matchExpressions: parseRequirements(t?.matchExpressions), matchFields: parseRequirements(t?.matchFields) };
}

/** One requirement against a map of values (labels, or {metadata.name} for fields). Unknown operators never match. */
export function matchRequirement(r: NodeSelectorRequirement, values: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(values, r.key);
  switch (r.operator) {
    case 'In':
      return has && r.values.includes(values[r.key]);
    case 'NotIn':
      return !has || !r.values.includes(values[r.key]);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      if (!has || r.values.length !== 1 || !INT_RE.test(values[r.key]) || !INT_RE.test(r.values[0])) return false;
      const a = BigInt(values[r.key]);
      const b = BigInt(r.values[0]);
      return r.operator === 'Gt' ? a > b : a < b;
    }
    default:
      return false;
  }
}

/** A term matches when all its expressions and fields match; a term with neither matches nothing. */
export function matchNodeSelectorTerm(term: NodeSelectorTerm, labels: Record<string, string>, nodeName: string): boolean {
  if (term.matchExpressions.length === 0 && term.matchFields.length === 0) return false;
  for (const r of term.matchExpressions) if (!matchRequirement(r, labels)) return false;
  if (term.matchFields.length > 0) {
    const fields = { 'metadata.name': nodeName };
    for (const r of term.matchFields) {
      if (r.key !== 'metadata.name') return false;
      if (!matchRequirement(r, fields)) return false;
    }
  }
  return true;
}

/**
 * The node-selection constraints a pod must satisfy: every nodeSelector label, and (when
 * present) at least one of the required node affinity terms (terms are ORed).
 */
export class RequiredNodeAffinity {
  readonly nodeSelector: [string, string][];
  /** undefined: no required affinity */
  readonly terms: NodeSelectorTerm[] | undefined;

  constructor(pod: KObject) {
    const sel = pod?.spec?.nodeSelector;
    this.nodeSelector = sel && typeof sel === 'object' ? Object.entries(sel).map(([k, v]) => [k, String(v)]) : [];
    const req = pod?.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    this.terms = req && Array.isArray(req.nodeSelectorTerms) ? req.nodeSelectorTerms.map(parseNodeSelectorTerm) : undefined;
  }

  /** true when the pod constrains nodes at all */
  get isEmpty(): boolean {
    return this.nodeSelector.length === 0 && this.terms === undefined;
  }

  match(labels: Record<string, string>, nodeName: string): boolean {
    for (const [k, v] of this.nodeSelector) if (labels[k] !== v) return false;
    if (this.terms === undefined) return true;
    for (const t of this.terms) if (matchNodeSelectorTerm(t, labels, nodeName)) return true;
    return false;
  }

  /**
   * The node names the terms pin the pod to through matchFields metadata.name In, or
   * undefined when some term does not restrict names (the union over terms, as upstream's PreFilter).
   */
  pinnedNodeNames(): Set<string> | undefined {
    if (this.terms === undefined || this.terms.length === 0) return undefined;
    const out = new Set<string>();
    for (const t of this.terms) {
      let names: Set<string> | undefined;
      for (const r of t.matchFields) {
        if (r.key !== 'metadata.name' || r.operator !== 'In') continue;
        const vals = new Set(r.values);
        names = names === undefined ? vals : new Set([...names].filter((n) => vals.has(n)));
      }
      if (names === undefined) return undefined;
      for (const n of names) out.add(n);
    }
    return out;
  }
}
