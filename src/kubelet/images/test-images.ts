// Builds the pause image and the busybox test images from this machine's catatonit and busybox-static, as OCI archives.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../pki/atomic-write.js';
import { ociArchive, type OciImageInput } from './oci-archive.js';
import { tarArchive, type TarEntry } from './tar-writer.js';
import { BUSYBOX_REPOSITORY, PAUSE_IMAGE, TEST_IMAGE_LABEL, TEST_IMAGE_TAGS } from './image-names.js';

export interface BuildOptions {
  /** a static busybox (Debian busybox-static) */
  busybox?: string;
  /** a static catatonit (Debian catatonit) */
  catatonit?: string;
}

export interface BuiltImage {
  /** full reference, e.g. localhost/busybox:1.35 */
  name: string;
  /** the OCI archive holding it */
  archive: string;
}

const PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** `<dataDir>/images`: every archive there is imported when the node starts. */
export function imagesDir(dataDir: string): string {
  return join(dataDir, 'images');
}

function requireStatic(path: string, pkg: string): Buffer {
  if (!existsSync(path)) throw new Error(`${path} not found: install the Debian package ${pkg} (apt-get install ${pkg})`);
  const data = readFileSync(path);
  // a dynamically linked ELF has a PT_INTERP program header; its path string is in the first pages
  if (data.subarray(0, 4096).includes('/lib64/ld-linux') || data.subarray(0, 4096).includes('/lib/ld-linux')) {
    throw new Error(`${path} is dynamically linked; the image needs a static binary (Debian ${pkg})`);
  }
  return data;
}

function dirs(...names: string[]): TarEntry[] {
  return names.map((name) => ({ name, type: 'dir' as const, mode: name === 'tmp' ? 0o1777 : name === 'root' ? 0o700 : 0o755 }));
}

/** The layer of the pause image: /catatonit, run as 65535 (as upstream's pause). */
export function pauseLayer(catatonit: Buffer): Buffer {
  return tarArchive([
    ...dirs('dev', 'etc', 'proc', 'sys'),
    { name: 'catatonit', type: 'file', mode: 0o755, data: catatonit },
  ]);
}

/** The busybox layer: /bin/busybox, a symlink per applet at busybox's own install paths, passwd/group, /tmp. */
export function busyboxLayer(busybox: Buffer, applets: string[]): Buffer {
  const entries: TarEntry[] = [...dirs('bin', 'dev', 'etc', 'home', 'proc', 'root', 'sbin', 'sys', 'tmp', 'usr', 'usr/bin', 'usr/sbin', 'var', 'var/tmp')];
  entries.push({ name: 'bin/busybox', type: 'file', mode: 0o755, data: busybox });
  const seen = new Set(['bin/busybox']);
  for (const raw of applets) {
    const path = raw.trim().replace(/^\/+/, '');
    if (!path || seen.has(path) || !/^(bin|sbin|usr\/bin|usr\/sbin)\/[^/]+$/.test(path)) continue;
    seen.add(path);
    entries.push({ name: path, type: 'symlink', mode: 0o777, linkname: '/bin/busybox' });
  }
  entries.push(
    { name: 'etc/passwd', type: 'file', mode: 0o644, data: Buffer.from('root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n') },
    { name: 'etc/group', type: 'file', mode: 0o644, data: Buffer.from('root:x:0:\nnobody:x:65534:\n') },
  );
  return tarArchive(entries);
}

/**
 * Writes `pause.tar` (PAUSE_IMAGE) and `busybox-<tag>.tar` (localhost/busybox:<tag> for each
 * TEST_IMAGE_TAGS) to `<dataDir>/images/`, atomically. Reproducible: the same binaries give the
 * same digests, so rebuilding and re-importing is a no-op. No network.
 */
export async function buildTestImages(dataDir: string, opts: BuildOptions = {}): Promise<BuiltImage[]> {
  const busyboxPath = opts.busybox ?? '/bin/busybox';
  const catatonitPath = opts.catatonit ?? '/usr/bin/catatonit';
  const busybox = requireStatic(busyboxPath, 'busybox-static');
  const catatonit = requireStatic(catatonitPath, 'catatonit');
  const applets = execFileSync(busyboxPath, ['--list-full'], { encoding: 'utf8' }).split('\n');
  const dir = imagesDir(dataDir);
  const out: BuiltImage[] = [];

  const write = async (file: string, images: OciImageInput[]) => {
    const archive = join(dir, file);
    await writeFileAtomic(archive, ociArchive(images).archive, 0o644);
    for (const img of images) out.push({ name: img.name, archive });
  };

  await write('pause.tar', [{
    name: PAUSE_IMAGE,
    layers: [pauseLayer(catatonit)],
    config: { Entrypoint: ['/catatonit', '-P'], User: '65535:65535', Env: [PATH_ENV], WorkingDir: '/' },
  }]);
  const layer = busyboxLayer(busybox, applets);
  for (const tag of TEST_IMAGE_TAGS) {
    await write(`busybox-${tag}.tar`, [{
      name: `${BUSYBOX_REPOSITORY}:${tag}`,
      layers: [layer],
      config: { Cmd: ['sh'], Env: [PATH_ENV], Labels: { [TEST_IMAGE_LABEL]: tag } },
    }]);
  }
  return out;
}
