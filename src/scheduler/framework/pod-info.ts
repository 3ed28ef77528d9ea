// PodInfo: a pod with what the scheduler derives from it once (requests, ports, affinity terms, tolerations, priority).

import type { KObject } from '../../api/strategy.js';
import { labelSelectorFromSpec, matchLabelSelector, type LabelSelector } from '../../api/labels.js';
import { parseTolerations, type Toleration } from '../util/taints.js';
import { podRequests, type Resource } from './resource.js';

export interface HostPort {
  /** '0.0.0.0' when unset */
  ip: string;
  protocol: string;
  port: number;
}

/** A pod (anti-)affinity term with its selectors parsed. */
export interface AffinityTerm {
  /** namespaces the term selects pods in (the pod's own when none is listed) */
  namespaces: Set<string>;
  /** namespaceSelector {} selects every namespace */
  allNamespaces: boolean;
  selector: LabelSelector;
  topologyKey: string;
}

export interface WeightedAffinityTerm extends AffinityTerm {
  weight: number;
}

/** Whether an existing pod is selected by the term. */
export function termMatches(term: AffinityTerm, pod: PodInfo): boolean {
  return (term.allNamespaces || term.namespaces.has(pod.namespace)) && matchLabelSelector(term.selector, pod.labels);
}

/** pod key: "namespace/name" (the informer's key) */
export function podKey(pod: KObject): string {
  return `${pod?.metadata?.namespace ?? ''}/${pod?.metadata?.name ?? ''}`;
}

export function podPriority(pod: KObject): number {
  const p = pod?.spec?.priority;
  return typeof p === 'number' ? p : 0;
}

const EMPTY: never[] = [];

/**
 * Immutable view of one pod for the scheduler. Derived fields are computed in the
 * constructor (affinity terms only when the pod has an affinity stanza); withPod()
 * shares them with a new object of the same pod (e.g. the assumed copy with nodeName set).
 */
export class PodInfo {
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly labels: Record<string, string>;
  readonly priority: number;
  /** effective requests (init container and overhead rules) */
  readonly requests: Resource;
  /** cpu/memory with the scheduler's defaults for unset requests (for scoring) */
  readonly nonZeroMilliCPU: number;
  readonly nonZeroMemory: number;
  readonly hostPorts: HostPort[];
  readonly tolerations: Toleration[];
  readonly requiredAffinityTerms: AffinityTerm[];
  readonly requiredAntiAffinityTerms: AffinityTerm[];
  readonly preferredAffinityTerms: WeightedAffinityTerm[];
  readonly preferredAntiAffinityTerms: WeightedAffinityTerm[];
  /** set when an affinity term's selector does not parse */
  readonly parseError: string | undefined;

