// Memory of a process from /proc/<pid>/status (Linux): resident set now (VmRSS) and its peak (VmHWM);
// and its CPU time from /proc/<pid>/stat.

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

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU time (user + system) the process has used so far, in seconds, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // fields after "(comm)": state(3) ppid ... utime(14) stime(15)
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / TICKS_PER_SECOND;
}
