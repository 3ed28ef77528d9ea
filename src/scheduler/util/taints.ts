// Taints and tolerations: parsing from objects and upstream's ToleratesTaint matching rules.

import type { KObject } from '../../api/strategy.js';

export interface Taint {
  key: string;
  value: string;
  effect: string;
}

export interface Toleration {
  key: string;
  /** 'Equal' (the default) or 'Exists' */
  operator: string;
  value: string;
  /** '' tolerates every effect */
  effect: string;
}

export function parseTaints(node: KObject | undefined): Taint[] {
  const list = node?.spec?.taints;
  if (!Array.isArray(list) || list.length === 0) return [];
  return list.map((t: KObject) => ({ key: String(t?.key ?? ''), value: String(t?.value ?? ''), effect: String(t?.effect ?? '') }));
}

export function parseTolerations(pod: KObject | undefined): Toleration[] {
  const list = pod?.spec?.tolerations;
  if (!Array.isArray(list) || list.length === 0) return [];
  return list.map((t: KObject) => ({ key: String(t?.key ?? ''), operator: String(t?.operator || 'Equal'), value: String(t?.value ?? ''), effect: String(t?.effect ?? '') }));
}

/** upstream's Toleration.ToleratesTaint: empty effect matches all effects; empty key with Exists matches all keys. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect !== '' && t.effect !== taint.effect) return false;
  if (t.key !== '' && t.key !== taint.key) return false;
  if (t.operator === 'Exists') return true;
  if (t.operator === 'Equal' || t.operator === '') return t.value === taint.value;
  return false;
}

export function tolerates(tolerations: readonly Toleration[], taint: Taint): boolean {
  for (const t of tolerations) if (toleratesTaint(t, taint)) return true;
  return false;
}

/** The first taint (of the given effects) that no toleration tolerates, if any. */
export function findUntoleratedTaint(taints: readonly Taint[], tolerations: readonly Toleration[], effects: readonly string[]): Taint | undefined {
  for (const taint of taints) {
    if (!effects.includes(taint.effect)) continue;
    if (!tolerates(tolerations, taint)) return taint;
  }
  return undefined;
}
