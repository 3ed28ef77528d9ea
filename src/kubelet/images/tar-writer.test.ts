// Unit tests of the ustar writer: GNU tar reads back files, directories, symlinks, modes and long names.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tarArchive } from './tar-writer.js';

test('GNU tar extracts what tarArchive writes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-tar-'));
  try {
    const long = `${'d'.repeat(60)}/${'e'.repeat(60)}/file-with-a-long-name.txt`;
    const big = Buffer.alloc(1500, 7);
    const tar = tarArchive([
      { name: 'bin', type: 'dir', mode: 0o755 },
      { name: 'bin/tool', type: 'file', mode: 0o755, data: Buffer.from('#!/bin/sh\necho hi\n') },
      { name: 'bin/alias', type: 'symlink', mode: 0o777, linkname: '/bin/tool' },
      { name: 'tmp/', type: 'dir', mode: 0o1777 },
      { name: 'big.bin', type: 'file', mode: 0o600, data: big },
      { name: 'empty', type: 'file', mode: 0o644 },
      { name: long, type: 'file', mode: 0o644, data: Buffer.from('long') },
    ]);
    assert.equal(tar.length % 512, 0);
    writeFileSync(join(dir, 'a.tar'), tar);
    const out = join(dir, 'out');
    execFileSync('mkdir', [out]);
    execFileSync('tar', ['-xpf', join(dir, 'a.tar'), '-C', out]);
    assert.equal(readFileSync(join(out, 'bin/tool'), 'utf8'), '#!/bin/sh\necho hi\n');
    assert.equal(statSync(join(out, 'bin/tool')).mode & 0o7777, 0o755);
    assert.equal(readlinkSync(join(out, 'bin/alias')), '/bin/tool');
    assert.equal(statSync(join(out, 'tmp')).mode & 0o7777, 0o1777);
    assert.deepEqual(readFileSync(join(out, 'big.bin')), big);
    assert.equal(statSync(join(out, 'big.bin')).mode & 0o777, 0o600);
    assert.equal(readFileSync(join(out, 'empty'), 'utf8'), '');
    assert.equal(readFileSync(join(out, long), 'utf8'), 'long');
    const listing = execFileSync('tar', ['-tvf', join(dir, 'a.tar')], { encoding: 'utf8' });
    assert.match(listing, /root\/root/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the same entries give the same bytes', () => {
  const entries = [{ name: 'a', type: 'file' as const, mode: 0o644, data: Buffer.from('x') }];
  assert.deepEqual(tarArchive(entries), tarArchive(entries));
});

test('a name that cannot fit ustar is refused', () => {
  assert.throws(() => tarArchive([{ name: 'x'.repeat(120), type: 'file', mode: 0o644 }]), /too long/);
});
