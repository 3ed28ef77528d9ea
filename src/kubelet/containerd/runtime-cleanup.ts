// Forcibly removes what a node's containerd left on the machine: containers, shims, mounts under the data dir, the node's cgroups.

import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, rmdirSync, existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { ContainerdLayout } from './containerd-config.js';

const run = promisify(execFile);

export interface CleanupReport {
  containers: string[];
  shimPids: number[];
  unmounted: string[];
  cgroups: string[];
  /** what could not be removed, with why */
  errors: string[];
}

/** mountinfo escapes space, tab, newline and backslash as octal */
function unescapeMount(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Mount points of this mount namespace, from /proc/self/mountinfo, with their filesystem type. */
export function mounts(): { mountPoint: string; fsType: string }[] {
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter(Boolean).map((line) => {
    const fields = line.split(' ');
    const sep = fields.indexOf('-');
    return { mountPoint: unescapeMount(fields[4]), fsType: fields[sep + 1] };
  });
}

/** Mount points at or below `dir` (deepest first, so they can be unmounted in order). */
export function mountsUnder(dir: string): string[] {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  return mounts().map((m) => m.mountPoint).filter((p) => p === dir || p.startsWith(prefix)).sort((a, b) => b.length - a.length);
}

/** PIDs of containerd-shim-runc-v2 processes started by the containerd serving `address` (their argv has `-address <address>`). */
export function shimPids(address: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (!argv[0]?.endsWith('containerd-shim-runc-v2')) continue;
    const i = argv.indexOf('-address');
    if (i >= 0 && argv[i + 1] === address) out.push(Number(entry));
  }
  return out;
}

/** The mount points of every cgroup hierarchy (v1 controllers and the v2 unified tree). */
export function cgroupMounts(): string[] {
  return mounts().filter((m) => m.fsType === 'cgroup' || m.fsType === 'cgroup2').map((m) => m.mountPoint);
}

/**
 * Removes `<hierarchy>/<cgroupRoot>` and everything below in every hierarchy, deepest first, then
 * its now-empty parents (e.g. /k8ts when no other node has a tree there); returns what was removed.
 * Fails (into `errors`) only for cgroups that still hold processes.
 */
export function removeCgroupTree(cgroupRoot: string, errors: string[] = []): string[] {
  const removed: string[] = [];
  const rel = cgroupRoot.replace(/^\/+/, '');
  if (!rel) throw new Error('removeCgroupTree: refusing to remove a hierarchy root');
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) walk(join(dir, e.name));
    try {
      rmdirSync(dir);
      removed.push(dir);
    } catch (err) {
      errors.push(`rmdir ${dir}: ${(err as Error).message}`);
    }
  };
  for (const mount of cgroupMounts()) {
    const top = join(mount, rel);
    if (!existsSync(top) || !statSync(top).isDirectory()) continue;
    walk(top);
    // then the parents the tree was made under (/k8ts), if no other node uses them
    for (let dir = dirname(top); dir.length > mount.length && dir.startsWith(`${mount}/`); dir = dirname(dir)) {
      try {
        rmdirSync(dir);
        removed.push(dir);
      } catch {
        break;
      }
    }
  }
  return removed;
}

/**
 * Best effort, idempotent, for after containerd is stopped (or dead): kills and deletes every
 * runc container under the node's runc root, SIGKILLs the node's shims (by PID), unmounts
 * everything under the containerd dir (rootfs overlays, sandbox shm, pod netns pins), and
 * removes the node's cgroup tree `cgroupRoot` (e.g. /k8ts/<node>) in every hierarchy. Touches
 * nothing of another containerd: runc root, shim address, mount paths and cgroup root are
 * the node's own.
 */
export async function cleanupRuntime(layout: ContainerdLayout, opts: { cgroupRoot?: string; runcBin?: string } = {}): Promise<CleanupReport> {
  const report: CleanupReport = { containers: [], shimPids: [], unmounted: [], cgroups: [], errors: [] };
  const runc = opts.runcBin ?? 'runc';
  if (existsSync(layout.runcRoot)) {
    for (const ns of readdirSync(layout.runcRoot)) {
      const root = join(layout.runcRoot, ns);
      let list: { id: string }[] = [];
      try {
        const { stdout } = await run(runc, ['--root', root, 'list', '--format', 'json']);
        list = JSON.parse(stdout || 'null') ?? [];
      } catch (err) {
        report.errors.push(`runc list ${root}: ${(err as Error).message}`);
      }
      for (const { id } of list) {
        try {
          await run(runc, ['--root', root, 'delete', '--force', id]);
          report.containers.push(id);
        } catch (err) {
          report.errors.push(`runc delete ${id}: ${(err as Error).message}`);
        }
      }
    }
  }
  for (const pid of shimPids(layout.address)) {
    try {
      process.kill(pid, 'SIGKILL');
      report.shimPids.push(pid);
    } catch (err) {
      report.errors.push(`kill shim ${pid}: ${(err as Error).message}`);
    }
  }
  for (const mountPoint of mountsUnder(layout.dir)) {
    try {
      await run('umount', [mountPoint]);
      report.unmounted.push(mountPoint);
    } catch {
      try {
        await run('umount', ['--lazy', mountPoint]);
        report.unmounted.push(mountPoint);
      } catch (err) {
        report.errors.push(`umount ${mountPoint}: ${(err as Error).message}`);
      }
    }
  }
  if (opts.cgroupRoot) {
    // killed processes leave their cgroups a moment after SIGKILL: retry for up to 2 s
    for (let attempt = 0; ; attempt++) {
      const errors: string[] = [];
      report.cgroups.push(...removeCgroupTree(opts.cgroupRoot, errors));
      if (errors.length === 0 || attempt === 20) {
        report.errors.push(...errors);
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return report;
}
