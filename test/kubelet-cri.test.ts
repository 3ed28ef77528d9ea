// e2e: a real containerd in a test network namespace, driven through k8ts' CRI client: images, sandboxes, containers, logs, exec, crash restart, teardown.
//
// Needs root and the Debian packages containerd, runc, containernetworking-plugins, catatonit,
// busybox-static. containerd runs inside a namespace of the test's own (nsenter --net) with a
// loopback-only CNI network; nothing leaves it. Everything is removed in after() even when a
// test fails: pods via CRI, then containerd (by PID), leftover containers/shims/mounts/cgroups,
// the namespace and the data dir.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { createNetns, sweepStale, type TestNetns } from './helpers/netns.js';
import { CriClient, CriError, isNotFound, type ContainerConfig, type PodSandboxConfig } from '../src/kubelet/cri/cri-client.js';
import { ContainerdProcess } from '../src/kubelet/containerd/containerd-process.js';
import { cleanupRuntime, mountsUnder, removeCgroupTree, shimPids, cgroupMounts } from '../src/kubelet/containerd/runtime-cleanup.js';
import { buildTestImages, imagesDir } from '../src/kubelet/images/test-images.js';
import { importImageDir } from '../src/kubelet/images/image-import.js';
import { PAUSE_IMAGE, TEST_IMAGE_LABEL, busyboxImage } from '../src/kubelet/images/image-names.js';

