// Unit tests of the node CNI conflist: the DESIGN §4 shape, and the atomic write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCniConflist, cniNetworkName, writeCniConfig, CNI_CONFLIST_FILE } from './cni-config.js';

test('bridge (gateway, hairpin, no masquerade) + host-local over the pod CIDR in a node-owned dataDir + portmap', () => {
  const conf = buildCniConflist({ nodeName: 'node-a', podCidr: '10.244.1.0/24', ipamDataDir: '/var/lib/k8ts/node-a/cni/networks' });
  assert.deepEqual(conf, {
    cniVersion: '1.0.0',
    name: 'k8ts-node-a',
    plugins: [
      {
        type: 'bridge',
        bridge: 'cni0',
        isGateway: true,
        hairpinMode: true,
        ipMasq: false,
        ipam: { type: 'host-local', ranges: [[{ subnet: '10.244.1.0/24' }]], routes: [{ dst: '0.0.0.0/0' }], dataDir: '/var/lib/k8ts/node-a/cni/networks' },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  });
  assert.notEqual(cniNetworkName('a'), cniNetworkName('b'));
  assert.equal(cniNetworkName('weird/name:1'), 'k8ts-weird_name_1');
  assert.throws(() => buildCniConflist({ nodeName: 'a', podCidr: 'fd00::/64', ipamDataDir: '/x' }), /pod CIDR/);
  assert.throws(() => buildCniConflist({ nodeName: 'a', podCidr: '10.244.1.0/24', ipamDataDir: 'rel' }), /absolute/);
  assert.throws(() => buildCniConflist({ nodeName: 'a', podCidr: '10.244.1.0/24', ipamDataDir: '/x', bridge: 'a-very-long-bridge-name' }), /bridge/);
});

test('writeCniConfig writes through a temp file and leaves only the conflist', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-cni-'));
  try {
    const confDir = join(dir, 'net.d');
    const opts = { nodeName: 'n1', podCidr: '10.244.2.0/24', ipamDataDir: join(dir, 'ipam') };
    const path = await writeCniConfig(confDir, opts);
    assert.equal(path, join(confDir, CNI_CONFLIST_FILE));
    assert.deepEqual(JSON.parse(await readFile(path, 'utf8')), buildCniConflist(opts));
    await writeCniConfig(confDir, { ...opts, podCidr: '10.244.3.0/24' });
    assert.deepEqual(await readdir(confDir), [CNI_CONFLIST_FILE]);
    assert.equal(JSON.parse(await readFile(path, 'utf8')).plugins[0].ipam.ranges[0][0].subnet, '10.244.3.0/24');
    assert.deepEqual(await readdir(join(dir, 'ipam')), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
