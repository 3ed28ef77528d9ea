// The hollow kubelet's view of a pod (a compact record) and the status it reports for it at a given time.

import type { KObject } from '../api/strategy.js';
import { computePodQOS } from '../api/kinds/pod.js';
import { finiteRun, type FiniteRun } from './finite-command.js';

export interface SimContainer {
  name: string;
  image: string;
  /** set when the container finishes on its own */
  run?: FiniteRun;
}

/** What the hollow kubelet keeps of a pod: a few hundred bytes instead of the whole object. */
export interface SimPod {
  namespace: string;
  name: string;
  uid: string;
  nodeName: string;
  /** resourceVersion last seen: the precondition of the next status write */
  rv: string;
  containers: SimContainer[];
  inits: SimContainer[];
  qosClass: string;
  hostNetwork: boolean;
  /** ms since epoch when the hollow kubelet started the pod; the whole timeline derives from it */
  t0: number;
  scheduledAt: string;
  podIP?: string;
  /** podIP came from this node's allocator and is not yet given back */
  ipHeld?: boolean;
  hostIP?: string;
  /** the API already shows Succeeded or Failed: never written again */
  terminal: boolean;
  /** ms since epoch when the deletion was first seen */
  deletingSince?: number;
  /** fingerprint of the status last seen from the API */
  observed: string;
  timer?: NodeJS.Timeout;
}

export interface PodTiming {
  /** how long each init container runs before it "completes" */
  initMs: number;
  /** how long a finite command runs (plus its sleeps) */
  runMs: number;
}

export const DEFAULT_TIMING: PodTiming = { initMs: 300, runMs: 1000 };

/** Builds the record for a pod first seen on a hollow node (adopting the start time of a status written before a restart). */
export function toSimPod(pod: KObject, now: number, timing: PodTiming): SimPod {
  const spec: KObject = pod.spec ?? {};
  const status: KObject = pod.status ?? {};
  const restartPolicy: string = spec.restartPolicy ?? 'Always';
  const jobOwned = (pod.metadata?.ownerReferences ?? []).some((o: KObject) => o?.kind === 'Job');
  const canFinish = restartPolicy !== 'Always';
  const toContainer = (c: KObject, app: boolean): SimContainer => {
    const out: SimContainer = { name: String(c?.name ?? ''), image: String(c?.image ?? '') };
    if (app && canFinish) {
      const run = finiteRun(c ?? {}, timing.runMs, jobOwned);
      if (run) out.run = run;
    }
    return out;
  };
  const started = Date.parse(status.startTime ?? '');
  const scheduled = (status.conditions ?? []).find((c: KObject) => c?.type === 'PodScheduled' && c?.status === 'True')?.lastTransitionTime;
  return {
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    uid: pod.metadata?.uid ?? '',
    nodeName: spec.nodeName ?? '',
    rv: pod.metadata?.resourceVersion ?? '',
    containers: (Array.isArray(spec.containers) ? spec.containers : []).map((c: KObject) => toContainer(c, true)),
    inits: (Array.isArray(spec.initContainers) ? spec.initContainers : []).map((c: KObject) => toContainer(c, false)),
    qosClass: status.qosClass ?? computePodQOS(pod),
    hostNetwork: spec.hostNetwork === true,
    t0: Number.isNaN(started) ? now : started,
    scheduledAt: typeof scheduled === 'string' ? scheduled : rfc3339(Number.isNaN(started) ? now : started),
    podIP: status.podIP || undefined,
    deletingSince: pod.metadata?.deletionTimestamp ? now : undefined,
    terminal: isTerminalPhase(status.phase),
    observed: statusFingerprint(status),
  };
}

export function isTerminalPhase(phase: unknown): boolean {
  return phase === 'Succeeded' || phase === 'Failed';
}

/** The parts of a status the hollow kubelet controls, as a short string: equal strings need no write. */
export function statusFingerprint(status: KObject | undefined): string {
  const s: KObject = status ?? {};
  const ready = (s.conditions ?? []).find((c: KObject) => c?.type === 'Ready')?.status ?? '';
  const state = (cs: KObject[] | undefined) =>
    (cs ?? []).map((c) => (c?.state?.running ? 'r' : c?.state?.terminated ? `t${c.state.terminated.exitCode ?? 0}` : 'w')).join('');
  return `${s.phase ?? ''}|${ready}|${s.podIP ?? ''}|${state(s.initContainerStatuses)}|${state(s.containerStatuses)}`;
}

/** When the pod completes on its own (every app container finite), or undefined. */
export function completionTime(p: SimPod, timing: PodTiming): number | undefined {
  if (p.containers.length === 0 || p.containers.some((c) => !c.run)) return undefined;
  return appStart(p, timing) + Math.max(...p.containers.map((c) => c.run!.runMs));
}

function appStart(p: SimPod, timing: PodTiming): number {
  return p.t0 + p.inits.length * timing.initMs;
}

/**
 * The status a kubelet would report at `now`: init containers one after another, then every app
 * container running and ready, finite ones terminating on schedule, and everything terminated
 * once deletion was seen. `nextAt` is when the answer changes next (for a timer).
 */
