// Pod: defaults, validation (create and the narrow set of mutable spec fields), initial status, field selectors, table.

import type { StatusCause } from '../status.js';
import type { KindStrategy, KObject } from '../strategy.js';
import { Quantity } from '../quantity.js';
import { forbidden, invalid, objs, semanticEqual, deepEqual } from '../validation/field.js';
import { validatePodSpec } from '../validation/pod-spec.js';
import { defaultPodSpec, volumeSourceKeys } from './pod-defaults.js';
import { translateTimestampSince } from './duration.js';
import { AGE_COLUMN, NAME_COLUMN, ageOf, col, nameOf } from './table.js';

const POD_UPDATABLE_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

/** The Forbidden message for a disallowed pod spec update (upstream appends a diff; we do not). */
export const POD_UPDATE_FORBIDDEN = `pod updates may not change fields other than ${POD_UPDATABLE_FIELDS.join(',')}`;

function containers(spec: KObject | undefined, key = 'containers'): KObject[] {
  return objs(spec?.[key]);
}

/** upstream's qos.ComputePodQOS over cpu and memory of containers and init containers. */
export function computePodQOS(pod: KObject): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let guaranteed = true;
  for (const c of [...containers(pod.spec), ...containers(pod.spec, 'initContainers')]) {
    for (const [name, v] of Object.entries((c?.resources?.requests ?? {}) as Record<string, unknown>)) {
      if (name !== 'cpu' && name !== 'memory') continue;
      const q = Quantity.tryParse(v);
      if (q && q.sign() > 0) requests.set(name, (requests.get(name) ?? Quantity.zero()).add(q));
    }
    const found = new Set<string>();
    for (const [name, v] of Object.entries((c?.resources?.limits ?? {}) as Record<string, unknown>)) {
      if (name !== 'cpu' && name !== 'memory') continue;
      const q = Quantity.tryParse(v);
      if (q && q.sign() > 0) {
        found.add(name);
        limits.set(name, (limits.get(name) ?? Quantity.zero()).add(q));
      }
    }
    if (!found.has('cpu') || !found.has('memory')) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, req] of requests) {
      const lim = limits.get(name);
      if (!lim || lim.cmp(req) !== 0) {
        guaranteed = false;
        break;
      }
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

function validatePodUpdate(pod: KObject, old: KObject): StatusCause[] {
  const errs: StatusCause[] = [];
  const spec: KObject = pod.spec ?? {};
  const oldSpec: KObject = old.spec ?? {};
  if (containers(spec).length !== containers(oldSpec).length) {
    return [forbidden('spec.containers', 'pod updates may not add or remove containers')];
  }
  if (containers(spec, 'initContainers').length !== containers(oldSpec, 'initContainers').length) {
    return [forbidden('spec.initContainers', 'pod updates may not add or remove containers')];
  }
  if (oldSpec.activeDeadlineSeconds != null) {
    const v = spec.activeDeadlineSeconds;
    if (v == null || v > oldSpec.activeDeadlineSeconds) errs.push(invalid('spec.activeDeadlineSeconds', v ?? null, 'must be less than or equal to previous value'));
  }
  // only additions to tolerations (and tolerationSeconds changes) are allowed
  const oldTol = objs(oldSpec.tolerations);
  const newTol = objs(spec.tolerations);
  const strip = (t: KObject) => ({ ...t, tolerationSeconds: undefined });
  for (const t of oldTol) {
    if (!newTol.some((n) => deepEqual(strip(n), strip(t)))) {
      errs.push(forbidden('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds'));
      break;
    }
  }
  const munged: KObject = structuredClone(spec);
  containers(munged).forEach((c, i) => (c.image = containers(oldSpec)[i]?.image));
  containers(munged, 'initContainers').forEach((c, i) => (c.image = containers(oldSpec, 'initContainers')[i]?.image));
  munged.activeDeadlineSeconds = oldSpec.activeDeadlineSeconds;
  munged.tolerations = oldSpec.tolerations;
  munged.schedulingGates = oldSpec.schedulingGates;
  if (typeof oldSpec.terminationGracePeriodSeconds === 'number' && oldSpec.terminationGracePeriodSeconds < 0 && munged.terminationGracePeriodSeconds === 1) {
    munged.terminationGracePeriodSeconds = oldSpec.terminationGracePeriodSeconds;
  }
  // scheduling gates may only be removed
  const oldGates = new Set((oldSpec.schedulingGates ?? []).map((g: KObject) => g.name));
  if ((spec.schedulingGates ?? []).some((g: KObject) => !oldGates.has(g.name))) errs.push(forbidden('spec.schedulingGates', 'only deletion is allowed, but found new scheduling gate'));
  if (!semanticEqual(munged, oldSpec)) errs.push(forbidden('spec', POD_UPDATE_FORBIDDEN));
  return errs;
}

function condTrue(status: KObject | undefined, type: string): boolean {
  return objs(status?.conditions).some((c: KObject) => c?.type === type && c?.status === 'True');
}

/**
 * upstream printPod's READY, STATUS and RESTARTS cells: init container progress
 * ("Init:0/2", "Init:CrashLoopBackOff"), container waiting/terminated reasons,
 * "Completed"/"NotReady", "Terminating" once deletion started, "Unknown" for lost nodes.
 */
export function podStatusCells(pod: KObject, now: Date): { ready: string; status: string; restarts: string } {
  const spec: KObject = pod.spec ?? {};
  const status: KObject = pod.status ?? {};
  let restarts = 0;
  let sidecarRestarts = 0;
  let totalContainers = containers(spec).length;
  let readyContainers = 0;
  let lastRestart = 0;
  let lastSidecarRestart = 0;
  const phase: string = status.phase ?? '';
  let reason: string = status.reason || phase;
  for (const c of objs(status.conditions)) if (c?.type === 'PodScheduled' && c?.reason === 'SchedulingGated') reason = 'SchedulingGated';

  const inits = new Map<string, KObject>();
  for (const c of containers(spec, 'initContainers')) {
    inits.set(c?.name, c);
    if (c?.restartPolicy === 'Always') totalContainers++;
  }
  const isSidecar = (name: string) => inits.get(name)?.restartPolicy === 'Always';
  const finishedAt = (c: KObject) => {
    const t = Date.parse(c?.lastState?.terminated?.finishedAt ?? '');
    return Number.isNaN(t) ? 0 : t;
  };
  const initCount = containers(spec, 'initContainers').length;
  let initializing = false;
  const initStatuses = objs(status.initContainerStatuses);
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i];
    restarts += c.restartCount ?? 0;
    lastRestart = Math.max(lastRestart, finishedAt(c));
    if (isSidecar(c.name)) {
      sidecarRestarts += c.restartCount ?? 0;
      lastSidecarRestart = Math.max(lastSidecarRestart, finishedAt(c));
    }
    const term = c.state?.terminated;
    const wait = c.state?.waiting;
    if (term && (term.exitCode ?? 0) === 0) continue;
    if (isSidecar(c.name) && c.started === true) {
      if (c.ready) readyContainers++;
      continue;
    }
    if (term) {
      if (!term.reason) reason = term.signal ? `Init:Signal:${term.signal}` : `Init:ExitCode:${term.exitCode ?? 0}`;
      else reason = `Init:${term.reason}`;
      initializing = true;
    } else if (wait && wait.reason && wait.reason !== 'PodInitializing') {
      reason = `Init:${wait.reason}`;
      initializing = true;
    } else {
      reason = `Init:${i}/${initCount}`;
      initializing = true;
    }
    break;
  }

  if (!initializing || condTrue(status, 'Initialized')) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = objs(status.containerStatuses);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      restarts += c.restartCount ?? 0;
      lastRestart = Math.max(lastRestart, finishedAt(c));
      const wait = c.state?.waiting;
      const term = c.state?.terminated;
      if (wait && wait.reason) reason = wait.reason;
      else if (term && term.reason) reason = term.reason;
      else if (term && !term.reason) reason = term.signal ? `Signal:${term.signal}` : `ExitCode:${term.exitCode ?? 0}`;
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        readyContainers++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = condTrue(status, 'Ready') ? 'Running' : 'NotReady';
  }

  const deleting = !!pod.metadata?.deletionTimestamp;
  if (deleting && status.reason === 'NodeLost') reason = 'Unknown';
  else if (deleting && phase !== 'Failed' && phase !== 'Succeeded') reason = 'Terminating';

  let restartsStr = String(restarts);
  if (restarts !== 0 && lastRestart !== 0) restartsStr = `${restarts} (${translateTimestampSince(new Date(lastRestart).toISOString(), now)} ago)`;
  return { ready: `${readyContainers}/${totalContainers}`, status: reason, restarts: restartsStr };
}

