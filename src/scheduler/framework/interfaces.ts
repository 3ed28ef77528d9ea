// The scheduling framework's extension points: one small interface per point, plus what plugins get from the framework (Handle).

import type { ResourceInfo } from '../../api/resources.js';
import type { KObject } from '../../api/strategy.js';
import type { ResourceClient } from '../../client/types.js';
import type { CycleState } from './cycle-state.js';
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';
import type { Status } from './status.js';

/** The highest score a Score plugin may give a node (after NormalizeScore). */
export const MAX_NODE_SCORE = 100;
export const MIN_NODE_SCORE = 0;

export interface Plugin {
  readonly name: string;
  /**
   * Cluster events that may make a pod this plugin rejected schedulable. A pod rejected by
   * this plugin leaves the unschedulable queue only on these events (or the periodic flush).
   * Omitted: every event.
   */
  eventsToRegister?(): ClusterEvent[];
}

/** Events the scheduling queue reacts to. */
export type ClusterEvent =
  | 'NodeAdd'
  | 'NodeUpdate'
  | 'NodeDelete'
  | 'AssignedPodAdd'
  | 'AssignedPodUpdate'
  | 'AssignedPodDelete';

export const ALL_CLUSTER_EVENTS: readonly ClusterEvent[] = ['NodeAdd', 'NodeUpdate', 'NodeDelete', 'AssignedPodAdd', 'AssignedPodUpdate', 'AssignedPodDelete'];

export interface PreFilterResult {
  /** restricts the nodes Filter evaluates to these names (undefined: all nodes) */
  nodeNames?: Set<string>;
}

/** Incremental updates of PreFilter state when pods are hypothetically added or removed (preemption, nominated pods). */
export interface PreFilterExtensions {
  addPod(state: CycleState, podToSchedule: PodInfo, podToAdd: PodInfo, nodeInfo: NodeInfo): Status;
  removePod(state: CycleState, podToSchedule: PodInfo, podToRemove: PodInfo, nodeInfo: NodeInfo): Status;
}

/** Runs once per pod before Filter; Skip skips this plugin's Filter for the cycle; a rejection fails the pod on every node. */
export interface PreFilterPlugin extends Plugin {
  preFilter(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): { status: Status; result?: PreFilterResult };
  readonly preFilterExtensions?: PreFilterExtensions;
}

/** Whether the pod can run on the node: Success, or Unschedulable(AndUnresolvable) with reasons. Called for many nodes: keep it cheap. */
export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status;
}

export interface PostFilterResult {
  /** the node the pod is nominated to ('' clears a nomination) */
  nominatedNodeName?: string;
}

/** Runs when no node passed Filter (e.g. preemption); Success means the pod may fit on the nominated node later. */
export interface PostFilterPlugin extends Plugin {
  postFilter(state: CycleState, pod: PodInfo, filteredNodeStatus: ReadonlyMap<string, Status>): Promise<{ status: Status; result?: PostFilterResult }>;
}

/** Runs once per pod with the feasible nodes before Score; Skip skips this plugin's Score for the cycle. */
export interface PreScorePlugin extends Plugin {
  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status;
}

export interface NodeScore {
  name: string;
  score: number;
}

export interface ScoreExtensions {
  /** Rescales this plugin's scores of all feasible nodes in place to [0, MAX_NODE_SCORE]. */
  normalizeScore(state: CycleState, pod: PodInfo, scores: NodeScore[]): Status;
}

/**
 * Ranks a feasible node: returns the score (an integer in [0, MAX_NODE_SCORE] unless
 * scoreExtensions normalizes it), or a non-success Status on an internal error.
 */
export interface ScorePlugin extends Plugin {
  score(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): number | Status;
  readonly scoreExtensions?: ScoreExtensions;
}

/** Reserve is called when the pod is assumed on a node; Unreserve when a later step fails (must be idempotent). */
export interface ReservePlugin extends Plugin {
  reserve(state: CycleState, pod: PodInfo, nodeName: string): Status;
  unreserve(state: CycleState, pod: PodInfo, nodeName: string): void;
}

/** Success allows binding, a rejection aborts it, Wait holds the pod until allowed/rejected through the Handle or timeoutMs. */
export interface PermitPlugin extends Plugin {
  permit(state: CycleState, pod: PodInfo, nodeName: string): { status: Status; timeoutMs?: number };
}