export function desiredStatus(p: SimPod, now: number, timing: PodTiming): { status: KObject; nextAt?: number } {
  const tApp = appStart(p, timing);
  const times: number[] = [];
  const ts = (ms: number) => rfc3339(ms);
  const deleting = p.deletingSince !== undefined;
  const cut = deleting ? Math.min(now, p.deletingSince!) : now;
  const containerID = (c: SimContainer) => `sim://${p.uid}-${c.name}`;

  const initStatuses = p.inits.map((c, i) => {
    const start = p.t0 + i * timing.initMs;
    const end = start + timing.initMs;
    const base = { name: c.name, image: c.image, imageID: `sim://${c.image}`, restartCount: 0 };
    if (end <= cut || (deleting && start <= cut)) {
      return { ...base, containerID: containerID(c), ready: false, started: false, state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: ts(start), finishedAt: ts(Math.min(end, cut)), containerID: containerID(c) } } };
    }
    if (start <= cut) {
      times.push(end);
      return { ...base, containerID: containerID(c), ready: false, started: true, state: { running: { startedAt: ts(start) } } };
    }
    return { ...base, imageID: '', ready: false, started: false, state: { waiting: { reason: 'PodInitializing' } } };
  });
  const initialized = tApp <= cut;
  if (!initialized && !deleting) times.push(tApp);

  let allRunning = initialized;
  let allTerminated = true;
  let failed = false;
  const containerStatuses = p.containers.map((c) => {
    const base = { name: c.name, image: c.image, imageID: `sim://${c.image}`, restartCount: 0 };
    if (!initialized) {
      allRunning = false;
      // deleted before it ran: the pod ends Failed, as a kubelet reports a pod killed while initializing
      if (deleting) failed = true;
      else allTerminated = false;
      return { ...base, imageID: '', ready: false, started: false, state: { waiting: { reason: 'PodInitializing' } } };
    }
    const finish = c.run ? tApp + c.run.runMs : undefined;
    if ((finish !== undefined && finish <= cut) || deleting) {
      const exitCode = finish !== undefined && finish <= cut ? c.run!.exitCode : 0;
      if (exitCode !== 0) failed = true;
      allRunning = false;
      const end = finish !== undefined && finish <= cut ? finish : cut;
      return {
        ...base, containerID: containerID(c), ready: false, started: false,
        state: { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt: ts(tApp), finishedAt: ts(end), containerID: containerID(c) } },
      };
    }
    if (finish !== undefined) times.push(finish);
    allTerminated = false;
    return { ...base, containerID: containerID(c), ready: true, started: true, state: { running: { startedAt: ts(tApp) } } };
  });
  if (p.containers.length === 0) allRunning = false;

  const terminal = allTerminated && p.containers.length > 0 && (initialized || deleting);
  const phase = terminal ? (failed ? 'Failed' : 'Succeeded') : initialized ? 'Running' : 'Pending';
  const notReadyNames = p.containers.filter((_, i) => !containerStatuses[i].ready).map((c) => c.name);
  const incompleteInits = p.inits.filter((_, i) => !initStatuses[i].state.terminated).map((c) => c.name);
  const readyCond = (type: string) => {
    if (allRunning) return { type, status: 'True', lastProbeTime: null, lastTransitionTime: ts(tApp) };
    if (terminal) return { type, status: 'False', reason: 'PodCompleted', lastProbeTime: null, lastTransitionTime: ts(lastTermination(p, tApp, cut)) };
    return { type, status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: [${notReadyNames.join(' ')}]`, lastProbeTime: null, lastTransitionTime: ts(p.t0) };
  };
  const conditions: KObject[] = [
    { type: 'PodReadyToStartContainers', status: terminal ? 'False' : 'True', lastProbeTime: null, lastTransitionTime: ts(terminal ? lastTermination(p, tApp, cut) : p.t0) },
    initialized || terminal
      ? { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: ts(Math.min(tApp, cut)) }
      : { type: 'Initialized', status: 'False', reason: 'ContainersNotInitialized', message: `containers with incomplete status: [${incompleteInits.join(' ')}]`, lastProbeTime: null, lastTransitionTime: ts(p.t0) },
    readyCond('Ready'),
    readyCond('ContainersReady'),
    { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: p.scheduledAt },
  ];
  const status: KObject = {
    phase,
    conditions,
    hostIP: p.hostIP,
    hostIPs: p.hostIP ? [{ ip: p.hostIP }] : undefined,
    podIP: p.podIP,
    podIPs: p.podIP ? [{ ip: p.podIP }] : undefined,
    startTime: ts(p.t0),
    initContainerStatuses: initStatuses.length ? initStatuses : undefined,
    containerStatuses,
    qosClass: p.qosClass,
  };
  const future = times.filter((t) => t > now);
  return { status, nextAt: future.length ? Math.min(...future) : undefined };
}

function lastTermination(p: SimPod, tApp: number, cut: number): number {
  let last = tApp;
  for (const c of p.containers) last = Math.max(last, c.run && tApp + c.run.runMs <= cut ? tApp + c.run.runMs : cut);
  return Math.min(last, cut);
}

/** metav1.Time: RFC 3339 with second precision. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
