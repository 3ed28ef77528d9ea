// The scheduler configuration file (KubeSchedulerConfiguration-shaped, YAML or JSON): profiles, plugin sets per extension point, weights, plugin args.

import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { EXTENSION_POINTS, type ExtensionPoint } from './interfaces.js';

export interface PluginRef {
  name: string;
  /** Score weight (score and multiPoint only); defaults to 1 */
  weight?: number;
}

export interface PluginSet {
  enabled?: PluginRef[];
  /** {name: '*'} disables every default plugin of the point */
  disabled?: { name: string }[];
}

export type PluginsConfig = Partial<Record<ExtensionPoint | 'multiPoint', PluginSet>>;

export interface PluginConfigEntry {
  name: string;
  args?: Record<string, unknown>;
}

export interface SchedulerProfile {
  schedulerName?: string;
  /** overrides the top-level value for this profile */
  percentageOfNodesToScore?: number;
  plugins?: PluginsConfig;
  pluginConfig?: PluginConfigEntry[];
}

export interface SchedulerConfiguration {
  apiVersion?: string;
  kind?: string;
  /** 0 or unset: adaptive (50% minus 1% per 125 nodes, at least 5%, at least 100 nodes) */
  percentageOfNodesToScore?: number;
  podInitialBackoffSeconds?: number;
  podMaxBackoffSeconds?: number;
  profiles?: SchedulerProfile[];
}

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

/** The default profile as upstream's v1 defaults: every plugin through multiPoint, in this order, with these score weights. */
export const DEFAULT_MULTI_POINT: readonly PluginRef[] = Object.freeze([
  { name: 'NodeUnschedulable' },
  { name: 'NodeName' },
  { name: 'TaintToleration', weight: 3 },
  { name: 'NodeAffinity', weight: 2 },
  { name: 'NodePorts' },
  { name: 'NodeResourcesFit', weight: 1 },
  { name: 'PodTopologySpread', weight: 2 },
  { name: 'InterPodAffinity', weight: 2 },
  { name: 'DefaultPreemption' },
  { name: 'NodeResourcesBalancedAllocation', weight: 1 },
  { name: 'DefaultBinder' },
]);

/** Default args per plugin; a profile's pluginConfig args are merged over these (top-level keys). */
export const DEFAULT_PLUGIN_ARGS: Readonly<Record<string, Record<string, unknown>>> = {
  NodeResourcesFit: { scoringStrategy: { type: 'LeastAllocated', resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }] } },
  NodeResourcesBalancedAllocation: { resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }] },
  InterPodAffinity: { hardPodAffinityWeight: 1 },
  PodTopologySpread: { defaultConstraints: [], defaultingType: 'List' },
  DefaultPreemption: { minCandidateNodesPercentage: 10, minCandidateNodesAbsolute: 100 },
};

