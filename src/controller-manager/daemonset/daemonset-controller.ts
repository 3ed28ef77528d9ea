// The DaemonSet controller (apps/v1): one pod per eligible node, rolling updates, ControllerRevision history, status.

import { labelSelectorFromSpec, matchLabelSelector, type LabelSelector } from '../../api/labels.js';
import type { KObject } from '../../api/strategy.js';
import { realClock, type Clock } from '../../client/clock.js';
import { keyOf } from '../../client/object-key.js';
import { isConflict, isNotFound } from '../../client/rest-client.js';
import type { Informer, Reconciler, ReconcileResult, ResourceClient, WorkQueue } from '../../client/types.js';
import { claimObjects, controllerRefOf, ensureControllerIndex, ownedBy, recheckOwner, resolveControllerRef, withKind } from '../workloads-common/controller-ref.js';
import type { Recorder, WorkloadControllerOptions } from '../workloads-common/deps.js';
import { Expectations } from '../workloads-common/expectations.js';
import { computeHash } from '../workloads-common/hash.js';
import {
  CONTROLLER_REVISION_HASH_LABEL, RevisionCollisionError, createRevision, newRevision, revisionName, revisionNumber, sameData, sortRevisions, templatePatch,
  updateRevisionNumber,
} from '../workloads-common/history.js';
import { errMessage, isNamespaceTerminating, isPodAvailable, isPodReady, isPodTerminal, msUntilAvailable, podFromTemplate, podKey, slowStartBatch } from '../workloads-common/pods.js';
import { CONTROLLER_REVISIONS, DAEMON_SETS, NODES, PODS } from '../workloads-common/resources.js';
import { nodeMatchesPod, untoleratedTaint } from '../workloads-common/scheduling.js';
import {
  TEMPLATE_GENERATION_LABEL, byScheduledThenAge, daemonPodSpec, daemonTolerations, isPodUpdated, isRollingUpdate, pinToNode, surgeCount, targetNodeName,
  templateGeneration, unavailableCount,
} from './daemonset-util.js';

/** upstream's BurstReplicas for DaemonSets */
const BURST_REPLICAS = 250;
const FAILED_POD_BACKOFF_MS = 1000;
const FAILED_POD_MAX_BACKOFF_MS = 15 * 60_000;

/**
 * Reconciles one DaemonSet by key "namespace/name" (upstream's syncDaemonSet): keeps a
 * ControllerRevision of the current template; on every node that should run the daemon (node
 * selector, required node affinity, taints against the daemon tolerations) makes sure exactly one
 * pod runs, created with a node affinity to that node so the scheduler places it; deletes pods
 * from nodes that should not run it (unless only a NoSchedule taint appeared) and failed pods (with
 * per-node backoff); rolls updates within maxUnavailable (or maxSurge); prunes history beyond
 * revisionHistoryLimit; writes status. Creates/deletes wait on expectations like ReplicaSets.
 * Start: `const c = new DaemonSetController(opts); c.register(queue);` (recorder component
 * "daemonset-controller").
 */
export class DaemonSetController implements Reconciler {
  readonly name = 'daemonset-controller';
  private readonly dsClient: ResourceClient;
  private readonly podClient: ResourceClient;
  private readonly crClient: ResourceClient;
  private readonly dsInformer: Informer;
  private readonly podInformer: Informer;
  private readonly nodeInformer: Informer;
  private readonly crInformer: Informer;
  private readonly recorder: Recorder;
  private readonly clock: Clock;
  readonly expectations: Expectations;
  private readonly failedBackoff = new Map<string, { delay: number; at: number }>();
  private queue?: WorkQueue<string>;

