// Memory of a process from /proc/<pid>/status (Linux): resident set now (VmRSS) and its peak (VmHWM).

import { readFileSync } from 'node:fs';

/** The field in MiB (the kernel reports kB = KiB); throws when the process is gone. */
function field(pid: number, name: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!m) throw new Error(`/proc/${pid}/status has no ${name}`);
  return Number(m[1]) / 1024;
}

export function rssMiB(pid: number): number {
  return field(pid, 'VmRSS');
}

export function peakRssMiB(pid: number): number {
  return field(pid, 'VmHWM');
}