  private constructor(readonly pod: KObject, from?: PodInfo) {
    this.key = podKey(pod);
    this.namespace = pod?.metadata?.namespace ?? '';
    this.name = pod?.metadata?.name ?? '';
    this.uid = pod?.metadata?.uid ?? '';
    this.labels = pod?.metadata?.labels ?? {};
    this.priority = podPriority(pod);
    if (from) {
      this.requests = from.requests;
      this.nonZeroMilliCPU = from.nonZeroMilliCPU;
      this.nonZeroMemory = from.nonZeroMemory;
      this.hostPorts = from.hostPorts;
      this.tolerations = from.tolerations;
      this.requiredAffinityTerms = from.requiredAffinityTerms;
      this.requiredAntiAffinityTerms = from.requiredAntiAffinityTerms;
      this.preferredAffinityTerms = from.preferredAffinityTerms;
      this.preferredAntiAffinityTerms = from.preferredAntiAffinityTerms;
      this.parseError = from.parseError;
      return;
    }
    this.requests = podRequests(pod);
    const nz = podRequests(pod, true);
    this.nonZeroMilliCPU = nz.milliCPU;
    this.nonZeroMemory = nz.memory;
    this.hostPorts = hostPortsOf(pod);
    this.tolerations = parseTolerations(pod);
    const aff = pod?.spec?.affinity;
    let parseError: string | undefined;
    const terms = (list: unknown): AffinityTerm[] => {
      if (!Array.isArray(list) || list.length === 0) return EMPTY;
      const out: AffinityTerm[] = [];
      for (const t of list) {
        try {
          out.push(parseTerm(pod, t));
        } catch (e) {
          parseError ??= (e as Error).message;
        }
      }
      return out;
    };
    const weighted = (list: unknown): WeightedAffinityTerm[] => {
      if (!Array.isArray(list) || list.length === 0) return EMPTY;
      const out: WeightedAffinityTerm[] = [];
      for (const w of list) {
        try {
          out.push({ ...parseTerm(pod, w?.podAffinityTerm), weight: Number(w?.weight ?? 0) });
        } catch (e) {
          parseError ??= (e as Error).message;
        }
      }
      return out;
    };
    this.requiredAffinityTerms = terms(aff?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution);
    this.requiredAntiAffinityTerms = terms(aff?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution);
    this.preferredAffinityTerms = weighted(aff?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution);
    this.preferredAntiAffinityTerms = weighted(aff?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution);
    this.parseError = parseError;
  }

  static of(pod: KObject): PodInfo {
    return new PodInfo(pod);
  }

  /** The same derived data for another object of this pod (spec unchanged but for nodeName/status). */
  withPod(pod: KObject): PodInfo {
    return new PodInfo(pod, this);
  }

  /** pod (anti-)affinity of any kind: existing pods with it matter to InterPodAffinity scoring */
  get hasAffinity(): boolean {
    return this.requiredAffinityTerms.length + this.requiredAntiAffinityTerms.length + this.preferredAffinityTerms.length + this.preferredAntiAffinityTerms.length > 0;
  }

  get hasRequiredAntiAffinity(): boolean {
    return this.requiredAntiAffinityTerms.length > 0;
  }

  get nodeName(): string {
    return this.pod?.spec?.nodeName ?? '';
  }

  get schedulerName(): string {
    return this.pod?.spec?.schedulerName || 'default-scheduler';
  }

  /** status.startTime or, before the pod started, its creation time (ms since epoch; 0 if unknown) */
  get startTime(): number {
    const t = Date.parse(this.pod?.status?.startTime ?? this.pod?.metadata?.creationTimestamp ?? '');
    return Number.isNaN(t) ? 0 : t;
  }
}

function parseTerm(pod: KObject, t: KObject | undefined): AffinityTerm {
  const namespaces: string[] = Array.isArray(t?.namespaces) ? t!.namespaces : [];
  const nsSel = t?.namespaceSelector;
  const allNamespaces = nsSel != null && typeof nsSel === 'object' && Object.keys(nsSel.matchLabels ?? {}).length === 0 && (nsSel.matchExpressions ?? []).length === 0;
  const ns = new Set<string>(namespaces.length === 0 && nsSel == null ? [pod?.metadata?.namespace ?? ''] : namespaces);
  return { namespaces: ns, allNamespaces, selector: labelSelectorFromSpec(t?.labelSelector), topologyKey: String(t?.topologyKey ?? '') };
}

function hostPortsOf(pod: KObject): HostPort[] {
  const out: HostPort[] = [];
  const spec = pod?.spec;
  const scan = (list: unknown, sidecarsOnly: boolean) => {
    if (!Array.isArray(list)) return;
    for (const c of list) {
      if (sidecarsOnly && c?.restartPolicy !== 'Always') continue;
      if (!Array.isArray(c?.ports)) continue;
      for (const p of c.ports) {
        const port = Number(p?.hostPort ?? 0);
        if (port > 0) out.push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port });
      }
    }
  };
  scan(spec?.containers, false);
  scan(spec?.initContainers, true);
  return out.length ? out : EMPTY;
}
