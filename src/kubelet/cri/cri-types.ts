// TypeScript shapes of the CRI runtime.v1 messages in runtime-v1.proto, as CriClient sends and receives them.
//
// Contracts (from the loader options in cri-client.ts): field names are camelCase; enums are
// their names (strings); int64/uint64 are JS numbers (nanosecond timestamps lose sub-µs digits,
// sizes are exact below 2^53); bytes are Buffers. In responses every scalar, list and map is
// present (proto3 defaults) and an absent sub-message is null. Requests take any subset.

export type Labels = Record<string, string>;

export type NamespaceMode = 'POD' | 'CONTAINER' | 'NODE' | 'TARGET';
export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export type MountPropagation = 'PROPAGATION_PRIVATE' | 'PROPAGATION_HOST_TO_CONTAINER' | 'PROPAGATION_BIDIRECTIONAL';
export type PodSandboxState = 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
export type ContainerState = 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';
export type ProfileType = 'RuntimeDefault' | 'Unconfined' | 'Localhost';

export interface Int64Value { value: number }
export interface UInt64Value { value: number }
export interface KeyValue { key: string; value: string }

export interface VersionResponse {
  version: string;
  runtimeName: string;
  runtimeVersion: string;
  runtimeApiVersion: string;
}

export interface RuntimeCondition { type: string; status: boolean; reason: string; message: string }
export interface StatusResponse {
  status: { conditions: RuntimeCondition[] } | null;
  info: Labels;
}

// ---- requests (any subset of fields)

export interface DNSConfig { servers?: string[]; searches?: string[]; options?: string[] }
export interface PortMapping { protocol?: Protocol; containerPort?: number; hostPort?: number; hostIp?: string }
export interface Mount {
  containerPath?: string;
  hostPath?: string;
  readonly?: boolean;
  selinuxRelabel?: boolean;
  propagation?: MountPropagation;
}
export interface NamespaceOption { network?: NamespaceMode; pid?: NamespaceMode; ipc?: NamespaceMode; targetId?: string }
export interface SecurityProfile { profileType?: ProfileType; localhostRef?: string }
export interface SELinuxOption { user?: string; role?: string; type?: string; level?: string }

export interface LinuxContainerResources {
  cpuPeriod?: number;
  cpuQuota?: number;
  cpuShares?: number;
  memoryLimitInBytes?: number;
  oomScoreAdj?: number;
  cpusetCpus?: string;
  cpusetMems?: string;
  hugepageLimits?: { pageSize?: string; limit?: number }[];
  unified?: Labels;
  memorySwapLimitInBytes?: number;
}

export interface LinuxSandboxSecurityContext {
  namespaceOptions?: NamespaceOption;
  selinuxOptions?: SELinuxOption;
  runAsUser?: Int64Value;
  runAsGroup?: Int64Value;
  readonlyRootfs?: boolean;
  supplementalGroups?: number[];
  privileged?: boolean;
  seccomp?: SecurityProfile;
  apparmor?: SecurityProfile;
}

export interface PodSandboxMetadata { name?: string; uid?: string; namespace?: string; attempt?: number }

export interface PodSandboxConfig {
  metadata?: PodSandboxMetadata;
  hostname?: string;
  /** host directory for the pod's container logs, conventionally /var/log/pods/<ns>_<name>_<uid> */
  logDirectory?: string;
  dnsConfig?: DNSConfig;
  portMappings?: PortMapping[];
  labels?: Labels;
  annotations?: Labels;
  linux?: {
    /** cgroupfs path, e.g. /k8ts/<node>/pod<uid> */
    cgroupParent?: string;
    securityContext?: LinuxSandboxSecurityContext;
    sysctls?: Labels;
    overhead?: LinuxContainerResources;
    resources?: LinuxContainerResources;
  };
}

export interface ImageSpec { image?: string; annotations?: Labels }

export interface LinuxContainerSecurityContext {
  capabilities?: { addCapabilities?: string[]; dropCapabilities?: string[] };
  privileged?: boolean;
  namespaceOptions?: NamespaceOption;
  selinuxOptions?: SELinuxOption;
  runAsUser?: Int64Value;
  runAsGroup?: Int64Value;
  runAsUsername?: string;
  readonlyRootfs?: boolean;
  supplementalGroups?: number[];
  noNewPrivs?: boolean;
  maskedPaths?: string[];
  readonlyPaths?: string[];
  seccomp?: SecurityProfile;
  apparmor?: SecurityProfile;
}

