// A local dead end for the service CIDR: a veth that is up while its peer stays down, so packets routed to it are dropped on the spot.
import { runInNetns } from './netns.js';

export const DEFAULT_DEAD_END_DEVICE = 'k8ts-dead0';

/**
 * Ensures veth `name` (peer `<name>p`, left down) exists and is up in `netns` (null: this process's namespace).
 * Idempotent. A route to it is a real route (locally generated traffic reaches OUTPUT, where kube-proxy's DNAT
 * redirects ClusterIPs), yet nothing sent to it leaves: the down peer drops every frame.
 */
export async function ensureDeadEndDevice(netns: string | null, name = DEFAULT_DEAD_END_DEVICE): Promise<string> {
  if (!/^[A-Za-z0-9_.-]{1,14}$/.test(name)) throw new Error(`dead-end device: invalid name "${name}" (at most 14 characters)`);
  const peer = `${name}p`;
  const show = await runInNetns(netns, ['ip', '-j', 'link', 'show', 'dev', name], { allowFail: true });
  if (show.code !== 0) {
    const add = await runInNetns(netns, ['ip', 'link', 'add', name, 'type', 'veth', 'peer', 'name', peer], { allowFail: true });
    // a concurrent caller may have created it: only fail if it is still missing
    if (add.code !== 0 && (await runInNetns(netns, ['ip', 'link', 'show', 'dev', name], { allowFail: true })).code !== 0) {
      throw new Error(`dead-end device: cannot create ${name}: ${add.stderr.trim()}`);
    }
  }
  await runInNetns(netns, ['ip', 'link', 'set', 'dev', peer, 'down'], { allowFail: true });
  await runInNetns(netns, ['ip', 'link', 'set', 'dev', name, 'up']);
  return name;
}