  constructor(opts: WorkloadControllerOptions) {
    this.dsClient = opts.clientset.resource(DAEMON_SETS);
    this.podClient = opts.clientset.resource(PODS);
    this.crClient = opts.clientset.resource(CONTROLLER_REVISIONS);
    this.dsInformer = opts.informers.informerFor(DAEMON_SETS);
    this.podInformer = opts.informers.informerFor(PODS);
    this.nodeInformer = opts.informers.informerFor(NODES);
    this.crInformer = opts.informers.informerFor(CONTROLLER_REVISIONS);
    ensureControllerIndex(this.podInformer);
    ensureControllerIndex(this.crInformer);
    this.recorder = opts.recorder;
    this.clock = opts.clock ?? realClock;
    this.expectations = new Expectations(this.clock);
  }

  /** Adds the event handlers that feed `queue` (call once, before the informers start). */
  register(queue: WorkQueue<string>): void {
    this.queue = queue;
    this.dsInformer.addEventHandler({
      onAdd: (ds) => queue.add(keyOf(ds)),
      onUpdate: (_o, ds) => queue.add(keyOf(ds)),
      onDelete: (ds) => {
        this.expectations.delete(keyOf(ds));
        queue.add(keyOf(ds));
      },
    });
    this.podInformer.addEventHandler({
      onAdd: (pod) => {
        if (pod.metadata.deletionTimestamp) return this.podGone(pod);
        const ds = this.ownerOf(pod);
        if (ds) {
          this.expectations.creationObserved(keyOf(ds));
          queue.add(keyOf(ds));
        } else if (!controllerRefOf(pod)) this.enqueueMatching(pod);
      },
      onUpdate: (old, pod) => {
        if (old.metadata.resourceVersion === pod.metadata.resourceVersion) return;
        if (pod.metadata.deletionTimestamp && !old.metadata.deletionTimestamp) return this.podGone(pod);
        const oldDs = this.ownerOf(old);
        const ds = this.ownerOf(pod);
        if (oldDs && oldDs !== ds) queue.add(keyOf(oldDs));
        if (ds) {
          queue.add(keyOf(ds));
          const mrs = ds.spec?.minReadySeconds ?? 0;
          if (mrs > 0 && !isPodReady(old) && isPodReady(pod)) queue.addAfter(keyOf(ds), mrs * 1000 + 1000);
        } else if (!controllerRefOf(pod)) this.enqueueMatching(pod);
      },
      onDelete: (pod) => this.podGone(pod),
    });
    this.nodeInformer.addEventHandler({
      onAdd: () => this.enqueueAll(),
      onUpdate: (old, node) => {
        if (nodeChangeMatters(old, node)) this.enqueueAll();
      },
      onDelete: () => this.enqueueAll(),
    });
    const revChanged = (cr: KObject) => {
      const ds = resolveControllerRef(controllerRefOf(cr), cr.metadata.namespace, DAEMON_SETS, this.dsInformer.lister);
      if (ds) queue.add(keyOf(ds));
      else if (!controllerRefOf(cr)) this.enqueueMatching(cr);
    };
    this.crInformer.addEventHandler({ onAdd: revChanged, onUpdate: (_o, cr) => revChanged(cr), onDelete: revChanged });
  }

  private ownerOf(obj: KObject): KObject | undefined {
    return resolveControllerRef(controllerRefOf(obj), obj.metadata.namespace, DAEMON_SETS, this.dsInformer.lister);
  }

  private podGone(pod: KObject): void {
    const ds = this.ownerOf(pod);
    if (!ds) return;
    this.expectations.deletionObserved(keyOf(ds), podKey(pod));
    this.queue?.add(keyOf(ds));
  }

  private enqueueAll(): void {
    for (const ds of this.dsInformer.lister.list()) this.queue?.add(keyOf(ds));
  }

  private enqueueMatching(obj: KObject): void {
    for (const ds of this.dsInformer.lister.listNamespace(obj.metadata.namespace)) {
      const sel = selectorOf(ds);
      if (sel && matchLabelSelector(sel, obj.metadata.labels)) this.queue?.add(keyOf(ds));
    }
  }

