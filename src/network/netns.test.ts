// Unit tests of the namespace helpers' guards: nsenter (never `ip netns exec`), name checks, refusals before any command runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { netnsArgv, netnsPath, deleteNetns, createNetns, setNetnsSysctl, runInNetns, CommandError } from './netns.js';

test('commands enter a namespace with nsenter --net, and run directly for null', () => {
  assert.deepEqual(netnsArgv('k8ts-a', ['ip', 'route']), ['nsenter', '--net=/run/netns/k8ts-a', '--', 'ip', 'route']);
  assert.deepEqual(netnsArgv('/var/run/netns/cni-1234', ['true']), ['nsenter', '--net=/var/run/netns/cni-1234', '--', 'true']);
  assert.deepEqual(netnsArgv(null, ['ip', 'route']), ['ip', 'route']);
  assert.equal(netnsPath('k8ts-x'), '/run/netns/k8ts-x');
  for (const bad of ['../etc', 'a b', '', '-n']) assert.throws(() => netnsPath(bad), /invalid/);
  assert.throws(() => netnsArgv('k8ts-a', []), /empty/);
});

test('only k8ts- namespaces are created, deleted or have sysctls set; only net.* keys', async () => {
  await assert.rejects(createNetns('other'), /refusing/);
  await assert.rejects(deleteNetns('default'), /refusing/);
  await assert.rejects(setNetnsSysctl('other', 'net.ipv4.ip_forward', '1'), /refusing/);
  await assert.rejects(setNetnsSysctl('k8ts-a', 'kernel.panic', '1'), /unsupported key/);
  await assert.rejects(setNetnsSysctl('k8ts-a', 'net.ipv4.ip_forward', '1; reboot'), /unsupported value/);
});

test('runInNetns passes input, reports exit codes', async () => {
  assert.equal((await runInNetns(null, ['cat'], { input: 'hello' })).stdout, 'hello');
  const r = await runInNetns(null, ['sh', '-c', 'echo oops >&2; exit 3'], { allowFail: true });
  assert.deepEqual([r.code, r.stderr.trim()], [3, 'oops']);
  await assert.rejects(runInNetns(null, ['sh', '-c', 'exit 4']), (e: unknown) => e instanceof CommandError && e.result.code === 4);
});
