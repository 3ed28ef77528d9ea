// The node's CNI network configuration list (bridge + host-local IPAM + portmap), built from its pod CIDR and written atomically.
import { mkdir, rename, writeFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { canonicalCidr } from './ipv4-cidr.js';

export const CNI_VERSION = '1.0.0';
/** The file libcni picks up in the node's conf_dir (it loads the first *.conf/*.conflist/*.json by name). */
export const CNI_CONFLIST_FILE = '10-k8ts.conflist';
export const DEFAULT_POD_BRIDGE = 'cni0';

export interface CniConfigOptions {
  /** the node's name: the network name is `k8ts-<node>`, unique per node because libcni's result cache is host-global */
  nodeName: string;
  /** the node's spec.podCIDR */
  podCidr: string;
  /** host-local's allocation store: a directory of the node's own (under its data dir) */
  ipamDataDir: string;
  /** the pod bridge in the node's namespace; default cni0 */
  bridge?: string;
  mtu?: number;
}

export interface CniConflist {
  cniVersion: string;
  name: string;
  plugins: Record<string, unknown>[];
}

/** The network name for a node's conflist (CNI names: alphanumerics, `-`, `_`, `.`). */
export function cniNetworkName(nodeName: string): string {
  return `k8ts-${nodeName.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
}

/**
 * The conflist per DESIGN §4: bridge (isGateway, hairpinMode, ipMasq false) with host-local IPAM over the
 * pod CIDR (gateway .1, default route to it) and a node-owned dataDir, then portmap for hostPorts.
 */
export function buildCniConflist(opts: CniConfigOptions): CniConflist {
  const subnet = canonicalCidr(opts.podCidr);
  if (!subnet) throw new Error(`CNI config: invalid pod CIDR "${opts.podCidr}" (IPv4 only)`);
  if (!opts.nodeName) throw new Error('CNI config: node name is required');
  if (!opts.ipamDataDir.startsWith('/')) throw new Error(`CNI config: ipamDataDir must be absolute, got "${opts.ipamDataDir}"`);
  const bridge = opts.bridge ?? DEFAULT_POD_BRIDGE;
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(bridge)) throw new Error(`CNI config: invalid bridge name "${bridge}"`);
  return {
    cniVersion: CNI_VERSION,
    name: cniNetworkName(opts.nodeName),
    plugins: [
      {
        type: 'bridge',
        bridge,
        isGateway: true,
        hairpinMode: true,
        ipMasq: false,
        ...(opts.mtu ? { mtu: opts.mtu } : {}),
        ipam: {
          type: 'host-local',
          ranges: [[{ subnet }]],
          routes: [{ dst: '0.0.0.0/0' }],
          dataDir: opts.ipamDataDir,
        },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  };
}

/**
 * Writes the conflist to `confDir/10-k8ts.conflist` through a temp file and a rename, so containerd never reads
 * half a file. Idempotent; returns the path. Creates confDir and the IPAM dataDir.
 */
export async function writeCniConfig(confDir: string, opts: CniConfigOptions): Promise<string> {
  const conf = buildCniConflist(opts);
  await mkdir(confDir, { recursive: true });
  await mkdir(opts.ipamDataDir, { recursive: true });
  const path = join(confDir, CNI_CONFLIST_FILE);
  // libcni ignores names not ending in .conf/.conflist/.json, so the temp file is never loaded
  const tmp = join(confDir, `.${CNI_CONFLIST_FILE}.${process.pid}.${Date.now()}.tmp`);
  try {
    await writeFile(tmp, JSON.stringify(conf, null, 2) + '\n', { mode: 0o644 });
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
  return path;
}