/** The singular field is authoritative (upstream's v1 conversion); the plural list follows it. */
function syncIPs(status: KObject | undefined, one: string, many: string): void {
  if (!status || typeof status !== 'object') return;
  const list: KObject[] = Array.isArray(status[many]) ? status[many] : [];
  if (status[one] && (list.length === 0 || list[0]?.ip !== status[one])) status[many] = [{ ip: status[one] }];
  else if (!status[one] && list.length > 0 && list[0]?.ip) status[one] = list[0].ip;
}

/** Field selectors pods support (upstream's pod ToSelectableFields). */
export function podSelectableFields(pod: KObject): Record<string, string> {
  const spec: KObject = pod?.spec ?? {};
  const status: KObject = pod?.status ?? {};
  return {
    'spec.nodeName': spec.nodeName ?? '',
    'spec.restartPolicy': spec.restartPolicy ?? '',
    'spec.schedulerName': spec.schedulerName ?? '',
    'spec.serviceAccountName': spec.serviceAccountName ?? '',
    'spec.hostNetwork': String(spec.hostNetwork === true),
    'status.phase': status.phase ?? '',
    'status.podIP': status.podIP || status.podIPs?.[0]?.ip || '',
    'status.nominatedNodeName': status.nominatedNodeName ?? '',
  };
}

