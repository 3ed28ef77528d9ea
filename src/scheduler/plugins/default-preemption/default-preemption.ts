// DefaultPreemption: when a pod fits nowhere, finds a node where evicting lower-priority pods makes room, deletes them and nominates the node.

import { findResource } from '../../../api/resources.js';
import type { CycleState } from '../../framework/cycle-state.js';
import { Diagnosis, FitError } from '../../framework/fit-error.js';
import type { Handle, PostFilterPlugin, PostFilterResult } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { Code, Status } from '../../framework/status.js';

const PODS = findResource('', 'v1', 'pods')!;
export const ERR_NO_VICTIMS = 'No preemption victims found for incoming pod';
export const ERR_NOT_HELPFUL = 'Preemption is not helpful for scheduling';

export interface DefaultPreemptionArgs {
  /** dry-run at least this percentage of the nodes where preemption might help… */
  minCandidateNodesPercentage?: number;
  /** …and at least this many, before choosing */
  minCandidateNodesAbsolute?: number;
}

export interface Candidate {
  nodeName: string;
  victims: PodInfo[];
}

/** Higher priority first; among equals, the one that started earlier (upstream's MoreImportantPod). */
function moreImportant(a: PodInfo, b: PodInfo): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  return a.startTime - b.startTime;
}

/**
 * Upstream's pickOneNodeForPreemption: the lowest highest-victim priority, then the lowest
 * sum of victim priorities, then the fewest victims, then the latest start among the
 * highest-priority victims, then the first.
 */
export function pickOneNodeForPreemption(candidates: Candidate[]): Candidate | undefined {
  let best = candidates;
  const narrow = (key: (c: Candidate) => number) => {
    if (best.length <= 1) return;
    let min = Infinity;
    for (const c of best) min = Math.min(min, key(c));
    best = best.filter((c) => key(c) === min);
  };
  narrow((c) => c.victims[0]?.priority ?? -Infinity);
  narrow((c) => c.victims.reduce((s, v) => s + v.priority + 2 ** 31, 0));
  narrow((c) => c.victims.length);
  narrow((c) => {
    const top = c.victims[0]?.priority;
    let earliest = Infinity;
    for (const v of c.victims) if (v.priority === top) earliest = Math.min(earliest, v.startTime);
    return -earliest;
  });
  return best[0];
}

export class DefaultPreemption implements PostFilterPlugin {
  static readonly NAME = 'DefaultPreemption';
  readonly name = DefaultPreemption.NAME;
  private readonly minPct: number;
  private readonly minAbs: number;

  constructor(private readonly handle: Handle, args?: DefaultPreemptionArgs) {
    this.minPct = args?.minCandidateNodesPercentage ?? 10;
    this.minAbs = args?.minCandidateNodesAbsolute ?? 100;
  }

  /**
   * Success with nominatedNodeName once victims are being deleted (the pod is retried when
   * they are gone); Unschedulable with "preemption: …" reasons when no node can be freed.
   */
  async postFilter(state: CycleState, pod: PodInfo, filtered: ReadonlyMap<string, Status>): Promise<{ status: Status; result?: PostFilterResult }> {
    const ineligible = this.ineligibleReason(pod, filtered);
    if (ineligible) return { status: Status.unschedulable(`preemption: ${ineligible}`) };
    const all = this.handle.nodeInfos.list();
    if (all.length === 0) return { status: Status.error('no nodes available') };
    const { candidates, diagnosis } = this.findCandidates(state, pod, all, filtered);
    const best = pickOneNodeForPreemption(candidates);
    if (!best) {
      const msg = new FitError(pod.key, all.length, diagnosis).message();
      return { status: Status.unschedulable(`preemption: ${msg}`), result: { nominatedNodeName: '' } };
    }
    const err = await this.prepareCandidate(best, pod);
    if (err) return { status: err };
    return { status: Status.SUCCESS, result: { nominatedNodeName: best.nodeName } };
  }

  private ineligibleReason(pod: PodInfo, filtered: ReadonlyMap<string, Status>): string | undefined {
    if (pod.pod?.spec?.preemptionPolicy === 'Never') return 'not eligible due to preemptionPolicy=Never.';
    const nominated: string | undefined = pod.pod?.status?.nominatedNodeName;
    if (nominated) {
      if (filtered.get(nominated)?.code === Code.UnschedulableAndUnresolvable) return undefined;
      const ni = this.handle.nodeInfos.get(nominated);
      if (ni && ni.pods.some((p) => p.pod?.metadata?.deletionTimestamp && p.priority < pod.priority)) {
        return 'not eligible due to a terminating pod on the nominated node.';
      }
    }
    return undefined;
  }

