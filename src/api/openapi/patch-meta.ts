// Patch metadata the API publishes for built-in kinds: merge strategies, merge keys, list and map types, by definition and field.
//
// Contract: self-contained (no imports), because scripts/gen-openapi.mjs transpiles and loads this
// file at build time and bakes every entry into the generated definitions as the OpenAPI
// extensions x-kubernetes-patch-strategy / x-kubernetes-patch-merge-key / x-kubernetes-list-type /
// x-kubernetes-list-map-keys / x-kubernetes-map-type. A list field with no entry here is atomic
// for server-side apply (structured-merge-diff's default) and replaced wholesale by a strategic
// merge patch. Editing this file needs a rebuild (`npm run build`).

export interface FieldPatchMeta {
  /** x-kubernetes-patch-strategy: 'merge', 'retainKeys', 'merge,retainKeys' or 'replace' */
  strategy?: string;
  /** x-kubernetes-patch-merge-key: the item field that identifies a list entry for a strategic merge */
  mergeKey?: string;
  /** x-kubernetes-list-type (server-side apply) */
  listType?: 'atomic' | 'set' | 'map';
  /** x-kubernetes-list-map-keys, with listType 'map' */
  listMapKeys?: string[];
  /** x-kubernetes-map-type on a map or struct field */
  mapType?: 'atomic' | 'granular';
}

const atomic: FieldPatchMeta = { listType: 'atomic' };
const set: FieldPatchMeta = { listType: 'set' };
/** strategic merge of a list of scalars as a set (union) */
const mergeSet: FieldPatchMeta = { strategy: 'merge', listType: 'set' };
/** strategic merge keyed by `key`; server-side apply treats it as a map list keyed by `keys` (default: [key]) */
function mergeBy(key: string, ...keys: string[]): FieldPatchMeta {
  return { strategy: 'merge', mergeKey: key, listType: 'map', listMapKeys: keys.length ? keys : [key] };
}
function mapList(...keys: string[]): FieldPatchMeta {
  return { listType: 'map', listMapKeys: keys };
}

const CORE = 'io.k8s.api.core.v1.';
const APPS = 'io.k8s.api.apps.v1.';
const BATCH = 'io.k8s.api.batch.v1.';
const DISCOVERY = 'io.k8s.api.discovery.v1.';
const RBAC = 'io.k8s.api.rbac.v1.';
const POLICY = 'io.k8s.api.policy.v1.';
const AUTHN = 'io.k8s.api.authentication.v1.';
const AUTOSCALING = 'io.k8s.api.autoscaling.v1.';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';

/** The container fields shared by Container and EphemeralContainer. */
const containerFields: Record<string, FieldPatchMeta> = {
  command: atomic,
  args: atomic,
  ports: mergeBy('containerPort', 'containerPort', 'protocol'),
  envFrom: atomic,
  env: mergeBy('name'),
  resizePolicy: atomic,
  volumeMounts: mergeBy('mountPath'),
  volumeDevices: mergeBy('devicePath'),
};

