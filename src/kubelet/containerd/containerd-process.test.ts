// Unit tests of ContainerdProcess with a fake containerd (a small gRPC server answering CRI Version): start, crash restart, backoff, stop.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ContainerdProcess, type ContainerdExit } from './containerd-process.js';
import { CriClient } from '../cri/cri-client.js';

const require = createRequire(import.meta.url);
const protoPath = [new URL('../cri/runtime-v1.proto', import.meta.url), new URL('../../../../src/kubelet/cri/runtime-v1.proto', import.meta.url)]
  .map((u) => fileURLToPath(u)).find((p) => existsSync(p))!;

/** Behaviour by $FAKE_CONTAINERD_MODE: ok (serve CRI Version), exit (fail at once), hang (never listen), stubborn (ok, ignores SIGTERM). */
const FAKE = `#!${process.execPath}
const grpc = require(${JSON.stringify(require.resolve('@grpc/grpc-js'))});
const protoLoader = require(${JSON.stringify(require.resolve('@grpc/proto-loader'))});
const { readFileSync } = require('node:fs');
const cfg = readFileSync(process.argv[process.argv.indexOf('--config') + 1], 'utf8');
const address = /\\[grpc\\]\\s*\\n\\s*address = "([^"]+)"/.exec(cfg)[1];
const mode = process.env.FAKE_CONTAINERD_MODE || 'ok';
console.error('fake containerd pid ' + process.pid + ' mode ' + mode);
if (mode === 'exit') { console.error('level=fatal msg="boom: cri plugin failed"'); process.exit(3); }
process.on('SIGTERM', () => { if (mode !== 'stubborn') { console.error('fake containerd: SIGTERM'); process.exit(0); } });
if (mode === 'hang') setInterval(() => {}, 1000);
else {
  const pkg = grpc.loadPackageDefinition(protoLoader.loadSync(${JSON.stringify(protoPath)}, { keepCase: false, defaults: true }));
  const server = new grpc.Server();
  server.addService(pkg.runtime.v1.RuntimeService.service, {
    Version: (call, cb) => cb(null, { version: '0.1.0', runtimeName: 'fake', runtimeVersion: String(process.pid), runtimeApiVersion: 'v1' }),
  });
  server.bindAsync('unix://' + address, grpc.ServerCredentials.createInsecure(), (err) => { if (err) { console.error(err); process.exit(1); } });
}
`;

describe('ContainerdProcess (fake containerd)', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-ctrd-'));
  const bin = join(dir, 'fake-containerd.cjs');
  const running: ContainerdProcess[] = [];
  const make = (sub: string, extra: Partial<ConstructorParameters<typeof ContainerdProcess>[0]> = {}) => {
    const p = new ContainerdProcess({ dataDir: join(dir, sub), containerdBin: bin, minBackoffMs: 50, maxBackoffMs: 200, readyTimeoutMs: 5000, ...extra });
    running.push(p);
    return p;
  };

  before(() => {
    writeFileSync(bin, FAKE);
    chmodSync(bin, 0o755);
  });
  after(async () => {
    delete process.env.FAKE_CONTAINERD_MODE;
    for (const p of running) await p.stop(500);
    rmSync(dir, { recursive: true, force: true });
  });

  test('start writes the config, waits for CRI, records the pid; stop ends it', async () => {
    process.env.FAKE_CONTAINERD_MODE = 'ok';
    const lines: string[] = [];
    const p = make('a', { log: (l) => lines.push(l) });
    await p.start();
    const pid = p.pid!;
    assert.ok(pid > 0);
    assert.equal(readFileSync(p.layout.pidPath, 'utf8').trim(), String(pid));
    assert.match(readFileSync(p.layout.configPath, 'utf8'), /restrict_oom_score_adj = true/);
    const cri = new CriClient(p.address);
    assert.equal((await cri.version()).runtimeVersion, String(pid), 'the answering process is the one we spawned');
    cri.close();
    assert.ok(lines.some((l) => /ready in \d+ ms/.test(l)));
    const exits: ContainerdExit[] = [];
    p.on('exit', (e) => exits.push(e));
    await p.stop();
    assert.equal(p.pid, undefined);
    assert.ok(!existsSync(p.layout.pidPath));
    assert.deepEqual(exits, [{ code: 0, signal: null, unexpected: false }]);
    assert.match(readFileSync(p.layout.logPath, 'utf8'), /fake containerd: SIGTERM/);
    await p.stop(); // idempotent
  });

  test('a killed containerd is restarted; failed restarts back off and retry until one works', async () => {
    process.env.FAKE_CONTAINERD_MODE = 'ok';
    const p = make('b');
    await p.start();
    const first = p.pid!;
    const exits: ContainerdExit[] = [];
    p.on('exit', (e) => exits.push(e));
    const failures: Error[] = [];
    p.on('restartFailed', (e) => failures.push(e));

    let ready = new Promise<number>((r) => p.once('ready', (pid) => r(pid)));
    process.kill(first, 'SIGKILL');
    const second = await ready;
    assert.notEqual(second, first);
    assert.deepEqual(exits[0], { code: null, signal: 'SIGKILL', unexpected: true });

    // now every restart fails for a while
    process.env.FAKE_CONTAINERD_MODE = 'exit';
    process.kill(second, 'SIGKILL');
    while (failures.length < 3) await new Promise((r) => setTimeout(r, 20));
    assert.match(failures[0].message, /exited during startup.*\n.*boom: cri plugin failed/s);
    ready = new Promise<number>((r) => p.once('ready', (pid) => r(pid)));
    process.env.FAKE_CONTAINERD_MODE = 'ok';
    const third = await ready;
    assert.ok(third !== second && third > 0);
    await p.stop();
    const n = exits.length;
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(exits.length, n, 'no restart after stop()');
  });

  test('start fails with the log tail when containerd exits, and does not restart it', async () => {
    process.env.FAKE_CONTAINERD_MODE = 'exit';
    const p = make('c');
    await assert.rejects(p.start(), /containerd exited during startup \(code 3.*\n(.*\n)*.*boom: cri plugin failed/);
    assert.equal(p.pid, undefined);
  });

  test('start fails when containerd never answers, and kills it', async () => {
    process.env.FAKE_CONTAINERD_MODE = 'hang';
    const p = make('d', { readyTimeoutMs: 500 });
    await assert.rejects(p.start(), /did not answer CRI on .*containerd\.sock within 500 ms/);
    assert.equal(p.pid, undefined);
  });

  test('stop escalates to SIGKILL after the grace period', async () => {
    process.env.FAKE_CONTAINERD_MODE = 'stubborn';
    const p = make('e');
    await p.start();
    const exits: ContainerdExit[] = [];
    p.on('exit', (e) => exits.push(e));
    const t0 = Date.now();
    await p.stop(300);
    assert.ok(Date.now() - t0 >= 250);
    assert.deepEqual(exits, [{ code: null, signal: 'SIGKILL', unexpected: false }]);
  });

  test('a second containerd on the same data dir is refused; a missing netns is an error', async () => {
    process.env.FAKE_CONTAINERD_MODE = 'ok';
    const p = make('f');
    await p.start();
    await assert.rejects(make('f').start(), new RegExp(`another containerd \\(pid ${p.pid}\\) already serves`));
    await p.stop();
    await assert.rejects(make('g', { netns: 'k8ts-no-such-netns' }).start(), /network namespace \/run\/netns\/k8ts-no-such-netns does not exist/);
  });
});
