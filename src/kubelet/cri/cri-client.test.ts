// Unit tests of CriClient against an in-process fake CRI server on a unix socket (no containerd needed).

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { CriClient, CriError, isNotFound } from './cri-client.js';

type Handler = (call: { request: Record<string, unknown> }, cb: (err: Partial<grpc.ServiceError> | null, res?: unknown) => void) => void;

function protoFile(): string {
  const here = import.meta.url;
  return [new URL('./runtime-v1.proto', here), new URL('../../../../src/kubelet/cri/runtime-v1.proto', here)].map((u) => fileURLToPath(u)).find((p) => existsSync(p))!;
}

describe('CriClient', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-cri-unit-'));
  const socket = join(dir, 'cri.sock');
  const server = new grpc.Server();
  let cri: CriClient;
  const seen: Record<string, unknown>[] = [];

  before(async () => {
    const def = protoLoader.loadSync(protoFile(), { keepCase: false, longs: Number, enums: String, bytes: Buffer, defaults: true, oneofs: true });
    const pkg = grpc.loadPackageDefinition(def) as unknown as { runtime: { v1: Record<string, { service: grpc.ServiceDefinition }> } };
    const runtime: Record<string, Handler> = {
      Version: (call, cb) => cb(null, { version: '0.1.0', runtimeName: 'fake', runtimeVersion: '1.0', runtimeApiVersion: call.request.version }),
      ContainerStatus: (call, cb) => {
        if (call.request.containerId === 'missing') return cb({ code: grpc.status.NOT_FOUND, details: 'an error occurred when try to find container "missing": not found' });
        cb(null, { status: { id: call.request.containerId, state: 'CONTAINER_EXITED', createdAt: 1_700_000_000_123_456_789, exitCode: 137, reason: 'OOMKilled', labels: { a: 'b' } } });
      },
      ExecSync: (call, cb) => {
        seen.push(call.request);
        cb(null, { stdout: Buffer.from('out\n'), stderr: Buffer.from([0xff, 0x00]), exitCode: 3 });
      },
      RunPodSandbox: (call, cb) => {
        seen.push(call.request);
        cb(null, { podSandboxId: 'sb-1' });
      },
      ListContainers: () => { /* never answers: deadline tests */ },
    };
    const image: Record<string, Handler> = {
      ImageStatus: (call, cb) => cb(null, (call.request.image as { image: string }).image === 'there' ? { image: { id: 'sha256:1', repoTags: ['there'], size: 42 } } : {}),
      PullImage: (call, cb) => {
        seen.push(call.request);
        cb(null, { imageRef: 'sha256:2' });
      },
    };
    const unimplemented = (name: string): Handler => (_call, cb) => cb({ code: grpc.status.UNIMPLEMENTED, details: `${name} not in the fake` });
    const fill = (svc: grpc.ServiceDefinition, impl: Record<string, Handler>) =>
      Object.fromEntries(Object.keys(svc).map((m) => [m, impl[m] ?? unimplemented(m)])) as grpc.UntypedServiceImplementation;
    server.addService(pkg.runtime.v1.RuntimeService.service, fill(pkg.runtime.v1.RuntimeService.service, runtime));
    server.addService(pkg.runtime.v1.ImageService.service, fill(pkg.runtime.v1.ImageService.service, image));
    await new Promise<void>((resolve, reject) => server.bindAsync(`unix://${socket}`, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())));
    cri = new CriClient(socket, { defaultTimeoutMs: 5000 });
  });

  after(() => {
    cri?.close();
    server.forceShutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  test('Version asks for v1 and maps fields to camelCase', async () => {
    assert.deepEqual(await cri.version(), { version: '0.1.0', runtimeName: 'fake', runtimeVersion: '1.0', runtimeApiVersion: 'v1' });
  });

  test('enums are names, int64 are numbers, absent messages are null, maps are objects', async () => {
    const { status } = await cri.containerStatus('c1');
    assert.equal(status!.state, 'CONTAINER_EXITED');
    assert.equal(status!.reason, 'OOMKilled');
    assert.equal(status!.exitCode, 137);
    assert.equal(typeof status!.createdAt, 'number');
    assert.ok(Math.abs(status!.createdAt - 1_700_000_000_123_456_789) < 1000);
    assert.equal(status!.startedAt, 0);
    assert.equal(status!.image, null);
    assert.deepEqual(status!.labels, { a: 'b' });
    assert.deepEqual(status!.mounts, []);
  });

  test('ExecSync: bytes are Buffers, the timeout goes to the runtime', async () => {
    const r = await cri.execSync('c1', ['sh', '-c', 'exit 3'], 7);
    assert.equal(r.exitCode, 3);
    assert.ok(Buffer.isBuffer(r.stdout));
    assert.equal(r.stdout.toString(), 'out\n');
    assert.deepEqual([...r.stderr], [0xff, 0x00]);
    const req = seen.at(-1)!;
    assert.deepEqual(req.cmd, ['sh', '-c', 'exit 3']);
    assert.equal(req.timeout, 7);
  });

  test('requests carry nested configs and enums by name', async () => {
    const id = await cri.runPodSandbox({
      metadata: { name: 'p', uid: 'u', namespace: 'ns' },
      portMappings: [{ protocol: 'UDP', containerPort: 53, hostPort: 5353 }],
      linux: { cgroupParent: '/k8ts/n/podu', securityContext: { namespaceOptions: { network: 'NODE', pid: 'CONTAINER' } } },
    }, 'runc');
    assert.equal(id, 'sb-1');
    const req = seen.at(-1) as { config: Record<string, any>; runtimeHandler: string };
    assert.equal(req.runtimeHandler, 'runc');
    assert.equal(req.config.metadata.uid, 'u');
    assert.equal(req.config.portMappings[0].protocol, 'UDP');
    assert.equal(req.config.linux.securityContext.namespaceOptions.network, 'NODE');
    assert.equal(req.config.linux.cgroupParent, '/k8ts/n/podu');
  });

  test('PullImage sends the AuthConfig; ImageStatus gives null for an absent image', async () => {
    assert.equal(await cri.pullImage('localhost:5000/app:1', { username: 'alice', password: 's3cret' }), 'sha256:2');
    const req = seen.at(-1) as { image: { image: string }; auth: { username: string; password: string } };
    assert.equal(req.image.image, 'localhost:5000/app:1');
    assert.deepEqual([req.auth.username, req.auth.password], ['alice', 's3cret']);
    assert.equal((await cri.imageStatus('there')).image!.size, 42);
    assert.equal((await cri.imageStatus('absent')).image, null);
  });

  test('NotFound is recognisable; other codes keep the runtime message', async () => {
    await assert.rejects(cri.containerStatus('missing'), (e) => isNotFound(e) && !(e as CriError).runtimeDown && /NOT_FOUND/.test((e as Error).message));
    await assert.rejects(cri.status(), (e) => e instanceof CriError && e.code === grpc.status.UNIMPLEMENTED && e.method === 'Status');
  });

  test('a call that gets no answer fails at its deadline, saying so', async () => {
    const t0 = Date.now();
    await assert.rejects(cri.listContainers({}, { timeoutMs: 200 }), (e) => {
      assert.ok(e instanceof CriError);
      assert.equal(e.code, grpc.status.DEADLINE_EXCEEDED);
      assert.equal(e.runtimeDown, false);
      assert.match(e.message, /no answer from containerd within 200 ms/);
      return true;
    });
    assert.ok(Date.now() - t0 < 2000);
  });

  test('an AbortSignal cancels a call', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    await assert.rejects(cri.listContainers({}, { signal: ac.signal, timeoutMs: 10_000 }), (e) => e instanceof CriError && e.code === grpc.status.CANCELLED);
    const aborted = AbortSignal.abort();
    await assert.rejects(cri.version({ signal: aborted }), (e) => e instanceof CriError && e.code === grpc.status.CANCELLED);
  });

  test('containerd down, no socket: a fast error saying containerd is not running and what to do', async () => {
    const down = new CriClient(join(dir, 'nothing', 'containerd.sock'));
    const t0 = Date.now();
    await assert.rejects(down.version(), (e) => {
      assert.ok(e instanceof CriError);
      assert.equal(e.runtimeDown, true);
      assert.match(e.message, /containerd is not running: its socket .*nothing\/containerd\.sock does not exist/);
      assert.match(e.message, /k8ts agent/);
      assert.match(e.message, /containerd\.log/);
      return true;
    });
    assert.ok(Date.now() - t0 < 3000, 'fails fast');
    down.close();
  });

  test('containerd down, stale socket file: nothing answers', async () => {
    const stale = join(dir, 'stale.sock');
    writeFileSync(stale, '');
    const down = new CriClient(`unix://${stale}`, { logHint: '/var/lib/k8ts/containerd/containerd.log' });
    await assert.rejects(down.listPodSandbox(), (e) => {
      assert.ok(e instanceof CriError && e.runtimeDown, String(e));
      assert.match(e.message, /containerd is not running: nothing answers on its socket/);
      assert.match(e.message, /\/var\/lib\/k8ts\/containerd\/containerd\.log/);
      return true;
    });
    down.close();
  });
});