const NEEDED = ['/usr/bin/containerd', '/usr/bin/ctr', '/usr/sbin/runc', '/usr/lib/cni/loopback', '/usr/bin/catatonit', '/bin/busybox', '/usr/bin/nsenter'];
const POD_SUBNET = '10.244.250.0/24';
const LOG_LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)) (stdout|stderr) ([FP]) (.*)$/;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('kubelet CRI on real containerd (in a test netns)', { timeout: 180_000 }, () => {
  let ns: TestNetns | undefined;
  let dataDir = '';
  let containerd: ContainerdProcess | undefined;
  let cri: CriClient | undefined;
  let cgroupRoot = '';
  const timings: Record<string, number | string> = {};

  const sandboxConfig = (name: string, uid: string): PodSandboxConfig => ({
    metadata: { name, uid, namespace: 'default', attempt: 0 },
    hostname: name,
    logDirectory: join(dataDir, 'pods', `default_${name}_${uid}`),
    dnsConfig: { servers: ['10.96.0.10'], searches: ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local'], options: ['ndots:5'] },
    labels: { 'io.kubernetes.pod.name': name, 'io.kubernetes.pod.namespace': 'default', 'io.kubernetes.pod.uid': uid },
    annotations: { 'k8ts.io/test': 'kubelet-cri' },
    linux: {
      cgroupParent: `${cgroupRoot}/pod${uid}`,
      securityContext: { namespaceOptions: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } },
    },
  });
  const containerConfig = (name: string, image: string, command: string[]): ContainerConfig => ({
    metadata: { name, attempt: 0 },
    image: { image },
    command,
    envs: [{ key: 'K8TS_TEST', value: '1' }],
    logPath: `${name}/0.log`,
    labels: { 'io.kubernetes.container.name': name },
    linux: {
      resources: { cpuShares: 102, memoryLimitInBytes: 64 * 1024 * 1024, oomScoreAdj: 1000 },
      securityContext: { namespaceOptions: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } },
    },
  });
  /** RunPodSandbox, then Create+Start one container; the kubelet makes the container's log directory */
  const runPod = async (name: string, uid: string, container: ContainerConfig) => {
    const sc = sandboxConfig(name, uid);
    mkdirSync(join(sc.logDirectory!, container.metadata!.name!), { recursive: true });
    const t0 = performance.now();
    const sandboxId = await cri!.runPodSandbox(sc);
    const t1 = performance.now();
    const containerId = await cri!.createContainer(sandboxId, container, sc);
    await cri!.startContainer(containerId);
    const t2 = performance.now();
    return { sc, sandboxId, containerId, runSandboxMs: t1 - t0, createStartMs: t2 - t1 };
  };
  const waitExited = async (id: string, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { status } = await cri!.containerStatus(id);
      if (status!.state === 'CONTAINER_EXITED') return status!;
      if (Date.now() > deadline) assert.fail(`container ${id} still ${status!.state} after ${timeoutMs} ms`);
      await sleep(50);
    }
  };

  before(async () => {
    assert.equal(process.getuid?.(), 0, 'this test runs containerd: it needs root');
    const missing = NEEDED.filter((p) => !existsSync(p));
    assert.deepEqual(missing, [], `missing ${missing.join(', ')}: apt-get install containerd runc containernetworking-plugins catatonit busybox-static`);
    sweepStale();
    dataDir = mkdtempSync('/tmp/k8ts-cri-');
    ns = createNetns();
    cgroupRoot = `/k8ts/${ns.name}`;

    let t = performance.now();
    const built = await buildTestImages(dataDir);
    timings['build images (4 OCI archives)'] = performance.now() - t;
    assert.deepEqual(built.map((b) => b.name), [PAUSE_IMAGE, busyboxImage('1.35'), busyboxImage('1.36'), busyboxImage('1.37')]);

    containerd = new ContainerdProcess({ dataDir, netns: ns.name, minBackoffMs: 100 });
    // A minimal pod network of the test's own (the real conflist is the network code's job): a
    // bridge inside the test netns, no gateway, no masquerade, host-local IPAM keeping its state in
    // the data dir. containerd 1.6 needs an eth0 in the CNI result, so loopback alone is refused.
    mkdirSync(containerd.layout.cniConfDir, { recursive: true });
    writeFileSync(join(containerd.layout.cniConfDir, '10-test.conflist'), JSON.stringify({
      cniVersion: '0.4.0',
      name: `${ns.name}-net`, // unique: libcni's result cache is host-global
      plugins: [{
        type: 'bridge', bridge: 'k8ts-test0', isGateway: false, ipMasq: false,
        ipam: { type: 'host-local', ranges: [[{ subnet: POD_SUBNET }]], dataDir: join(dataDir, 'cni', 'ipam') },
      }],
    }));
    t = performance.now();
    await containerd.start();
    timings['containerd spawn → CRI ready'] = performance.now() - t;
    t = performance.now();
    await importImageDir(imagesDir(dataDir), { address: containerd.address });
    timings['import 4 archives (ctr, one after the other)'] = performance.now() - t;
    cri = new CriClient(containerd.address);
  });

  after(async () => {
    try {
      if (cri && containerd?.pid) {
        for (const s of await cri.listPodSandbox({}, { timeoutMs: 5000 })) {
          await cri.stopPodSandbox(s.id, { timeoutMs: 10_000 }).catch(() => {});
          await cri.removePodSandbox(s.id, { timeoutMs: 10_000 }).catch(() => {});
        }
      }
    } catch { /* containerd may be down: the forced cleanup below handles it */ }
    cri?.close();
    await containerd?.stop();
    if (containerd && dataDir) {
      const report = await cleanupRuntime(containerd.layout, { cgroupRoot });
      if (report.errors.length) console.error('kubelet-cri cleanup:', report.errors.join('; '));
    }
    ns?.destroy();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    const fmt = (v: number | string) => (typeof v === 'number' ? `${v.toFixed(1)} ms` : v);
    console.log(`kubelet-cri timings:\n${Object.entries(timings).map(([k, v]) => `  ${k}: ${fmt(v)}`).join('\n')}`);
  });

  test('containerd answers CRI v1; runtime and network are ready; the imported images are there', async () => {
    const v = await cri!.version();
    assert.equal(v.runtimeName, 'containerd');
    assert.equal(v.runtimeApiVersion, 'v1');
    const st = await cri!.status();
    const cond = Object.fromEntries(st.status!.conditions.map((c) => [c.type, c.status]));
    assert.deepEqual(cond, { RuntimeReady: true, NetworkReady: true });

    const ids = new Set<string>();
    for (const tag of ['1.35', '1.36', '1.37'] as const) {
      const { image, info } = await cri!.imageStatus(busyboxImage(tag), true);
      assert.ok(image, `${busyboxImage(tag)} present`);
      assert.deepEqual(image.repoTags, [busyboxImage(tag)]);
      assert.ok(image.size > 500_000);
      ids.add(image.id);
      assert.equal(JSON.parse(info.info).imageSpec.config.Labels[TEST_IMAGE_LABEL], tag);
    }
    assert.equal(ids.size, 3, 'the three tags are distinct images');
    assert.ok((await cri!.imageStatus(PAUSE_IMAGE)).image);
    assert.equal((await cri!.imageStatus('localhost/busybox:0.0')).image, null, 'an absent image is null, not an error');
    const names = (await cri!.listImages()).flatMap((i) => i.repoTags);
    for (const n of [PAUSE_IMAGE, busyboxImage('1.35'), busyboxImage('1.36'), busyboxImage('1.37')]) assert.ok(names.includes(n), n);
    const fs = await cri!.imageFsInfo();
    assert.ok(fs[0].fsId?.mountpoint.startsWith(dataDir), 'image filesystem is under the data dir');
  });

  let main: Awaited<ReturnType<typeof runPod>>;
  test('RunPodSandbox + CreateContainer/StartContainer: echo hello, log in the kubelet format', async (t) => {
    main = await runPod('hello', 'uid-hello-0001', containerConfig('hello', busyboxImage('1.35'), ['sh', '-c', 'echo hello; sleep 1']));
    timings['RunPodSandbox (first pod)'] = main.runSandboxMs;
    timings['CreateContainer+StartContainer (first pod)'] = main.createStartMs;
    t.diagnostic(`RunPodSandbox ${main.runSandboxMs.toFixed(1)} ms, Create+Start ${main.createStartMs.toFixed(1)} ms`);

    const { status: sb } = await cri!.podSandboxStatus(main.sandboxId);
    assert.equal(sb!.state, 'SANDBOX_READY');
    assert.equal(sb!.metadata!.name, 'hello');
    assert.equal(sb!.annotations['k8ts.io/test'], 'kubelet-cri');
    assert.ok(sb!.createdAt > 1.6e18, 'createdAt in nanoseconds');
    assert.equal(sb!.linux!.namespaces!.options!.network, 'POD');
    const listed = await cri!.listPodSandbox({ labelSelector: { 'io.kubernetes.pod.name': 'hello' } });
    assert.deepEqual(listed.map((s) => s.id), [main.sandboxId]);

    const st = await waitExited(main.containerId);
    assert.equal(st.exitCode, 0);
    assert.equal(st.reason, 'Completed');
    assert.ok(st.startedAt > 0 && st.finishedAt >= st.startedAt);
    assert.equal(st.logPath, join(main.sc.logDirectory!, 'hello/0.log'));
    const lines = readFileSync(st.logPath, 'utf8').trimEnd().split('\n');
    assert.equal(lines.length, 1, `one log line: ${JSON.stringify(lines)}`);
    const m = LOG_LINE.exec(lines[0]);
    assert.ok(m, `kubelet log format: ${lines[0]}`);
    assert.deepEqual([m[4], m[5], m[6]], ['stdout', 'F', 'hello']);
    assert.ok(Math.abs(Date.parse(m[1]) - Date.now()) < 60_000, 'timestamp is now-ish');
  });

  let sleeper = '';
  test('ExecSync returns stdout, stderr and the exit code; stats and list filters work', async () => {
    const sc = main.sc;
    mkdirSync(join(sc.logDirectory!, 'sleeper'), { recursive: true });
    sleeper = await cri!.createContainer(main.sandboxId, containerConfig('sleeper', busyboxImage('1.36'), ['sleep', '3600']), sc);
    await cri!.startContainer(sleeper);
    const r = await cri!.execSync(sleeper, ['sh', '-c', 'echo out; echo err >&2; echo $K8TS_TEST; hostname; exit 3'], 10);
    assert.equal(r.exitCode, 3);
    assert.equal(r.stdout.toString(), 'out\n1\nhello\n');
    assert.equal(r.stderr.toString(), 'err\n');
    const resolv = await cri!.execSync(sleeper, ['cat', '/etc/resolv.conf'], 10);
    assert.match(resolv.stdout.toString(), /nameserver 10\.96\.0\.10/);
    const links = await cri!.execSync(sleeper, ['ip', '-o', 'link'], 10);
    assert.deepEqual(links.stdout.toString().trim().split('\n').map((l) => l.split(': ')[1].replace(/@.*/, '')), ['lo', 'eth0'], 'the pod netns has lo and eth0');
    const { status: sb } = await cri!.podSandboxStatus(main.sandboxId);
    assert.match(sb!.network!.ip, /^10\.244\.250\.\d+$/, 'pod IP from the test subnet');

    // streaming (kubectl exec/attach/port-forward): containerd's stream server, on loopback of containerd's own netns
    assert.match(await cri!.exec({ containerId: sleeper, cmd: ['sh'], stdin: true, stdout: true }), /^http:\/\/127\.0\.0\.1:\d+\/exec\/\w+$/);

    const running = await cri!.listContainers({ podSandboxId: main.sandboxId, state: { state: 'CONTAINER_RUNNING' } });
    assert.deepEqual(running.map((c) => c.id), [sleeper]);
    const all = await cri!.listContainers({ podSandboxId: main.sandboxId });
    assert.equal(all.length, 2);
    const stats = await cri!.containerStats(sleeper);
    assert.equal(stats!.attributes!.id, sleeper);
    assert.ok((stats!.memory!.workingSetBytes?.value ?? 0) > 0, 'memory working set from the cgroup');
    assert.ok((await cri!.listContainerStats({ podSandboxId: main.sandboxId })).some((s) => s.attributes!.id === sleeper));
    await assert.rejects(cri!.containerStatus('no-such-container'), (e) => isNotFound(e));
  });

  test('PullImage of an absent localhost image fails fast on loopback (no traffic leaves the netns)', async () => {
    const t0 = performance.now();
    await assert.rejects(cri!.pullImage('localhost/not-there:1', { username: 'u', password: 'p' }, undefined, { timeoutMs: 20_000 }), (e: unknown) => {
      assert.ok(e instanceof CriError && !e.runtimeDown, String(e));
      assert.match(e.message, /localhost/);
      return true;
    });
    assert.ok(performance.now() - t0 < 10_000);
  });

  test('containerd killed: the supervisor restarts it and the pod keeps running', async () => {
    const oldPid = containerd!.pid!;
    const ready = new Promise<number>((resolve) => containerd!.once('ready', (_pid, ms) => resolve(ms)));
    process.kill(oldPid, 'SIGKILL');
    const ms = await ready;
    timings['containerd restart after SIGKILL (backoff 100 ms + startup)'] = ms;
    assert.notEqual(containerd!.pid, oldPid);
    const { status } = await cri!.containerStatus(sleeper);
    assert.equal(status!.state, 'CONTAINER_RUNNING');
    const r = await cri!.execSync(sleeper, ['echo', 'still here'], 10);
    assert.equal(r.stdout.toString(), 'still here\n');
  });

  test('five more pods: RunPodSandbox and Create+Start times', async (t) => {
    const runs: Awaited<ReturnType<typeof runPod>>[] = [];
    for (let i = 0; i < 5; i++) runs.push(await runPod(`p${i}`, `uid-p${i}`, containerConfig('c', busyboxImage('1.37'), ['sleep', '3600'])));
    const sb = runs.map((r) => r.runSandboxMs);
    const cs = runs.map((r) => r.createStartMs);
    timings['RunPodSandbox, 5 pods: median / max'] = `${median(sb).toFixed(1)} / ${Math.max(...sb).toFixed(1)} ms`;
    timings['Create+Start, 5 pods: median / max'] = `${median(cs).toFixed(1)} / ${Math.max(...cs).toFixed(1)} ms`;
    t.diagnostic(`RunPodSandbox median ${median(sb).toFixed(1)} ms, Create+Start median ${median(cs).toFixed(1)} ms`);
    for (const r of runs) assert.equal((await cri!.containerStatus(r.containerId)).status!.state, 'CONTAINER_RUNNING');
  });

  test("a hostNetwork pod (network NODE) shares containerd's namespace, which is the test netns", async () => {
    const sc = sandboxConfig('hostnet', 'uid-hostnet');
    const nsOpts = { network: 'NODE', pid: 'CONTAINER', ipc: 'POD' } as const;
    sc.linux!.securityContext!.namespaceOptions = nsOpts;
    sc.hostname = ''; // as the kubelet does for hostNetwork pods: runc cannot set a hostname without a private UTS namespace
    const cc = containerConfig('c', busyboxImage('1.35'), ['sleep', '3600']);
    cc.linux!.securityContext!.namespaceOptions = nsOpts;
    mkdirSync(join(sc.logDirectory!, 'c'), { recursive: true });
    const sandboxId = await cri!.runPodSandbox(sc);
    const id = await cri!.createContainer(sandboxId, cc, sc);
    await cri!.startContainer(id);
    const links = (await cri!.execSync(id, ['ip', '-o', 'link'], 10)).stdout.toString();
    assert.match(links, /: k8ts-test0: /, 'sees the test netns bridge');
    assert.equal((await cri!.podSandboxStatus(sandboxId)).status!.linux!.namespaces!.options!.network, 'NODE');
  });

  test('teardown through CRI leaves nothing behind', async () => {
    const t0 = performance.now();
    for (const s of await cri!.listPodSandbox()) {
      for (const c of await cri!.listContainers({ podSandboxId: s.id })) {
        await cri!.stopContainer(c.id, 0);
        await cri!.removeContainer(c.id);
        await cri!.removeContainer(c.id); // idempotent
      }
      await cri!.stopPodSandbox(s.id);
      await cri!.removePodSandbox(s.id);
      await cri!.removePodSandbox(s.id); // idempotent
    }
    timings['stop+remove all 7 pods'] = performance.now() - t0;
    assert.deepEqual(await cri!.listPodSandbox(), []);
    assert.deepEqual(await cri!.listContainers(), []);
    assert.deepEqual(shimPids(containerd!.address), [], 'no shim of this containerd is left');
    assert.deepEqual(mountsUnder(dataDir), [], 'no mount under the data dir');

    await containerd!.stop();
    assert.equal(containerd!.pid, undefined);
    await assert.rejects(cri!.version(), (e: unknown) => e instanceof CriError && e.runtimeDown && /containerd is not running/.test(e.message));

    // runc leaves the pod cgroup directories (cgroup_parent) behind: removing them is the kubelet's job
    const errors: string[] = [];
    removeCgroupTree(cgroupRoot, errors);
    assert.deepEqual(errors, []);
    for (const m of cgroupMounts()) assert.ok(!existsSync(join(m, cgroupRoot)), `${join(m, cgroupRoot)} removed`);
    const name = ns!.name;
    ns!.destroy();
    assert.ok(!execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).includes(name), 'test netns removed');
  });
});