/** Runs in the binding cycle (off the scheduling loop) before Bind, e.g. to provision volumes. */
export interface PreBindPlugin extends Plugin {
  preBind(state: CycleState, pod: PodInfo, nodeName: string): Promise<Status>;
}

/** Binds the pod; Skip passes the pod to the next Bind plugin. */
export interface BindPlugin extends Plugin {
  bind(state: CycleState, pod: PodInfo, nodeName: string): Promise<Status>;
}

/** Informational, after a successful bind. */
export interface PostBindPlugin extends Plugin {
  postBind(state: CycleState, pod: PodInfo, nodeName: string): void;
}

/** The extension point names as written in the configuration file. */
export const EXTENSION_POINTS = ['preFilter', 'filter', 'postFilter', 'preScore', 'score', 'reserve', 'permit', 'preBind', 'bind', 'postBind'] as const;
export type ExtensionPoint = (typeof EXTENSION_POINTS)[number];

/** Whether a plugin object implements an extension point (duck typing on its methods). */
export function implementsPoint(p: Plugin, point: ExtensionPoint): boolean {
  const o = p as unknown as Record<string, unknown>;
  const fn = (m: string) => typeof o[m] === 'function';
  switch (point) {
    case 'preFilter': return fn('preFilter');
    case 'filter': return fn('filter');
    case 'postFilter': return fn('postFilter');
    case 'preScore': return fn('preScore');
    case 'score': return fn('score');
    case 'reserve': return fn('reserve') && fn('unreserve');
    case 'permit': return fn('permit');
    case 'preBind': return fn('preBind');
    case 'bind': return fn('bind');
    case 'postBind': return fn('postBind');
  }
}

/** Writes Kubernetes Events (the client package's EventRecorder has this shape). */
export interface EventRecorder {
  event(obj: KObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

/** What the scheduler needs of a clientset: a typed client per resource. */
export interface Clientset {
  resource(info: ResourceInfo): ResourceClient;
}

/** Read access to the scheduler's node infos (the cache) for plugins that look beyond one node. */
export interface NodeInfoLister {
  /** schedulable nodes (with a Node object), in a stable order */
  list(): readonly NodeInfo[];
  get(nodeName: string): NodeInfo | undefined;
  /** number of pods on all nodes with required pod anti-affinity (0 lets InterPodAffinity skip) */
  podsWithRequiredAntiAffinity(): number;
  /** number of pods on all nodes with any pod (anti-)affinity */
  podsWithAffinity(): number;
}

/** Pods nominated to nodes by preemption, kept by the scheduling queue. */
export interface PodNominator {
  addNominatedPod(pod: PodInfo, nodeName: string): void;
  deleteNominatedPodIfExists(podKey: string): void;
  nominatedPodsForNode(nodeName: string): readonly PodInfo[];
  nominatedNodeName(podKey: string): string | undefined;
}

/** A pod held at Permit. */
export interface WaitingPod {
  readonly pod: PodInfo;
  /** plugins still holding the pod */
  pendingPlugins(): string[];
  allow(pluginName: string): void;
  reject(pluginName: string, message: string): void;
}

/** What a plugin factory gets from the framework. */
export interface Handle {
  /** undefined in pure in-memory runs (tests, bench) for plugins that do not call the API */
  readonly clientset: Clientset | undefined;
  readonly recorder: EventRecorder;
  readonly nodeInfos: NodeInfoLister;
  readonly nominator: PodNominator;
  /** the profile's framework, for plugins that run other plugins (preemption); set before the first cycle */
  framework(): FrameworkRunner;
  getWaitingPod(podKey: string): WaitingPod | undefined;
  /** the pod's current object from the informer, if it still exists */
  currentPod(podKey: string): KObject | undefined;
}

/** The subset of the Framework that plugins may run. */
export interface FrameworkRunner {
  readonly profileName: string;
  runPreFilterExtensionAddPod(state: CycleState, podToSchedule: PodInfo, podToAdd: PodInfo, nodeInfo: NodeInfo): Status;
  runPreFilterExtensionRemovePod(state: CycleState, podToSchedule: PodInfo, podToRemove: PodInfo, nodeInfo: NodeInfo): Status;
  runFilterPlugins(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status;
  runFilterPluginsWithNominatedPods(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status;
}

/** Builds a plugin from its pluginConfig args (undefined when none were given) and the handle. */
export type PluginFactory = (args: unknown, handle: Handle) => Plugin;
