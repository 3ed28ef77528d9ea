// Test helper: throwaway network namespaces (`k8ts-test-<pid>-<random>`) with loopback up, removed even when a test fails.
//
// Contracts: create() makes /run/netns/<name> with `lo` up and, unless `routes: false`, the DESIGN §5
// guard route `unreachable 10.244.0.0/16` (the cluster CIDR never follows a default route; the
// namespace has no other interface, so nothing leaves it anyway). The service-CIDR dead end
// (10.96.0.0/12 to the pod bridge or a downed veth) needs a device and is left to the network
// code. destroy() is idempotent. Namespaces still present when the process exits are deleted
// by an exit hook; sweepStale() deletes those of test processes that died without it (the pid
// in the name is no longer alive). Processes still inside a deleted namespace keep it alive
// until they exit: stop them first.

import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';

export const NETNS_PREFIX = 'k8ts-test-';
export const CLUSTER_CIDR = '10.244.0.0/16';

export interface TestNetns {
  name: string;
  /** /run/netns/<name>, for nsenter --net=… */
  path: string;
  /** runs `ip -n <name> …args` and returns stdout */
  ip(...args: string[]): string;
  destroy(): void;
}

const live = new Set<string>();
process.on('exit', () => {
  for (const name of live) spawnSync('ip', ['netns', 'delete', name], { stdio: 'ignore' });
});

function deleteNetns(name: string): void {
  if (!existsSync(`/run/netns/${name}`)) return;
  const r = spawnSync('ip', ['netns', 'delete', name], { encoding: 'utf8' });
  if (r.status !== 0 && existsSync(`/run/netns/${name}`)) throw new Error(`ip netns delete ${name}: ${r.stderr.trim()}`);
}

export function createNetns(opts: { routes?: boolean } = {}): TestNetns {
  const name = `${NETNS_PREFIX}${process.pid}-${randomBytes(3).toString('hex')}`;
  execFileSync('ip', ['netns', 'add', name], { stdio: ['ignore', 'ignore', 'pipe'] });
  live.add(name);
  const ip = (...args: string[]) => execFileSync('ip', ['-n', name, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    ip('link', 'set', 'lo', 'up');
    if (opts.routes !== false) ip('route', 'add', 'unreachable', CLUSTER_CIDR);
  } catch (err) {
    deleteNetns(name);
    live.delete(name);
    throw err;
  }
  return {
    name,
    path: `/run/netns/${name}`,
    ip,
    destroy() {
      deleteNetns(name);
      live.delete(name);
    },
  };
}

/** Deletes `k8ts-test-<pid>-*` namespaces whose creating process is gone; returns their names. */
export function sweepStale(): string[] {
  const removed: string[] = [];
  const names = existsSync('/run/netns') ? readdirSync('/run/netns') : [];
  for (const name of names) {
    const m = new RegExp(`^${NETNS_PREFIX}(\\d+)-[0-9a-f]+$`).exec(name);
    if (!m || Number(m[1]) === process.pid || existsSync(`/proc/${m[1]}`)) continue;
    deleteNetns(name);
    removed.push(name);
  }
  return removed;
}