export const podStrategy: KindStrategy = {
  defaults(pod) {
    if (pod.spec && typeof pod.spec === 'object') defaultPodSpec(pod.spec, true);
    syncIPs(pod.status, 'podIP', 'podIPs');
    syncIPs(pod.status, 'hostIP', 'hostIPs');
  },

  validate(pod, old) {
    const errs = validatePodSpec(pod.spec, 'spec', { volumeSourceKeys: volumeSourceKeys() });
    if (!old) {
      if (Array.isArray(pod.spec?.ephemeralContainers) && pod.spec.ephemeralContainers.length > 0) {
        errs.push(forbidden('spec.ephemeralContainers', 'cannot be set on create'));
      }
      return errs;
    }
    return [...errs, ...validatePodUpdate(pod, old)];
  },

  prepareForCreate(pod) {
    pod.status = { phase: 'Pending', qosClass: computePodQOS(pod) };
    if (Array.isArray(pod.spec?.schedulingGates) && pod.spec.schedulingGates.length > 0) {
      pod.status.conditions = [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated', message: 'Scheduling is blocked due to non-empty scheduling gates' }];
    }
  },

  selectableFields: podSelectableFields,

  table: {
    columns: [
      NAME_COLUMN,
      col('Ready', 'string', 'Ready containers out of all containers.'),
      col('Status', 'string', 'Summary of the pod and container states.'),
      col('Restarts', 'string', 'Container restarts, with the time since the last one.'),
      AGE_COLUMN,
      col('IP', 'string', 'The pod IP address.', 1),
      col('Node', 'string', 'The node the pod is bound to.', 1),
      col('Nominated Node', 'string', 'The node nominated by preemption.', 1),
      col('Readiness Gates', 'string', 'Readiness gates that are true out of all gates.', 1),
    ],
    cells(pod, now) {
      const { ready, status, restarts } = podStatusCells(pod, now);
      const spec: KObject = pod.spec ?? {};
      const st: KObject = pod.status ?? {};
      const ip = st.podIP || st.podIPs?.[0]?.ip || '<none>';
      let gates = '<none>';
      const rg = objs(spec.readinessGates);
      if (rg.length > 0) {
        let trueCount = 0;
        for (const g of rg) {
          const c = (st.conditions ?? []).find((x: KObject) => x?.type === g?.conditionType);
          if (c?.status === 'True') trueCount++;
        }
        gates = `${trueCount}/${rg.length}`;
      }
      return [nameOf(pod), ready, status, restarts, ageOf(pod, now), ip, spec.nodeName || '<none>', st.nominatedNodeName || '<none>', gates];
    },
  },
};
