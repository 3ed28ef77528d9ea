// Imports OCI or docker image archives into a node's running containerd (CRI namespace k8s.io) with `ctr images import`.

import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ImportOptions {
  /** containerd's gRPC socket */
  address: string;
  /** default: ctr on PATH (Debian containerd) */
  ctrBin?: string;
  /**
   * name prefix for archive entries that carry only a tag (`org.opencontainers.image.ref.name`)
   * and no full name; k8ts' own archives name their images fully and need none
   */
  baseName?: string;
  timeoutMs?: number;
}

/**
 * Imports every image of `archive` into the `k8s.io` namespace (the one CRI serves) and unpacks
 * it for the overlayfs snapshotter, so a pod can use it at once with imagePullPolicy
 * IfNotPresent. Idempotent: re-importing the same archive changes nothing. Returns the image
 * names containerd reports.
 */
export async function importImage(archive: string, opts: ImportOptions): Promise<string[]> {
  if (!existsSync(archive)) throw new Error(`image archive ${archive} not found`);
  if (!existsSync(opts.address)) throw new Error(`cannot import ${archive}: containerd is not running (no socket at ${opts.address})`);
  const args = ['--address', opts.address, '--namespace', 'k8s.io', 'images', 'import'];
  if (opts.baseName) args.push('--base-name', opts.baseName);
  args.push(archive);
  try {
    const { stdout } = await run(opts.ctrBin ?? 'ctr', args, { timeout: opts.timeoutMs ?? 120_000, maxBuffer: 16 * 1024 * 1024 });
    return [...stdout.matchAll(/^unpacking (\S+) \(/gm)].map((m) => m[1]);
  } catch (err) {
    const e = err as Error & { stderr?: string; code?: string };
    if (e.code === 'ENOENT') throw new Error(`cannot import ${archive}: ctr not found (install the Debian package containerd)`);
    throw new Error(`ctr images import ${archive} failed: ${(e.stderr || e.message).trim()}`);
  }
}

/**
 * Imports every `*.tar` in `dir` (the node's `<dataDir>/images`) one after the other, in name
 * order (concurrent imports of archives sharing a layer contend on containerd's ingest locks and
 * are ~10x slower); returns the names per archive.
 */
export async function importImageDir(dir: string, opts: ImportOptions): Promise<Map<string, string[]>> {
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.tar')).sort() : [];
  const results = new Map<string, string[]>();
  for (const f of files) results.set(join(dir, f), await importImage(join(dir, f), opts));
  return results;
}
