// Unit tests of the OCI layout archive: layout files, annotated index, content-addressed blobs, reproducible bytes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ociArchive, ociArchitecture } from './oci-archive.js';
import { tarArchive } from './tar-writer.js';

const layer = tarArchive([{ name: 'hello.txt', type: 'file', mode: 0o644, data: Buffer.from('hello\n') }]);

function extract(archive: Buffer): { dir: string; json: (p: string) => any; blob: (digest: string) => Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-oci-'));
  writeFileSync(join(dir, 'a.tar'), archive);
  execFileSync('tar', ['-xf', join(dir, 'a.tar'), '-C', dir]);
  const blob = (digest: string) => readFileSync(join(dir, 'blobs', 'sha256', digest.replace('sha256:', '')));
  return { dir, json: (p) => JSON.parse(readFileSync(join(dir, p), 'utf8')), blob };
}

test('an OCI layout with one annotated manifest per image, blobs shared and named by digest', () => {
  const { archive, manifests } = ociArchive([
    { name: 'localhost/x:1', layers: [layer], config: { Cmd: ['sh'], Labels: { v: '1' } } },
    { name: 'localhost/x:2', layers: [layer], config: { Cmd: ['sh'], Labels: { v: '2' } } },
  ]);
  const x = extract(archive);
  try {
    assert.deepEqual(x.json('oci-layout'), { imageLayoutVersion: '1.0.0' });
    const index = x.json('index.json');
    assert.equal(index.manifests.length, 2);
    assert.deepEqual(index.manifests, manifests);
    assert.deepEqual(index.manifests.map((m: any) => m.annotations['io.containerd.image.name']), ['localhost/x:1', 'localhost/x:2']);
    assert.deepEqual(index.manifests.map((m: any) => m.annotations['org.opencontainers.image.ref.name']), ['1', '2']);
    assert.equal(index.manifests[0].platform.architecture, ociArchitecture());
    // every blob's name is its digest
    for (const f of readdirSync(join(x.dir, 'blobs', 'sha256'))) {
      assert.equal(createHash('sha256').update(x.blob(f)).digest('hex'), f);
    }
    // 2 manifests + 2 configs + 1 shared layer
    assert.equal(readdirSync(join(x.dir, 'blobs', 'sha256')).length, 5);
    const m1 = JSON.parse(x.blob(manifests[0].digest).toString());
    const m2 = JSON.parse(x.blob(manifests[1].digest).toString());
    assert.equal(m1.layers[0].digest, m2.layers[0].digest);
    assert.notEqual(m1.config.digest, m2.config.digest);
    const cfg = JSON.parse(x.blob(m1.config.digest).toString());
    assert.deepEqual(cfg.config.Labels, { v: '1' });
    assert.equal(cfg.os, 'linux');
    // diff_ids are digests of the uncompressed layer
    assert.deepEqual(gunzipSync(x.blob(m1.layers[0].digest)), layer);
    assert.equal(cfg.rootfs.diff_ids[0], `sha256:${createHash('sha256').update(layer).digest('hex')}`);
  } finally {
    rmSync(x.dir, { recursive: true, force: true });
  }
});

test('reproducible: the same inputs give the same archive', () => {
  const img = { name: 'localhost/x:1', layers: [layer], config: { Cmd: ['sh'] } };
  assert.deepEqual(ociArchive([img]).archive, ociArchive([{ ...img, layers: [Buffer.from(layer)] }]).archive);
});
