// Unit tests of the test-image builder (needs Debian busybox-static and catatonit; skipped without them).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTestImages, busyboxLayer } from './test-images.js';
import { PAUSE_IMAGE, busyboxImage } from './image-names.js';

const have = existsSync('/bin/busybox') && existsSync('/usr/bin/catatonit');

test('the busybox layer links applets at their install paths to /bin/busybox, once each', () => {
  const tar = busyboxLayer(Buffer.from('ELF'), ['/bin/sh', 'bin/sh', '/usr/bin/wget', '/sbin/ip', '/bin/busybox', '../escape', '/etc/bad', '']);
  const names: string[] = [];
  for (let off = 0; off + 512 <= tar.length; ) {
    const name = tar.subarray(off, off + 100).toString().replace(/\0.*$/s, '');
    if (!name) break;
    const size = parseInt(tar.subarray(off + 124, off + 136).toString(), 8);
    names.push(`${name}${tar[off + 156] === 0x32 ? ` -> ${tar.subarray(off + 157, off + 257).toString().replace(/\0.*$/s, '')}` : ''}`);
    off += 512 + Math.ceil(size / 512) * 512;
  }
  assert.ok(names.includes('bin/busybox'));
  assert.ok(names.includes('bin/sh -> /bin/busybox'));
  assert.ok(names.includes('usr/bin/wget -> /bin/busybox'));
  assert.ok(names.includes('sbin/ip -> /bin/busybox'));
  assert.ok(names.includes('tmp/'));
  assert.ok(names.includes('etc/passwd'));
  assert.equal(names.filter((n) => n.startsWith('bin/sh')).length, 1);
  assert.ok(!names.some((n) => n.includes('escape') || n.startsWith('etc/bad')));
});

test('buildTestImages writes pause and three busybox tags, reproducibly', { skip: !have && 'needs busybox-static and catatonit' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-img-'));
  try {
    const built = await buildTestImages(dir);
    assert.deepEqual(built.map((b) => b.name), [PAUSE_IMAGE, busyboxImage('1.35'), busyboxImage('1.36'), busyboxImage('1.37')]);
    assert.deepEqual(built.map((b) => b.archive), ['pause', 'busybox-1.35', 'busybox-1.36', 'busybox-1.37'].map((f) => join(dir, 'images', `${f}.tar`)));
    const first = built.map((b) => readFileSync(b.archive));
    await buildTestImages(dir);
    assert.deepEqual(built.map((b) => readFileSync(b.archive)), first, 'same bytes on a rebuild');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a missing or dynamic binary is refused with the package to install', { skip: !have && 'needs busybox-static' }, async () => {
  await assert.rejects(buildTestImages('/nonexistent', { catatonit: '/nonexistent/catatonit' }), /install the Debian package catatonit/);
  await assert.rejects(buildTestImages('/nonexistent', { catatonit: process.execPath }), /dynamically linked/);
});
