// Unit tests of the forced runtime cleanup helpers (the cgroup test needs root; the rest reads /proc only).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cgroupMounts, cleanupRuntime, mounts, mountsUnder, removeCgroupTree, shimPids } from './runtime-cleanup.js';
import { containerdLayout } from './containerd-config.js';

test('mounts are read from mountinfo; mountsUnder matches whole path components, deepest first', () => {
  const all = mounts().map((m) => m.mountPoint);
  assert.ok(all.includes('/'));
  assert.ok(all.includes('/proc'));
  assert.ok(!mountsUnder('/pro').includes('/proc'), 'prefix of a name is not "under"');
  const underSys = mountsUnder('/sys');
  assert.ok(underSys.includes('/sys'));
  for (let i = 1; i < underSys.length; i++) assert.ok(underSys[i - 1].length >= underSys[i].length);
});

test('no shims for an address nobody uses', () => {
  assert.deepEqual(shimPids('/nonexistent/containerd.sock'), []);
});

test('removeCgroupTree refuses a hierarchy root', () => {
  assert.throws(() => removeCgroupTree('/'), /refusing/);
  assert.throws(() => removeCgroupTree(''), /refusing/);
});

const canCgroup = process.getuid?.() === 0 && cgroupMounts().length > 0;
test('removeCgroupTree removes a node tree in every hierarchy, then empty parents', { skip: !canCgroup && 'needs root and cgroupfs' }, () => {
  const top = `k8ts-unit-${process.pid}`;
  const made: string[] = [];
  try {
    for (const m of cgroupMounts()) {
      const leaf = join(m, top, 'node-a', 'pod1', 'c1');
      try {
        mkdirSync(leaf, { recursive: true });
        made.push(join(m, top));
      } catch { /* a read-only or odd hierarchy: skip it */ }
    }
    assert.ok(made.length > 0);
    const errors: string[] = [];
    const removed = removeCgroupTree(`/${top}/node-a`, errors);
    assert.deepEqual(errors, []);
    for (const t of made) {
      assert.ok(!existsSync(t), `${t} pruned once empty`);
      assert.ok(removed.includes(join(t, 'node-a', 'pod1', 'c1')));
    }
  } finally {
    removeCgroupTree(`/${top}`); // cgroupfs dirs go with rmdir only (rm -r fails on their files)
  }
});

test('cleanupRuntime on a data dir that never ran containerd does nothing and reports no error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-clean-'));
  try {
    const report = await cleanupRuntime(containerdLayout(dir), { cgroupRoot: `/k8ts-unit-none-${process.pid}` });
    assert.deepEqual(report, { containers: [], shimPids: [], unmounted: [], cgroups: [], errors: [] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
