// Tests for the hollow kubelet's fake pod lifecycle: finite commands, init order, completion, deletion, pod IPs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../api/strategy.js';
import { finiteRun } from './finite-command.js';
import { desiredStatus, statusFingerprint, toSimPod, completionTime, type PodTiming } from './pod-status.js';
import { PodIps } from './pod-ips.js';
import { KeyedRunner } from './keyed-runner.js';

const T = Date.parse('2025-01-01T00:00:00Z');
const TIMING: PodTiming = { initMs: 1000, runMs: 2000 };

function pod(spec: KObject, meta: KObject = {}): KObject {
  return { metadata: { name: 'p', namespace: 'ns', uid: 'u1', resourceVersion: '5', ...meta }, spec: { nodeName: 'hollow-node-0', restartPolicy: 'Always', ...spec }, status: { phase: 'Pending', qosClass: 'BestEffort' } };
}

test('finite commands: shells, exit codes, sleeps; loops and servers are not', () => {
  const f = (command: string[], args?: string[]) => finiteRun({ command, args }, 100);
  assert.deepEqual(f(['sh', '-c', 'exit 0']), { runMs: 100, exitCode: 0 });
  assert.deepEqual(f(['/bin/sh', '-c', 'echo hi; exit 3']), { runMs: 100, exitCode: 3 });
  assert.deepEqual(f(['sh', '-ec', 'sleep 2 && echo done']), { runMs: 2100, exitCode: 0 });
  assert.deepEqual(f(['echo', 'hello world']), { runMs: 100, exitCode: 0 });
  assert.deepEqual(f(['true']), { runMs: 100, exitCode: 0 });
  assert.deepEqual(f(['/bin/false']), { runMs: 100, exitCode: 1 });
  assert.deepEqual(f(['sleep', '5']), { runMs: 5100, exitCode: 0 });
  assert.deepEqual(f(['sh'], ['-c', 'X=1 exit 7']), { runMs: 100, exitCode: 7 });
  assert.deepEqual(f(['busybox', 'sh', '-c', 'exit 300']), { runMs: 100, exitCode: 44 });
  assert.equal(f(['sleep', 'infinity']), undefined);
  assert.equal(f(['sh', '-c', 'while true; do sleep 1; done']), undefined);
  assert.equal(f(['httpd', '-f']), undefined);
  assert.equal(f(['sh', '-c', 'tail -f /dev/null']), undefined);
  assert.equal(f(['/myapp']), undefined);
  assert.equal(finiteRun({}, 100), undefined, 'no command: the image default, unknown');
  assert.deepEqual(finiteRun({}, 100, true), { runMs: 100, exitCode: 0 }, 'a Job pod with no command finishes');
  assert.equal(finiteRun({ command: ['sleep', 'infinity'] }, 100, true), undefined, 'even a Job pod can run forever');
});

test('a long-running pod goes Running and Ready at once with its IP', () => {
  const p = toSimPod(pod({ containers: [{ name: 'c', image: 'localhost/busybox:1.35' }] }), T, TIMING);
  p.podIP = '10.244.3.2';
  p.hostIP = '10.255.0.1';
  const { status, nextAt } = desiredStatus(p, T, TIMING);
  assert.equal(nextAt, undefined);
  assert.equal(status.phase, 'Running');
  assert.equal(status.podIP, '10.244.3.2');
  assert.deepEqual(status.podIPs, [{ ip: '10.244.3.2' }]);
  assert.equal(status.hostIP, '10.255.0.1');
  assert.equal(status.startTime, '2025-01-01T00:00:00Z');
  assert.deepEqual(status.conditions.map((c: KObject) => `${c.type}=${c.status}`), ['PodReadyToStartContainers=True', 'Initialized=True', 'Ready=True', 'ContainersReady=True', 'PodScheduled=True']);
  const cs = status.containerStatuses[0];
  assert.deepEqual(cs, {
    name: 'c', image: 'localhost/busybox:1.35', imageID: 'sim://localhost/busybox:1.35', restartCount: 0,
    containerID: 'sim://u1-c', ready: true, started: true, state: { running: { startedAt: '2025-01-01T00:00:00Z' } },
  });
  assert.equal(statusFingerprint(status), 'Running|True|10.244.3.2||r');
  assert.equal(completionTime(p, TIMING), undefined);
});

test('init containers run one after another before the app containers', () => {
  const p = toSimPod(pod({ initContainers: [{ name: 'i1', image: 'img' }, { name: 'i2', image: 'img' }], containers: [{ name: 'app', image: 'img' }] }), T, TIMING);
  p.podIP = '10.244.0.5';
  let s = desiredStatus(p, T + 10, TIMING);
  assert.equal(s.status.phase, 'Pending');
  assert.equal(s.nextAt, T + 1000);
  assert.deepEqual(s.status.initContainerStatuses.map((c: KObject) => Object.keys(c.state)[0]), ['running', 'waiting']);
  assert.equal(s.status.containerStatuses[0].state.waiting.reason, 'PodInitializing');
  const init = s.status.conditions.find((c: KObject) => c.type === 'Initialized');
  assert.equal(init.status, 'False');
  assert.equal(init.message, 'containers with incomplete status: [i1 i2]');
  s = desiredStatus(p, T + 1500, TIMING);
  assert.deepEqual(s.status.initContainerStatuses.map((c: KObject) => Object.keys(c.state)[0]), ['terminated', 'running']);
  assert.deepEqual(s.status.initContainerStatuses[0].state.terminated, { exitCode: 0, reason: 'Completed', startedAt: '2025-01-01T00:00:00Z', finishedAt: '2025-01-01T00:00:01Z', containerID: 'sim://u1-i1' });
  assert.equal(s.nextAt, T + 2000);
  s = desiredStatus(p, T + 2000, TIMING);
  assert.equal(s.status.phase, 'Running');
  assert.equal(s.status.conditions.find((c: KObject) => c.type === 'Initialized').lastTransitionTime, '2025-01-01T00:00:02Z');
  assert.equal(s.status.containerStatuses[0].state.running.startedAt, '2025-01-01T00:00:02Z');
  assert.equal(s.nextAt, undefined);
});