export interface ContainerConfig {
  metadata?: { name?: string; attempt?: number };
  image?: ImageSpec;
  command?: string[];
  args?: string[];
  workingDir?: string;
  envs?: KeyValue[];
  mounts?: Mount[];
  devices?: { containerPath?: string; hostPath?: string; permissions?: string }[];
  labels?: Labels;
  annotations?: Labels;
  /** relative to PodSandboxConfig.logDirectory, conventionally <container>/<attempt>.log */
  logPath?: string;
  stdin?: boolean;
  stdinOnce?: boolean;
  tty?: boolean;
  linux?: { resources?: LinuxContainerResources; securityContext?: LinuxContainerSecurityContext };
}

export interface PodSandboxFilter { id?: string; state?: { state: PodSandboxState }; labelSelector?: Labels }
export interface ContainerFilter { id?: string; state?: { state: ContainerState }; podSandboxId?: string; labelSelector?: Labels }
export interface ContainerStatsFilter { id?: string; podSandboxId?: string; labelSelector?: Labels }

export interface AuthConfig {
  username?: string;
  password?: string;
  /** base64("user:password") as in a docker config.json */
  auth?: string;
  serverAddress?: string;
  identityToken?: string;
  registryToken?: string;
}

// ---- responses (every field present; absent messages are null)

export interface PodSandboxMetadataOut { name: string; uid: string; namespace: string; attempt: number }
export interface NamespaceOptionOut { network: NamespaceMode; pid: NamespaceMode; ipc: NamespaceMode; targetId: string }

export interface PodSandboxStatus {
  id: string;
  metadata: PodSandboxMetadataOut | null;
  state: PodSandboxState;
  /** nanoseconds since the epoch */
  createdAt: number;
  network: { ip: string; additionalIps: { ip: string }[] } | null;
  linux: { namespaces: { options: NamespaceOptionOut | null } | null } | null;
  labels: Labels;
  annotations: Labels;
  runtimeHandler: string;
}
export interface PodSandboxStatusResponse { status: PodSandboxStatus | null; info: Labels }

export interface PodSandbox {
  id: string;
  metadata: PodSandboxMetadataOut | null;
  state: PodSandboxState;
  createdAt: number;
  labels: Labels;
  annotations: Labels;
  runtimeHandler: string;
}

export interface ImageSpecOut { image: string; annotations: Labels }
export interface ContainerMetadataOut { name: string; attempt: number }

export interface Container {
  id: string;
  podSandboxId: string;
  metadata: ContainerMetadataOut | null;
  image: ImageSpecOut | null;
  imageRef: string;
  state: ContainerState;
  createdAt: number;
  labels: Labels;
  annotations: Labels;
}

export interface MountOut {
  containerPath: string;
  hostPath: string;
  readonly: boolean;
  selinuxRelabel: boolean;
  propagation: MountPropagation;
}

export interface ContainerStatus {
  id: string;
  metadata: ContainerMetadataOut | null;
  state: ContainerState;
  /** nanoseconds since the epoch; startedAt/finishedAt are 0 until they happen */
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  image: ImageSpecOut | null;
  imageRef: string;
  /** "OOMKilled", "Completed", "Error", … */
  reason: string;
  message: string;
  labels: Labels;
  annotations: Labels;
  mounts: MountOut[];
  logPath: string;
  resources: { linux: LinuxContainerResourcesOut | null } | null;
}

export type LinuxContainerResourcesOut = Required<Omit<LinuxContainerResources, 'hugepageLimits'>> & { hugepageLimits: { pageSize: string; limit: number }[] };
export interface ContainerStatusResponse { status: ContainerStatus | null; info: Labels }

export interface ExecSyncResponse { stdout: Buffer; stderr: Buffer; exitCode: number }

export interface FilesystemUsage {
  timestamp: number;
  fsId: { mountpoint: string } | null;
  usedBytes: UInt64Value | null;
  inodesUsed: UInt64Value | null;
}

export interface ContainerStats {
  attributes: { id: string; metadata: ContainerMetadataOut | null; labels: Labels; annotations: Labels } | null;
  cpu: { timestamp: number; usageCoreNanoSeconds: UInt64Value | null; usageNanoCores: UInt64Value | null } | null;
  memory: {
    timestamp: number;
    workingSetBytes: UInt64Value | null;
    availableBytes: UInt64Value | null;
    usageBytes: UInt64Value | null;
    rssBytes: UInt64Value | null;
    pageFaults: UInt64Value | null;
    majorPageFaults: UInt64Value | null;
  } | null;
  writableLayer: FilesystemUsage | null;
}

export interface Image {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  size: number;
  uid: Int64Value | null;
  username: string;
  spec: ImageSpecOut | null;
  pinned: boolean;
}
export interface ImageStatusResponse { image: Image | null; info: Labels }