  /** Dry-runs victim selection on nodes where preemption might help, starting at a random offset. */
  findCandidates(state: CycleState, pod: PodInfo, all: readonly NodeInfo[], filtered: ReadonlyMap<string, Status>): { candidates: Candidate[]; diagnosis: Diagnosis } {
    const diagnosis = new Diagnosis();
    const potential: NodeInfo[] = [];
    for (const ni of all) {
      const s = filtered.get(ni.name);
      if (!s || s.code === Code.UnschedulableAndUnresolvable) diagnosis.nodeToStatus.set(ni.name, Status.unresolvable(ERR_NOT_HELPFUL));
      else potential.push(ni);
    }
    const candidates: Candidate[] = [];
    if (potential.length === 0) return { candidates, diagnosis };
    const want = Math.min(potential.length, Math.max(Math.trunc((potential.length * this.minPct) / 100), this.minAbs));
    const offset = Math.floor(Math.random() * potential.length);
    for (let k = 0; k < potential.length && candidates.length < want; k++) {
      const ni = potential[(offset + k) % potential.length];
      const { victims, status } = this.selectVictimsOnNode(state.clone(), pod, ni.clone());
      if (status.isSuccess() && victims.length > 0) candidates.push({ nodeName: ni.name, victims });
      else diagnosis.nodeToStatus.set(ni.name, status.isSuccess() ? Status.error(`expected at least one victim pod on node ${ni.name}`) : status);
    }
    return { candidates, diagnosis };
  }

  /**
   * Removes every lower-priority pod from the (cloned) node, checks the pod fits, then adds
   * back as many as possible, most important first; those that cannot come back are the victims.
   */
  selectVictimsOnNode(state: CycleState, pod: PodInfo, ni: NodeInfo): { victims: PodInfo[]; status: Status } {
    const fw = this.handle.framework();
    const potential: PodInfo[] = [];
    for (const p of [...ni.pods]) {
      if (p.priority >= pod.priority) continue;
      potential.push(p);
      ni.removePod(p.key);
      const s = fw.runPreFilterExtensionRemovePod(state, pod, p, ni);
      if (!s.isSuccess()) return { victims: [], status: s };
    }
    if (potential.length === 0) return { victims: [], status: Status.unresolvable(ERR_NO_VICTIMS) };
    const fits = fw.runFilterPluginsWithNominatedPods(state, pod, ni);
    if (!fits.isSuccess()) return { victims: [], status: fits };
    potential.sort(moreImportant);
    const victims: PodInfo[] = [];
    for (const p of potential) {
      ni.addPod(p);
      let s = fw.runPreFilterExtensionAddPod(state, pod, p, ni);
      if (!s.isSuccess()) return { victims: [], status: s };
      if (fw.runFilterPluginsWithNominatedPods(state, pod, ni).isSuccess()) continue;
      ni.removePod(p.key);
      s = fw.runPreFilterExtensionRemovePod(state, pod, p, ni);
      if (!s.isSuccess()) return { victims: [], status: s };
      victims.push(p);
    }
    return { victims, status: Status.SUCCESS };
  }

  /** Deletes the victims (with a Preempted event each) and clears weaker nominations to the node. */
  private async prepareCandidate(c: Candidate, pod: PodInfo): Promise<Status | undefined> {
    const cs = this.handle.clientset;
    if (!cs) return Status.error('DefaultPreemption needs a clientset');
    const pods = cs.resource(PODS);
    const profile = this.handle.framework().profileName;
    try {
      await Promise.all(c.victims.map(async (v) => {
        const cond = { type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler', message: `${profile}: preempting to accommodate a higher priority pod`, lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
        await pods.patch(v.namespace, v.name, 'strategic', { status: { conditions: [cond] } }, { subresource: 'status' }).catch(() => undefined);
        try {
          await pods.delete(v.namespace, v.name, v.uid ? { preconditions: { uid: v.uid } } : undefined);
        } catch (e) {
          if ((e as { code?: number }).code !== 404) throw e;
        }
        this.handle.recorder.event(v.pod, 'Normal', 'Preempted', `Preempted by pod ${pod.uid || pod.key} on node ${c.nodeName}`);
      }));
    } catch (e) {
      return Status.error(`deleting preemption victims: ${(e as Error).message}`);
    }
    for (const np of this.handle.nominator.nominatedPodsForNode(c.nodeName)) {
      if (np.priority >= pod.priority || np.key === pod.key) continue;
      this.handle.nominator.deleteNominatedPodIfExists(np.key);
      await pods.patch(np.namespace, np.name, 'merge', { status: { nominatedNodeName: null } }, { subresource: 'status' }).catch(() => undefined);
    }
    return undefined;
  }
}
