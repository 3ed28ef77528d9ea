// Unit tests of the generated containerd config.toml: every path under the data dir, the DESIGN §4 settings.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerdConfigToml, containerdLayout } from './containerd-config.js';
import { PAUSE_IMAGE } from '../images/image-names.js';

const line = (toml: string, key: string) => toml.split('\n').map((l) => l.trim()).filter((l) => l.startsWith(`${key} =`));

test('all state, sockets and runc root live under the data dir', () => {
  const toml = containerdConfigToml({ dataDir: '/var/lib/k8ts' });
  assert.deepEqual(line(toml, 'root'), ['root = "/var/lib/k8ts/containerd/root"']);
  assert.deepEqual(line(toml, 'state'), ['state = "/var/lib/k8ts/containerd/state"']);
  assert.deepEqual(line(toml, 'address'), [
    'address = "/var/lib/k8ts/containerd/containerd.sock"',
    'address = "/var/lib/k8ts/containerd/containerd-ttrpc.sock"',
    'address = ""', // metrics: no TCP listener
  ]);
  assert.deepEqual(line(toml, 'Root'), ['Root = "/var/lib/k8ts/containerd/runc"']);
  assert.deepEqual(line(toml, 'path'), ['path = "/var/lib/k8ts/containerd/opt"']);
  assert.deepEqual(line(toml, 'config_path'), ['config_path = "/var/lib/k8ts/containerd/certs.d"']);
  const l = containerdLayout('/var/lib/k8ts');
  assert.equal(l.address, '/var/lib/k8ts/containerd/containerd.sock');
  assert.equal(l.cniConfDir, '/var/lib/k8ts/cni/net.d');
});

test('the settings DESIGN §4 requires', () => {
  const toml = containerdConfigToml({ dataDir: '/d' });
  assert.match(toml, /^version = 2$/m);
  assert.deepEqual(line(toml, 'restrict_oom_score_adj'), ['restrict_oom_score_adj = true']);
  assert.deepEqual(line(toml, 'sandbox_image'), [`sandbox_image = "${PAUSE_IMAGE}"`]);
  assert.deepEqual(line(toml, 'bin_dir'), ['bin_dir = "/usr/lib/cni"']);
  assert.deepEqual(line(toml, 'conf_dir'), ['conf_dir = "/d/cni/net.d"']);
  assert.deepEqual(line(toml, 'runtime_type'), ['runtime_type = "io.containerd.runc.v2"']);
  assert.deepEqual(line(toml, 'SystemdCgroup'), ['SystemdCgroup = false']);
  assert.deepEqual(line(toml, 'netns_mounts_under_state_dir'), ['netns_mounts_under_state_dir = true']);
  assert.deepEqual(line(toml, 'stream_server_address'), ['stream_server_address = "127.0.0.1"']);
  assert.match(toml, /required_plugins = \["io\.containerd\.grpc\.v1\.cri"\]/);
  const disabled = line(toml, 'disabled_plugins')[0];
  assert.ok(!disabled.includes('io.containerd.runtime.v1.linux'), 'the v1 linux runtime stays enabled: CRI needs it');
  assert.match(toml, /\[plugins\."io\.containerd\.runtime\.v1\.linux"\]/);
});

test('options: CNI dirs, sandbox image, log level', () => {
  const toml = containerdConfigToml({ dataDir: '/d', cniConfDir: '/d/net', cniBinDir: '/opt/cni/bin', sandboxImage: 'localhost/p:2', logLevel: 'debug' });
  assert.deepEqual(line(toml, 'conf_dir'), ['conf_dir = "/d/net"']);
  assert.deepEqual(line(toml, 'bin_dir'), ['bin_dir = "/opt/cni/bin"']);
  assert.deepEqual(line(toml, 'sandbox_image'), ['sandbox_image = "localhost/p:2"']);
  assert.deepEqual(line(toml, 'level'), ['level = "debug"']);
});

test('paths with quotes and backslashes are valid TOML strings', () => {
  const toml = containerdConfigToml({ dataDir: '/tmp/a "b"\\c' });
  assert.deepEqual(line(toml, 'root'), ['root = "/tmp/a \\"b\\"\\\\c/containerd/root"']);
});

test('a data dir too long for a unix socket path is refused with advice', () => {
  assert.throws(() => containerdConfigToml({ dataDir: `/tmp/${'x'.repeat(100)}` }), /longer than 107 bytes: use a shorter --data-dir/);
});