test('a Job pod completes after its run with the exit code of its command', () => {
  const ok = toSimPod(pod({ restartPolicy: 'Never', containers: [{ name: 'c', image: 'i', command: ['sh', '-c', 'echo ok'] }] }, { ownerReferences: [{ kind: 'Job', name: 'j', uid: 'j1' }] }), T, TIMING);
  ok.podIP = '10.244.0.6';
  assert.equal(desiredStatus(ok, T, TIMING).nextAt, T + 2000);
  let s = desiredStatus(ok, T + 2000, TIMING).status;
  assert.equal(s.phase, 'Succeeded');
  assert.deepEqual(s.containerStatuses[0].state.terminated, { exitCode: 0, reason: 'Completed', startedAt: '2025-01-01T00:00:00Z', finishedAt: '2025-01-01T00:00:02Z', containerID: 'sim://u1-c' });
  assert.equal(s.conditions.find((c: KObject) => c.type === 'Ready').reason, 'PodCompleted');
  const bad = toSimPod(pod({ restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'i', command: ['sh', '-c', 'sleep 1; exit 2'] }] }), T, TIMING);
  s = desiredStatus(bad, T + 3000, TIMING).status;
  assert.equal(s.phase, 'Failed');
  assert.equal(s.containerStatuses[0].state.terminated.reason, 'Error');
  assert.equal(s.containerStatuses[0].state.terminated.exitCode, 2);
  // restartPolicy Always never completes, whatever the command
  const always = toSimPod(pod({ containers: [{ name: 'c', image: 'i', command: ['true'] }] }), T, TIMING);
  assert.equal(desiredStatus(always, T + 60_000, TIMING).status.phase, 'Running');
});

test('a pod being deleted has every container terminated and ends finished', () => {
  const p = toSimPod(pod({ containers: [{ name: 'c', image: 'i' }] }), T, TIMING);
  p.podIP = '10.244.0.7';
  p.deletingSince = T + 5000;
  const s = desiredStatus(p, T + 6000, TIMING).status;
  assert.equal(s.phase, 'Succeeded');
  assert.equal(s.containerStatuses[0].state.terminated.finishedAt, '2025-01-01T00:00:05Z');
  assert.equal(s.conditions.find((c: KObject) => c.type === 'Ready').status, 'False');
});

test('a restarted hollow kubelet adopts the start time and IP already reported', () => {
  const obj = pod({ containers: [{ name: 'c', image: 'i' }] });
  obj.status = { phase: 'Running', podIP: '10.244.0.9', startTime: '2024-12-31T23:00:00Z', qosClass: 'Burstable', conditions: [{ type: 'Ready', status: 'True' }, { type: 'PodScheduled', status: 'True', lastTransitionTime: '2024-12-31T22:59:59Z' }], containerStatuses: [{ state: { running: {} } }] };
  const p = toSimPod(obj, T, TIMING);
  assert.equal(p.t0, Date.parse('2024-12-31T23:00:00Z'));
  assert.equal(p.podIP, '10.244.0.9');
  assert.equal(p.qosClass, 'Burstable');
  p.hostIP = '10.255.0.1';
  const s = desiredStatus(p, T, TIMING).status;
  assert.equal(statusFingerprint(s), p.observed, 'nothing to write');
  assert.equal(s.conditions.find((c: KObject) => c.type === 'PodScheduled').lastTransitionTime, '2024-12-31T22:59:59Z');
});

test('pod IPs come from the node CIDR, skipping network, gateway and broadcast', () => {
  const ips = new PodIps('10.244.7.0/24');
  assert.equal(ips.available, 253);
  assert.equal(ips.allocate(), '10.244.7.2');
  assert.equal(ips.allocate(), '10.244.7.3');
  assert.equal(ips.reserve('10.244.7.4'), true);
  assert.equal(ips.reserve('10.244.7.4'), false, 'taken');
  assert.equal(ips.reserve('10.244.8.4'), false, 'outside');
  assert.equal(ips.allocate(), '10.244.7.5');
  ips.release('10.244.7.2');
  const all = new Set<string>();
  for (let ip = ips.allocate(); ip; ip = ips.allocate()) all.add(ip);
  assert.equal(all.size, 250);
  assert.ok(!all.has('10.244.7.255') && !all.has('10.244.7.1') && !all.has('10.244.7.0'));
  assert.ok(all.has('10.244.7.2'), 'released address comes back around');
  assert.throws(() => new PodIps('fd00::/64'), /IPv4/);
});

test('the keyed runner bounds concurrency, runs a key once at a time, and re-runs keys added meanwhile', async () => {
  let inFlight = 0;
  let peak = 0;
  const runs: string[] = [];
  const runner = new KeyedRunner(2, async (k) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    runs.push(k);
    await new Promise((r) => setTimeout(r, 5));
    inFlight--;
  });
  for (const k of ['a', 'b', 'c', 'a', 'd']) runner.add(k);
  runner.add('a'); // 'a' is running: one more run afterwards
  await runner.idle();
  assert.equal(peak, 2);
  assert.deepEqual(runs.filter((k) => k === 'a').length, 2);
  assert.deepEqual([...new Set(runs)].sort(), ['a', 'b', 'c', 'd']);
});