/** definition name → field name → patch metadata */
export const FIELD_PATCH_META: Record<string, Record<string, FieldPatchMeta>> = {
  // ---- meta/v1
  [META + 'ObjectMeta']: {
    finalizers: mergeSet,
    ownerReferences: mergeBy('uid'),
    managedFields: atomic,
  },
  [META + 'LabelSelector']: { matchExpressions: atomic },
  [META + 'LabelSelectorRequirement']: { values: atomic },
  [META + 'DeleteOptions']: { dryRun: atomic },
  [META + 'StatusDetails']: { causes: atomic },
  [META + 'APIResource']: { shortNames: atomic, categories: atomic },
  [META + 'APIResourceList']: { resources: atomic },
  [META + 'APIGroup']: { versions: atomic, serverAddressByClientCIDRs: atomic },
  [META + 'APIGroupList']: { groups: atomic },
  [META + 'APIVersions']: { versions: atomic, serverAddressByClientCIDRs: atomic },

  // ---- core/v1: pods and templates
  [CORE + 'PodSpec']: {
    volumes: { ...mergeBy('name'), strategy: 'merge,retainKeys' },
    initContainers: mergeBy('name'),
    containers: mergeBy('name'),
    ephemeralContainers: mergeBy('name'),
    imagePullSecrets: mergeBy('name'),
    tolerations: atomic,
    hostAliases: mergeBy('ip'),
    readinessGates: atomic,
    topologySpreadConstraints: mergeBy('topologyKey', 'topologyKey', 'whenUnsatisfiable'),
    schedulingGates: mergeBy('name'),
    resourceClaims: { ...mergeBy('name'), strategy: 'merge,retainKeys' },
    nodeSelector: { mapType: 'atomic' },
  },
  [CORE + 'Container']: containerFields,
  [CORE + 'EphemeralContainer']: containerFields,
  [CORE + 'ResourceRequirements']: { claims: mapList('name') },
  [CORE + 'ContainerStatus']: { volumeMounts: mergeBy('mountPath') },
  [CORE + 'PodStatus']: {
    conditions: mergeBy('type'),
    hostIPs: { strategy: 'merge', mergeKey: 'ip', listType: 'atomic' },
    podIPs: mergeBy('ip'),
    initContainerStatuses: atomic,
    containerStatuses: atomic,
    ephemeralContainerStatuses: atomic,
    resourceClaimStatuses: { ...mergeBy('name'), strategy: 'merge,retainKeys' },
  },
  [CORE + 'PodSecurityContext']: { supplementalGroups: atomic, sysctls: atomic },
  [CORE + 'PodDNSConfig']: { nameservers: atomic, searches: atomic, options: atomic },
  [CORE + 'HostAlias']: { hostnames: atomic },
  [CORE + 'TopologySpreadConstraint']: { matchLabelKeys: atomic },
  [CORE + 'Capabilities']: { add: atomic, drop: atomic },
  [CORE + 'ExecAction']: { command: atomic },
  [CORE + 'HTTPGetAction']: { httpHeaders: atomic },
  [CORE + 'PodExecOptions']: { command: atomic },
  [CORE + 'PodPortForwardOptions']: { ports: atomic },

  // ---- core/v1: scheduling constraints
  [CORE + 'NodeSelector']: { nodeSelectorTerms: atomic },
  [CORE + 'NodeSelectorTerm']: { matchExpressions: atomic, matchFields: atomic },
  [CORE + 'NodeSelectorRequirement']: { values: atomic },
  [CORE + 'TopologySelectorTerm']: { matchLabelExpressions: atomic },
  [CORE + 'TopologySelectorLabelRequirement']: { values: atomic },
  [CORE + 'NodeAffinity']: { preferredDuringSchedulingIgnoredDuringExecution: atomic },
  [CORE + 'PodAffinity']: { requiredDuringSchedulingIgnoredDuringExecution: atomic, preferredDuringSchedulingIgnoredDuringExecution: atomic },
  [CORE + 'PodAntiAffinity']: { requiredDuringSchedulingIgnoredDuringExecution: atomic, preferredDuringSchedulingIgnoredDuringExecution: atomic },
  [CORE + 'PodAffinityTerm']: { namespaces: atomic, matchLabelKeys: atomic, mismatchLabelKeys: atomic },

  // ---- core/v1: volumes
  [CORE + 'SecretVolumeSource']: { items: atomic },
  [CORE + 'SecretProjection']: { items: atomic },
  [CORE + 'ConfigMapVolumeSource']: { items: atomic },
  [CORE + 'ConfigMapProjection']: { items: atomic },
  [CORE + 'DownwardAPIVolumeSource']: { items: atomic },
  [CORE + 'DownwardAPIProjection']: { items: atomic },
  [CORE + 'ProjectedVolumeSource']: { sources: atomic },
  [CORE + 'RBDVolumeSource']: { monitors: atomic },
  [CORE + 'RBDPersistentVolumeSource']: { monitors: atomic },
  [CORE + 'CephFSVolumeSource']: { monitors: atomic },
  [CORE + 'CephFSPersistentVolumeSource']: { monitors: atomic },
  [CORE + 'ISCSIVolumeSource']: { portals: atomic },
  [CORE + 'ISCSIPersistentVolumeSource']: { portals: atomic },
  [CORE + 'FCVolumeSource']: { targetWWNs: atomic, wwids: atomic },
  [CORE + 'PersistentVolumeSpec']: { accessModes: atomic, mountOptions: atomic, claimRef: { mapType: 'granular' } },
  [CORE + 'PersistentVolumeClaimSpec']: { accessModes: atomic },
  [CORE + 'PersistentVolumeClaimStatus']: { accessModes: atomic, conditions: mergeBy('type'), allocatedResourceStatuses: { mapType: 'granular' } },

  // ---- core/v1: services, endpoints, nodes, namespaces, the rest
  [CORE + 'ServiceSpec']: {
    ports: mergeBy('port', 'port', 'protocol'),
    clusterIPs: atomic,
    externalIPs: atomic,
    loadBalancerSourceRanges: atomic,
    ipFamilies: atomic,
    selector: { mapType: 'atomic' },
  },
  [CORE + 'ServiceStatus']: { conditions: mergeBy('type') },
  [CORE + 'LoadBalancerStatus']: { ingress: atomic },
  [CORE + 'LoadBalancerIngress']: { ports: atomic },
  [CORE + 'Endpoints']: { subsets: atomic },
  [CORE + 'EndpointSubset']: { addresses: atomic, notReadyAddresses: atomic, ports: atomic },
  [CORE + 'NodeSpec']: { podCIDRs: mergeSet, taints: atomic },
  [CORE + 'NodeStatus']: {
    conditions: mergeBy('type'),
    addresses: mergeBy('type'),
    images: atomic,
    volumesInUse: atomic,
    volumesAttached: atomic,
    runtimeHandlers: atomic,
  },
  [CORE + 'ContainerImage']: { names: atomic },
  [CORE + 'NamespaceSpec']: { finalizers: atomic },
  [CORE + 'NamespaceStatus']: { conditions: mergeBy('type') },
  [CORE + 'ReplicationControllerSpec']: { selector: { mapType: 'atomic' } },
  [CORE + 'ReplicationControllerStatus']: { conditions: mergeBy('type') },
  [CORE + 'ServiceAccount']: { secrets: mergeBy('name'), imagePullSecrets: atomic },
  [CORE + 'LimitRangeSpec']: { limits: atomic },
  [CORE + 'ResourceQuotaSpec']: { scopes: atomic },
  [CORE + 'ScopeSelector']: { matchExpressions: atomic },
  [CORE + 'ScopedResourceSelectorRequirement']: { values: atomic },
  [CORE + 'ComponentStatus']: { conditions: mergeBy('type') },

  // ---- apps/v1
  [APPS + 'DeploymentSpec']: { strategy: { strategy: 'retainKeys' } },
  [APPS + 'DeploymentStatus']: { conditions: mergeBy('type') },
  [APPS + 'ReplicaSetStatus']: { conditions: mergeBy('type') },
  [APPS + 'DaemonSetStatus']: { conditions: mergeBy('type') },
  [APPS + 'StatefulSetSpec']: { volumeClaimTemplates: atomic },
  [APPS + 'StatefulSetStatus']: { conditions: mergeBy('type') },

  // ---- batch/v1
  [BATCH + 'JobStatus']: { conditions: { strategy: 'merge', mergeKey: 'type', listType: 'atomic' } },
  [BATCH + 'PodFailurePolicy']: { rules: atomic },
  [BATCH + 'PodFailurePolicyRule']: { onPodConditions: atomic },
  [BATCH + 'PodFailurePolicyOnExitCodesRequirement']: { values: set },
  [BATCH + 'SuccessPolicy']: { rules: atomic },
  [BATCH + 'UncountedTerminatedPods']: { succeeded: set, failed: set },
  [BATCH + 'CronJobStatus']: { active: atomic },

  // ---- discovery/v1
  [DISCOVERY + 'EndpointSlice']: { endpoints: atomic, ports: atomic },
  [DISCOVERY + 'Endpoint']: { addresses: set },
  [DISCOVERY + 'EndpointHints']: { forZones: atomic },

  // ---- rbac/v1
  [RBAC + 'PolicyRule']: { verbs: atomic, apiGroups: atomic, resources: atomic, resourceNames: atomic, nonResourceURLs: atomic },
  [RBAC + 'Role']: { rules: atomic },
  [RBAC + 'ClusterRole']: { rules: atomic },
  [RBAC + 'RoleBinding']: { subjects: atomic },
  [RBAC + 'ClusterRoleBinding']: { subjects: atomic },
  [RBAC + 'AggregationRule']: { clusterRoleSelectors: atomic },

  // ---- policy/v1, authentication/v1
  [POLICY + 'PodDisruptionBudgetSpec']: { selector: { strategy: 'replace' } },
  [POLICY + 'PodDisruptionBudgetStatus']: { conditions: mergeBy('type') },
  [AUTHN + 'TokenRequestSpec']: { audiences: atomic },
  [AUTHN + 'TokenReviewSpec']: { audiences: atomic },
  [AUTHN + 'TokenReviewStatus']: { audiences: atomic },
  [AUTHN + 'UserInfo']: { groups: atomic },
};

/** Definitions whose objects are replaced as a whole by server-side apply (x-kubernetes-map-type: atomic). */
export const ATOMIC_STRUCTS: string[] = [
  META + 'LabelSelector',
  META + 'OwnerReference',
  CORE + 'ObjectReference',
  CORE + 'LocalObjectReference',
  CORE + 'TypedLocalObjectReference',
  CORE + 'SecretReference',
  CORE + 'ObjectFieldSelector',
  CORE + 'ResourceFieldSelector',
  CORE + 'ConfigMapKeySelector',
  CORE + 'SecretKeySelector',
  CORE + 'NodeSelector',
  CORE + 'NodeSelectorTerm',
  CORE + 'TopologySelectorTerm',
  CORE + 'EndpointAddress',
  CORE + 'EndpointPort',
  CORE + 'ScopeSelector',
  DISCOVERY + 'EndpointPort',
  RBAC + 'Subject',
  RBAC + 'RoleRef',
  AUTOSCALING + 'CrossVersionObjectReference',
];
