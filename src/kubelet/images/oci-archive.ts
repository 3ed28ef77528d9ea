// Builds an OCI image-layout archive (the tar `ctr images import` and skopeo read) from layer tars and an image config.

import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { tarArchive, type TarEntry } from './tar-writer.js';

/** The runtime part of an OCI image config (field names as in the OCI image spec). */
export interface OciRuntimeConfig {
  Entrypoint?: string[];
  Cmd?: string[];
  Env?: string[];
  User?: string;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
}

export interface OciImageInput {
  /** full reference, e.g. localhost/busybox:1.35 */
  name: string;
  /** uncompressed layer tars, bottom first */
  layers: Buffer[];
  config: OciRuntimeConfig;
  /** RFC 3339; fixed by default so that builds are reproducible */
  created?: string;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: { architecture: string; os: string };
}

const MT_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const MT_INDEX = 'application/vnd.oci.image.index.v1+json';
const MT_CONFIG = 'application/vnd.oci.image.config.v1+json';
const MT_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
const DEFAULT_CREATED = '2024-01-01T00:00:00Z';

/** gzip is the slow part of a build: a layer shared by several images is compressed once */
const gzipped = new WeakMap<Buffer, Buffer>();
function gzipOnce(tar: Buffer): Buffer {
  let gz = gzipped.get(tar);
  if (!gz) {
    gz = gzipSync(tar, { level: 9 });
    gzipped.set(tar, gz);
  }
  return gz;
}

function sha256(data: Uint8Array): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** The OCI name of this machine's architecture (the images run here only). */
export function ociArchitecture(arch: string = process.arch): string {
  return ({ x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' } as Record<string, string>)[arch] ?? arch;
}

/**
 * An OCI layout as one tar: `oci-layout`, `index.json` with one manifest per image (annotated
 * with `io.containerd.image.name` = the full name and `org.opencontainers.image.ref.name` = the
 * tag, so `ctr images import` names them without --base-name), and the deduplicated blobs.
 * The same inputs give the same bytes (fixed times, gzip without a timestamp).
 */
export function ociArchive(images: OciImageInput[]): { archive: Buffer; manifests: Descriptor[] } {
  const blobs = new Map<string, Buffer>();
  const put = (data: Buffer, mediaType: string): Descriptor => {
    const digest = sha256(data);
    blobs.set(digest, data);
    return { mediaType, digest, size: data.length };
  };
  const architecture = ociArchitecture();
  const manifests: Descriptor[] = [];
  for (const img of images) {
    const created = img.created ?? DEFAULT_CREATED;
    const layers = img.layers.map((tar) => ({ tar, gz: gzipOnce(tar) }));
    const config = {
      created,
      architecture,
      os: 'linux',
      config: img.config,
      rootfs: { type: 'layers', diff_ids: layers.map((l) => sha256(l.tar)) },
      history: layers.map(() => ({ created, created_by: 'k8ts images build-test' })),
    };
    const configDesc = put(Buffer.from(JSON.stringify(config)), MT_CONFIG);
    const manifest = {
      schemaVersion: 2,
      mediaType: MT_MANIFEST,
      config: configDesc,
      layers: layers.map((l) => put(l.gz, MT_LAYER_GZIP)),
    };
    const desc = put(Buffer.from(JSON.stringify(manifest)), MT_MANIFEST);
    const tag = img.name.slice(img.name.lastIndexOf(':') + 1);
    manifests.push({
      ...desc,
      annotations: { 'io.containerd.image.name': img.name, 'org.opencontainers.image.ref.name': tag },
      platform: { architecture, os: 'linux' },
    });
  }
  const index = { schemaVersion: 2, mediaType: MT_INDEX, manifests };
  const entries: TarEntry[] = [
    { name: 'oci-layout', type: 'file', mode: 0o644, data: Buffer.from(JSON.stringify({ imageLayoutVersion: '1.0.0' })) },
    { name: 'index.json', type: 'file', mode: 0o644, data: Buffer.from(JSON.stringify(index)) },
    { name: 'blobs/', type: 'dir', mode: 0o755 },
    { name: 'blobs/sha256/', type: 'dir', mode: 0o755 },
  ];
  for (const [digest, data] of [...blobs].sort(([a], [b]) => a.localeCompare(b))) {
    entries.push({ name: `blobs/sha256/${digest.slice('sha256:'.length)}`, type: 'file', mode: 0o644, data });
  }
  return { archive: tarArchive(entries), manifests };
}