  /** upstream's NodeShouldRunDaemonPod: [shouldRun, shouldContinueRunning] */
  shouldRun(ds: KObject, node: KObject): [boolean, boolean] {
    return this.predicate(ds)(node);
  }

  /** NodeShouldRunDaemonPod for one DaemonSet, with the daemon pod spec worked out once */
  private predicate(ds: KObject): (node: KObject) => [boolean, boolean] {
    const spec = daemonPodSpec(ds, '');
    const pinned = ds.spec?.template?.spec?.nodeName;
    const schedulingTaint = (t: KObject) => t.effect === 'NoSchedule' || t.effect === 'NoExecute';
    const executeTaint = (t: KObject) => t.effect === 'NoExecute';
    return (node) => {
      if (pinned && pinned !== node.metadata.name) return [false, false];
      if (!nodeMatchesPod(spec, node)) return [false, false];
      const taints: KObject[] = node.spec?.taints ?? [];
      if (untoleratedTaint(taints, spec.tolerations, schedulingTaint)) return [false, !untoleratedTaint(taints, spec.tolerations, executeTaint)];
      return [true, true];
    };
  }

  async reconcile(key: string): Promise<void | ReconcileResult> {
    const cached = this.dsInformer.lister.get(key);
    if (!cached) {
      this.expectations.delete(key);
      return;
    }
    const ds = structuredClone(withKind(cached, DAEMON_SETS));
    const sel = ds.spec?.selector ?? {};
    if (Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions ?? []).length === 0) {
      this.recorder.event(ds, 'Warning', 'SelectingAll', 'This daemon set is selecting all pods. A non-empty selector is required.');
      return;
    }
    const selector = selectorOf(ds);
    if (!selector || ds.metadata.deletionTimestamp) return;
    const nodes = this.nodeInformer.lister.list();
    const { cur, old } = await this.constructHistory(ds, selector);
    const hash: string = cur.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? '';
    let byNode = await this.nodesToDaemonPods(ds, selector, true);
    if (!this.expectations.satisfied(key)) return this.updateStatus(ds, nodes, hash, byNode);
    let requeueMs = await this.manage(ds, nodes, hash, byNode);
    if (this.expectations.satisfied(key) && isRollingUpdate(ds)) {
      byNode = await this.nodesToDaemonPods(ds, selector, false);
      const r = await this.rollingUpdate(ds, nodes, hash, byNode);
      if (r !== undefined) requeueMs = Math.min(requeueMs ?? Infinity, r);
    }
    byNode = await this.nodesToDaemonPods(ds, selector, false);
    await this.cleanupHistory(ds, old, byNode);
    const res = await this.updateStatus(ds, nodes, hash, byNode);
    if (requeueMs !== undefined) return { requeueAfterMs: Math.min(requeueMs, res?.requeueAfterMs ?? Infinity) };
    return res;
  }

  // ---------------------------------------------------------------- history

  /** upstream's constructHistory: the revision of the current template (created or renumbered) and the old ones */
  private async constructHistory(ds: KObject, selector: LabelSelector): Promise<{ cur: KObject; old: KObject[] }> {
    const revs = await claimObjects(this.crInformer.lister.listNamespace(ds.metadata.namespace), {
      owner: ds,
      ownerInfo: DAEMON_SETS,
      client: this.crClient,
      match: (cr) => matchLabelSelector(selector, cr.metadata?.labels),
      canAdopt: recheckOwner(this.dsClient, ds),
    });
    const data = templatePatch(ds);
    const probe = { data };
    const current = revs.filter((r) => sameData(r, probe));
    const old = revs.filter((r) => !sameData(r, probe));
    const next = old.reduce((m, r) => Math.max(m, revisionNumber(r)), 0) + 1;
    if (current.length === 0) {
      const hash = computeHash(ds.spec?.template, ds.status?.collisionCount);
      const rev = newRevision(ds, DAEMON_SETS, revisionName(ds.metadata.name, hash), data, next,
        { ...(ds.spec?.template?.metadata?.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash }, ds.metadata.annotations);
      try {
        return { cur: await createRevision(this.crClient, rev, ds), old };
      } catch (e) {
        if (e instanceof RevisionCollisionError) await this.bumpCollisionCount(ds);
        throw e;
      }
    }
    // duplicates of the current data (left by a crash): keep the newest, the rest age out as old history
    const sorted = sortRevisions(current);
    const keep = sorted[sorted.length - 1];
    old.push(...sorted.slice(0, -1));
    const cur = revisionNumber(keep) < next ? await updateRevisionNumber(this.crClient, keep, next) : keep;
    return { cur, old };
  }

  private async bumpCollisionCount(ds: KObject): Promise<void> {
    const fresh = await this.dsClient.get(ds.metadata.namespace, ds.metadata.name);
    fresh.status ??= {};
    fresh.status.collisionCount = (fresh.status.collisionCount ?? 0) + 1;
    await this.dsClient.updateStatus(fresh);
  }

  /** upstream's cleanupHistory: delete the oldest revisions beyond revisionHistoryLimit that no pod runs */
  private async cleanupHistory(ds: KObject, old: KObject[], byNode: Map<string, KObject[]>): Promise<void> {
    const toKill = old.length - (ds.spec?.revisionHistoryLimit ?? 10);
    if (toKill <= 0) return;
    const live = new Set<string>();
    for (const pods of byNode.values()) for (const p of pods) if (p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL]) live.add(p.metadata.labels[CONTROLLER_REVISION_HASH_LABEL]);
    let left = toKill;
    for (const r of sortRevisions(old)) {
      if (left <= 0) break;
      if (live.has(r.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL])) continue;
      try {
        await this.crClient.delete(r.metadata.namespace, r.metadata.name);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      left--;
    }
  }

  // ---------------------------------------------------------------- pods

  /**
   * The DaemonSet's pods (after adopting/releasing) by the node they are meant for. Pods that are
   * both terminal and being deleted are left out unless includeDeletedTerminal.
   */
  private async nodesToDaemonPods(ds: KObject, selector: LabelSelector, claim: boolean): Promise<Map<string, KObject[]>> {
    const candidates = this.podInformer.lister.listNamespace(ds.metadata.namespace);
    const pods = claim
      ? await claimObjects(candidates, {
        owner: ds,
        ownerInfo: DAEMON_SETS,
        client: this.podClient,
        match: (p) => matchLabelSelector(selector, p.metadata?.labels),
        canAdopt: recheckOwner(this.dsClient, ds),
      })
      : ownedBy(this.podInformer.lister, ds);
    const byNode = new Map<string, KObject[]>();
    for (const p of pods) {
      if (isPodTerminal(p) && p.metadata.deletionTimestamp) continue;
      const node = targetNodeName(p);
      if (!node) continue;
      const list = byNode.get(node) ?? [];
      list.push(p);
      byNode.set(node, list);
    }
    return byNode;
  }

  /** upstream's manage: which nodes need a pod, which pods must go; returns a requeue for failed-pod backoff */
  private async manage(ds: KObject, nodes: KObject[], hash: string, byNode: Map<string, KObject[]>): Promise<number | undefined> {
    const needing: string[] = [];
    const toDelete: KObject[] = [];
    let requeueMs: number | undefined;
    const now = this.clock.now();
    const nodeNames = new Set(nodes.map((n) => n.metadata.name));
    const shouldRun = this.predicate(ds);
    for (const node of nodes) {
      const name = node.metadata.name;
      const [run, keep] = shouldRun(node);
      const pods = byNode.get(name) ?? [];
      if (run && pods.length === 0) {
        needing.push(name);
        continue;
      }
      if (!keep) {
        for (const p of pods) if (!p.metadata.deletionTimestamp) toDelete.push(p);
        continue;
      }
      const running: KObject[] = [];
      for (const p of pods) {
        if (p.metadata.deletionTimestamp) continue;
        if (p.status?.phase === 'Failed') {
          const bkey = `${ds.metadata.uid}/${name}`;
          const b = this.failedBackoff.get(bkey);
          if (b && now - b.at < b.delay) {
            requeueMs = Math.min(requeueMs ?? Infinity, b.delay - (now - b.at));
            continue;
          }
          const delay = b && now - b.at < 2 * FAILED_POD_MAX_BACKOFF_MS ? Math.min(b.delay * 2, FAILED_POD_MAX_BACKOFF_MS) : FAILED_POD_BACKOFF_MS;
          this.failedBackoff.set(bkey, { delay, at: now });
          this.recorder.event(ds, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${p.metadata.namespace}/${p.metadata.name} on node ${name}, will try to kill it`);
          toDelete.push(p);
        } else if (p.status?.phase === 'Succeeded') {
          toDelete.push(p);
        } else running.push(p);
      }
      if (surgeCount(ds, 1) === 0 || !isRollingUpdate(ds)) {
        if (running.length <= 1) continue;
        running.sort(byScheduledThenAge);
        toDelete.push(...running.slice(1));
        continue;
      }
      if (running.length <= 1) {
        if (running.length === 0 && run) needing.push(name);
        continue;
      }
      // surging: keep the oldest new pod, and the oldest old pod while the new one is not yet available
      running.sort(byScheduledThenAge);
      let newest: KObject | undefined;
      let oldest: KObject | undefined;
      for (const p of running) {
        if (p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] === hash) {
          if (!newest) {
            newest = p;
            continue;
          }
        } else if (!oldest) {
          oldest = p;
          continue;
        }
        toDelete.push(p);
      }
      if (newest && oldest && (!isPodReady(oldest) || isPodAvailable(newest, ds.spec?.minReadySeconds, now))) toDelete.push(oldest);
    }
    // pods meant for nodes that no longer exist are never scheduled: remove them
    for (const [node, pods] of byNode) {
      if (nodeNames.has(node)) continue;
      for (const p of pods) if (!p.spec?.nodeName && !p.metadata.deletionTimestamp) toDelete.push(p);
    }
    await this.syncNodes(ds, toDelete, needing, hash);
    return requeueMs;
  }

  /** creates daemon pods on `needing` nodes (slow start) and deletes `toDelete`, under expectations */
  private async syncNodes(ds: KObject, toDelete: KObject[], needing: string[], hash: string): Promise<void> {
    const key = keyOf(ds);
    const creates = needing.slice(0, BURST_REPLICAS);
    const deletes = toDelete.slice(0, BURST_REPLICAS);
    this.expectations.expect(key, creates.length, deletes.map(podKey));
    const generation = templateGeneration(ds);
    const template = structuredClone(ds.spec?.template ?? {});
    template.spec ??= {};
    template.spec.tolerations = daemonTolerations(template.spec);
    template.metadata ??= {};
    template.metadata.labels = { ...(template.metadata.labels ?? {}) };
    if (generation !== undefined) template.metadata.labels[TEMPLATE_GENERATION_LABEL] = generation;
    if (hash) template.metadata.labels[CONTROLLER_REVISION_HASH_LABEL] = hash;
    const errors: unknown[] = [];
    const { successes, error } = await slowStartBatch(creates.length, 1, async (i) => {
      const t = structuredClone(template);
      t.spec.affinity = pinToNode(t.spec.affinity, creates[i]);
      const pod = podFromTemplate(t, ds, DAEMON_SETS, `${ds.metadata.name}-`);
      try {
        const created = await this.podClient.create(ds.metadata.namespace, pod);
        this.recorder.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata?.name}`);
      } catch (e) {
        if (isNamespaceTerminating(e)) return;
        this.recorder.event(ds, 'Warning', 'FailedCreate', `Error creating: ${errMessage(e)}`);
        throw e;
      }
    });
    for (let i = successes; i < creates.length; i++) this.expectations.creationObserved(key);
    if (error) errors.push(error);
    const results = await Promise.allSettled(deletes.map(async (p) => {
      try {
        await this.podClient.delete(p.metadata.namespace, p.metadata.name);
        this.recorder.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
      } catch (e) {
        this.expectations.deletionObserved(key, podKey(p));
        if (isNotFound(e)) return;
        this.recorder.event(ds, 'Warning', 'FailedDelete', `Error deleting: ${errMessage(e)}`);
        throw e;
      }
    }));
    for (const r of results) if (r.status === 'rejected') errors.push(r.reason);
    if (errors.length) throw errors[0];
  }

  /** [maxSurge, maxUnavailable, desired] for the rolling update (upstream's updatedDesiredNodeCounts) */
  private desiredCounts(ds: KObject, nodes: KObject[]): [number, number, number] {
    let desired = 0;
    const shouldRun = this.predicate(ds);
    for (const n of nodes) if (shouldRun(n)[0]) desired++;
    const surge = surgeCount(ds, desired);
    let unavailable = unavailableCount(ds, desired);
    if (desired > 0 && surge === 0 && unavailable === 0) unavailable = 1;
    return [surge, unavailable, desired];
  }

  /** upstream's findUpdatedPodsOnNode: the node's one new and one old pod; ok=false when there are more */
  private updatedPodsOnNode(ds: KObject, pods: KObject[], hash: string): { newPod?: KObject; oldPod?: KObject; ok: boolean } {
    let newPod: KObject | undefined;
    let oldPod: KObject | undefined;
    const gen = templateGeneration(ds);
    for (const p of pods) {
      if (p.metadata.deletionTimestamp) continue;
      if (isPodUpdated(p, hash, gen)) {
        if (newPod) return { ok: false };
        newPod = p;
      } else {
        if (oldPod) return { ok: false };
        oldPod = p;
      }
    }
    return { newPod, oldPod, ok: true };
  }

  /** upstream's rollingUpdate: replace old pods within maxUnavailable, or surge new ones within maxSurge */
  private async rollingUpdate(ds: KObject, nodes: KObject[], hash: string, byNode: Map<string, KObject[]>): Promise<number | undefined> {
    const [maxSurge, maxUnavail] = this.desiredCounts(ds, nodes);
    const now = this.clock.now();
    const mrs = ds.spec?.minReadySeconds;
    let requeueMs: number | undefined;
    const waitFor = (p: KObject) => {
      const ms = msUntilAvailable(p, mrs, now);
      if (ms !== undefined && ms > 0) requeueMs = Math.min(requeueMs ?? Infinity, ms);
    };
    if (maxSurge === 0) {
      let unavailable = 0;
      const replace: KObject[] = [];
      const candidates: KObject[] = [];
      for (const [, pods] of byNode) {
        const { newPod, oldPod, ok } = this.updatedPodsOnNode(ds, pods, hash);
        if (!ok || (!oldPod && !newPod) || (oldPod && newPod)) {
          unavailable++;
          continue;
        }
        if (newPod) {
          if (!isPodAvailable(newPod, mrs, now)) {
            unavailable++;
            waitFor(newPod);
          }
          continue;
        }
        if (!isPodAvailable(oldPod!, mrs, now)) replace.push(oldPod!);
        else if (unavailable < maxUnavail) candidates.push(oldPod!);
      }
      const remaining = Math.max(0, Math.min(maxUnavail - unavailable, candidates.length));
      await this.syncNodes(ds, [...replace, ...candidates.slice(0, remaining)], [], hash);
      return requeueMs;
    }
    const oldToDelete: KObject[] = [];
    const allowedNew: string[] = [];
    const candidateNew: string[] = [];
    let surging = 0;
    for (const [node, pods] of byNode) {
      const { newPod, oldPod, ok } = this.updatedPodsOnNode(ds, pods, hash);
      if (!ok) {
        surging++;
        continue;
      }
      if (!oldPod) continue;
      if (!newPod) {
        if (!isPodAvailable(oldPod, mrs, now)) allowedNew.push(node);
        else if (surging < maxSurge) candidateNew.push(node);
        continue;
      }
      if (!isPodAvailable(newPod, mrs, now)) {
        surging++;
        waitFor(newPod);
        continue;
      }
      oldToDelete.push(oldPod);
    }
    const remaining = Math.max(0, Math.min(maxSurge - surging, candidateNew.length));
    await this.syncNodes(ds, oldToDelete, [...allowedNew, ...candidateNew.slice(0, remaining)], hash);
    return requeueMs;
  }

  // ---------------------------------------------------------------- status

  private async updateStatus(ds: KObject, nodes: KObject[], hash: string, byNode: Map<string, KObject[]>): Promise<void | ReconcileResult> {
    const now = this.clock.now();
    let desired = 0;
    let current = 0;
    let miss = 0;
    let ready = 0;
    let available = 0;
    let updated = 0;
    const gen = templateGeneration(ds);
    const shouldRun = this.predicate(ds);
    for (const node of nodes) {
      const [run] = shouldRun(node);
      const pods = byNode.get(node.metadata.name) ?? [];
      if (!run) {
        if (pods.length) miss++;
        continue;
      }
      desired++;
      if (pods.length === 0) continue;
      current++;
      const pod = [...pods].sort(byScheduledThenAge)[0];
      if (isPodReady(pod)) {
        ready++;
        if (isPodAvailable(pod, ds.spec?.minReadySeconds, now)) available++;
      }
      if (isPodUpdated(pod, hash, gen)) updated++;
    }
    const next: KObject = {
      ...(ds.status ?? {}),
      observedGeneration: ds.metadata.generation,
      desiredNumberScheduled: desired,
      currentNumberScheduled: current,
      numberMisscheduled: miss,
      numberReady: ready,
      updatedNumberScheduled: updated,
      numberAvailable: available,
      numberUnavailable: desired - available,
    };
    const st = ds.status ?? {};
    const keys = ['observedGeneration', 'desiredNumberScheduled', 'currentNumberScheduled', 'numberMisscheduled', 'numberReady', 'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable'];
    if (!keys.every((k) => (st[k] ?? 0) === (next[k] ?? 0))) {
      for (const k of ['numberAvailable', 'numberUnavailable', 'updatedNumberScheduled']) if (next[k] === 0) delete next[k];
      let target = ds;
      for (let attempt = 0; ; attempt++) {
        try {
          await this.dsClient.updateStatus({ ...target, status: { ...next, collisionCount: target.status?.collisionCount } });
          break;
        } catch (e) {
          if (!isConflict(e) || attempt >= 1) throw e;
          target = await this.dsClient.get(ds.metadata.namespace, ds.metadata.name);
        }
      }
    }
    const mrs = ds.spec?.minReadySeconds ?? 0;
    if (mrs > 0 && ready !== available) return { requeueAfterMs: mrs * 1000 };
  }
}

function selectorOf(ds: KObject): LabelSelector | undefined {
  try {
    return labelSelectorFromSpec(ds.spec?.selector);
  } catch {
    return undefined;
  }
}

/** labels, taints, schedulability or condition statuses changed (not mere heartbeats) */
function nodeChangeMatters(old: KObject, cur: KObject): boolean {
  const conds = (n: KObject) => JSON.stringify((n.status?.conditions ?? []).map((c: KObject) => [c.type, c.status]));
  return JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(cur.metadata?.labels ?? {})
    || JSON.stringify(old.spec ?? {}) !== JSON.stringify(cur.spec ?? {})
    || conds(old) !== conds(cur);
}
