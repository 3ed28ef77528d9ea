// Completion indexes of Indexed Jobs: the pod annotation/label, and the "1,3-5" interval form of status.completedIndexes.

import type { KObject } from '../../api/strategy.js';

export const COMPLETION_INDEX_ANNOTATION = 'batch.kubernetes.io/job-completion-index';
export const COMPLETION_INDEX_LABEL = 'batch.kubernetes.io/job-completion-index';
export const COMPLETION_INDEX_ENV = 'JOB_COMPLETION_INDEX';
/** upstream's names.MaxGeneratedNameLength */
const MAX_GENERATED_NAME_LENGTH = 58;

/** the pod's completion index, -1 when absent or invalid */
export function completionIndex(pod: KObject): number {
  const v = pod.metadata?.annotations?.[COMPLETION_INDEX_ANNOTATION];
  if (typeof v !== 'string' || !/^\d+$/.test(v)) return -1;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : -1;
}

/** a set of indexes kept as sorted, merged [first, last] intervals */
export class IndexSet {
  private readonly set = new Set<number>();

  constructor(indexes: Iterable<number> = []) {
    for (const i of indexes) this.set.add(i);
  }

  /** parses "1,3-5" keeping only indexes below completions (bad parts are skipped, as upstream) */
  static parse(s: string | undefined, completions: number): IndexSet {
    const out = new IndexSet();
    if (!s) return out;
    for (const part of s.split(',')) {
      const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
      if (!m) continue;
      const first = Number(m[1]);
      const last = Math.min(m[2] === undefined ? first : Number(m[2]), completions - 1);
      for (let i = first; i <= last; i++) out.set.add(i);
    }
    return out;
  }

  has(i: number): boolean {
    return this.set.has(i);
  }

  add(i: number): void {
    this.set.add(i);
  }

  get total(): number {
    return this.set.size;
  }

  /** "1,3-5" */
  toString(): string {
    const xs = [...this.set].sort((a, b) => a - b);
    const parts: string[] = [];
    for (let i = 0; i < xs.length; ) {
      let j = i;
      while (j + 1 < xs.length && xs[j + 1] === xs[j] + 1) j++;
      parts.push(i === j ? String(xs[i]) : `${xs[i]}-${xs[j]}`);
      i = j + 1;
    }
    return parts.join(',');
  }
}

/** upstream's podGenerateNameWithIndex: "<job>-<index>-", the job name cut so the prefix fits */
export function indexedGenerateName(job: string, index: number): string {
  const suffix = `-${index}-`;
  const prefix = job + suffix;
  return prefix.length > MAX_GENERATED_NAME_LENGTH ? job.slice(0, MAX_GENERATED_NAME_LENGTH - suffix.length) + suffix : prefix;
}

/** upstream's addCompletionIndexEnvVariables: JOB_COMPLETION_INDEX from the annotation, in every (init) container */
export function addIndexEnv(podSpec: KObject): void {
  for (const list of [podSpec.initContainers, podSpec.containers]) {
    for (const c of Array.isArray(list) ? list : []) {
      c.env ??= [];
      if (c.env.some((e: KObject) => e.name === COMPLETION_INDEX_ENV)) continue;
      c.env.push({ name: COMPLETION_INDEX_ENV, valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: `metadata.annotations['${COMPLETION_INDEX_ANNOTATION}']` } } });
    }
  }
}