/** A profile after defaulting: the plugins of every extension point in order, with weights and args. */
export interface ResolvedProfile {
  schedulerName: string;
  percentageOfNodesToScore: number;
  /** enabled through multiPoint (defaults merged with the profile's multiPoint set) */
  multiPoint: PluginRef[];
  /** per extension point: explicitly enabled plugins and the disabled names */
  points: Record<ExtensionPoint, { enabled: PluginRef[]; disabled: Set<string> }>;
  pluginArgs: Map<string, Record<string, unknown>>;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Merges a custom plugin set over a default one as upstream does: disabled names (or '*')
 * drop defaults; a default that is enabled again keeps its place with the custom settings;
 * other custom plugins are appended in their order.
 */
export function mergePluginSet(defaults: readonly PluginRef[], custom: PluginSet | undefined): { enabled: PluginRef[]; disabled: Set<string> } {
  const disabled = new Set((custom?.disabled ?? []).map((d) => d.name));
  const customEnabled = custom?.enabled ?? [];
  const byName = new Map(customEnabled.map((p, i) => [p.name, i]));
  const used = new Set<number>();
  const enabled: PluginRef[] = [];
  if (!disabled.has('*')) {
    for (const d of defaults) {
      if (disabled.has(d.name)) continue;
      const i = byName.get(d.name);
      if (i !== undefined) {
        enabled.push({ ...d, ...customEnabled[i] });
        used.add(i);
      } else {
        enabled.push({ ...d });
      }
    }
  }
  customEnabled.forEach((p, i) => {
    if (!used.has(i)) enabled.push({ ...p });
  });
  return { enabled, disabled };
}

function checkPluginSet(where: string, set: unknown): void {
  if (set === undefined || set === null) return;
  if (typeof set !== 'object') throw new ConfigError(`${where}: must be an object with enabled/disabled lists`);
  const s = set as Record<string, unknown>;
  for (const k of ['enabled', 'disabled']) {
    if (s[k] === undefined || s[k] === null) continue;
    if (!Array.isArray(s[k])) throw new ConfigError(`${where}.${k}: must be a list`);
    (s[k] as unknown[]).forEach((p, i) => {
      if (!p || typeof p !== 'object' || typeof (p as PluginRef).name !== 'string' || !(p as PluginRef).name) throw new ConfigError(`${where}.${k}[${i}].name: Required value`);
      const w = (p as PluginRef).weight;
      if (w !== undefined && (typeof w !== 'number' || !Number.isInteger(w) || w < 0)) throw new ConfigError(`${where}.${k}[${i}].weight: must be a non-negative integer`);
    });
  }
}

/** Validates the shape of a parsed configuration (throws ConfigError) and returns it. */
export function validateConfig(cfg: unknown): SchedulerConfiguration {
  if (!cfg || typeof cfg !== 'object') throw new ConfigError('configuration must be an object');
  const c = cfg as SchedulerConfiguration;
  if (c.kind !== undefined && c.kind !== 'KubeSchedulerConfiguration') throw new ConfigError(`kind: Unsupported value: "${c.kind}": supported values: "KubeSchedulerConfiguration"`);
  const pct = c.percentageOfNodesToScore;
  if (pct !== undefined && (typeof pct !== 'number' || pct < 0 || pct > 100)) throw new ConfigError('percentageOfNodesToScore: must be in the range [0, 100]');
  if (c.profiles !== undefined && !Array.isArray(c.profiles)) throw new ConfigError('profiles: must be a list');
  const names = new Set<string>();
  (c.profiles ?? []).forEach((p, i) => {
    const name = p?.schedulerName || DEFAULT_SCHEDULER_NAME;
    if (names.has(name)) throw new ConfigError(`profiles[${i}].schedulerName: Duplicate value: "${name}"`);
    names.add(name);
    for (const [point, set] of Object.entries(p?.plugins ?? {})) {
      if (point !== 'multiPoint' && !(EXTENSION_POINTS as readonly string[]).includes(point)) throw new ConfigError(`profiles[${i}].plugins.${point}: unknown extension point`);
      checkPluginSet(`profiles[${i}].plugins.${point}`, set);
    }
    (p?.pluginConfig ?? []).forEach((e, j) => {
      if (!e || typeof e.name !== 'string') throw new ConfigError(`profiles[${i}].pluginConfig[${j}].name: Required value`);
    });
  });
  return c;
}

/** Parses a configuration file's text (YAML, of which JSON is a subset). Throws ConfigError. */
export function parseSchedulerConfig(text: string): SchedulerConfiguration {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new ConfigError(`invalid configuration: ${(e as Error).message}`);
  }
  return validateConfig(doc ?? {});
}

export async function loadSchedulerConfig(path: string): Promise<SchedulerConfiguration> {
  return parseSchedulerConfig(await readFile(path, 'utf8'));
}

/** Defaults a profile against upstream's default plugins and args. */
export function resolveProfile(profile: SchedulerProfile | undefined, cfg: SchedulerConfiguration = {}): ResolvedProfile {
  const plugins = profile?.plugins ?? {};
  const points = {} as ResolvedProfile['points'];
  for (const point of EXTENSION_POINTS) points[point] = mergePluginSet([], plugins[point]);
  const pluginArgs = new Map<string, Record<string, unknown>>();
  for (const [n, a] of Object.entries(DEFAULT_PLUGIN_ARGS)) pluginArgs.set(n, a);
  for (const e of profile?.pluginConfig ?? []) pluginArgs.set(e.name, { ...(pluginArgs.get(e.name) ?? {}), ...(e.args ?? {}) });
  return {
    schedulerName: profile?.schedulerName || DEFAULT_SCHEDULER_NAME,
    percentageOfNodesToScore: profile?.percentageOfNodesToScore ?? cfg.percentageOfNodesToScore ?? 0,
    multiPoint: mergePluginSet(DEFAULT_MULTI_POINT, plugins.multiPoint).enabled,
    points,
    pluginArgs,
  };
}

/** Every profile of a configuration, resolved; a configuration without profiles has the default one. */
export function resolveProfiles(cfg: SchedulerConfiguration = {}): ResolvedProfile[] {
  const profiles = cfg.profiles?.length ? cfg.profiles : [{ schedulerName: DEFAULT_SCHEDULER_NAME }];
  return profiles.map((p) => resolveProfile(p, cfg));
}
