// Summarizes a V8 .cpuprofile (as written by `node --cpu-prof`): the hottest functions by self time,
// and by total time (self + callees) for the project's own functions.

import { readFileSync } from 'node:fs';

interface CallFrame { functionName: string; url: string; lineNumber: number; columnNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; hitCount?: number; children?: number[] }
interface Profile { nodes: ProfileNode[]; startTime: number; endTime: number; samples?: number[]; timeDeltas?: number[] }

export interface HotFunction { name: string; where: string; ms: number; share: number }

export interface ProfileSummary {
  /** wall time the profile covers, ms */
  totalMs: number;
  /** sampled time not idle, ms */
  busyMs: number;
  self: HotFunction[];
  /** project functions (dist/src/…) by time including callees, each counted once per stack */
  total: HotFunction[];
}

function where(cf: CallFrame, root: string): string {
  if (!cf.url) return '';
  let u = cf.url.replace(/^file:\/\//, '');
  if (root && u.startsWith(root)) u = u.slice(root.length + 1);
  return `${u}:${cf.lineNumber + 1}`;
}

export function summarizeProfile(file: string, root = '', top = 15): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of p.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  // time per node from samples and their deltas (more exact than hitCount × mean interval)
  const nodeMs = new Map<number, number>();
  const samples = p.samples ?? [];
  const deltas = p.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    // timeDeltas[i] is the time before sample i; attribute the next delta to sample i
    const d = (deltas[i + 1] ?? 0) / 1000;
    nodeMs.set(samples[i], (nodeMs.get(samples[i]) ?? 0) + d);
  }
  const key = (cf: CallFrame) => `${cf.functionName || '(anonymous)'}\u0000${where(cf, root)}`;
  const selfMs = new Map<string, number>();
  const totalMs = new Map<string, number>();
  let busy = 0;
  for (const [id, ms] of nodeMs) {
    const n = byId.get(id)!;
    const name = n.callFrame.functionName;
    if (name === '(idle)') continue;
    busy += ms;
    selfMs.set(key(n.callFrame), (selfMs.get(key(n.callFrame)) ?? 0) + ms);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const cf = byId.get(cur)!.callFrame;
      if (!cf.url.includes('/dist/src/')) continue;
      const k = key(cf);
      if (seen.has(k)) continue;
      seen.add(k);
      totalMs.set(k, (totalMs.get(k) ?? 0) + ms);
    }
  }
  const list = (m: Map<string, number>): HotFunction[] => [...m]
    .sort((a, b) => b[1] - a[1]).slice(0, top)
    .map(([k, ms]) => {
      const [name, at] = k.split('\u0000');
      return { name, where: at, ms, share: busy ? ms / busy : 0 };
    });
  return { totalMs: (p.endTime - p.startTime) / 1000, busyMs: busy, self: list(selfMs), total: list(totalMs) };
}

export function formatProfile(s: ProfileSummary): string {
  const line = (h: HotFunction) => `  ${(h.share * 100).toFixed(1).padStart(5)} %  ${h.ms.toFixed(0).padStart(7)} ms  ${h.name}  ${h.where}`;
  return [
    `profile: ${(s.totalMs / 1000).toFixed(1)} s, busy ${(s.busyMs / 1000).toFixed(1)} s (${((s.busyMs / s.totalMs) * 100).toFixed(0)} % of one CPU)`,
    'hottest by self time (% of busy):',
    ...s.self.map(line),
    'project functions by total time (self + callees):',
    ...s.total.map(line),
  ].join('\n');
}
