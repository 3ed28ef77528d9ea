// Typed promise client for a CRI runtime (containerd) over its unix socket: runtime.v1 RuntimeService + ImageService.
//
// Contracts: every call has a deadline (per call `timeoutMs`, else the client default) and may
// be cancelled with an AbortSignal; failures are CriError, carrying the gRPC code. A runtime
// that is down (no socket file, nothing listening, connection reset) gives a CriError with
// `runtimeDown` true and a message saying what to check. The connection is lazy and reconnects
// by itself (short backoff), so a client may be made before containerd starts and kept across
// containerd restarts. Calls are not retried: the kubelet's sync loop is the retry.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type {
  AuthConfig, Container, ContainerConfig, ContainerFilter, ContainerStats, ContainerStatsFilter, ContainerStatusResponse,
  ExecSyncResponse, FilesystemUsage, Image, ImageSpec, ImageStatusResponse, LinuxContainerResources, PodSandbox,
  PodSandboxConfig, PodSandboxFilter, PodSandboxStatusResponse, StatusResponse, VersionResponse,
} from './cri-types.js';

export * from './cri-types.js';

export interface CriCallOptions {
  /** deadline for this call; 0 means none */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface CriClientOptions {
  /** default deadline of a call (as the kubelet's --runtime-request-timeout); default 2 min */
  defaultTimeoutMs?: number;
  /** default deadline of PullImage; default 10 min */
  pullTimeoutMs?: number;
  /** where to tell the user to look when the runtime is down (e.g. containerd's log file) */
  logHint?: string;
}

/** A failed CRI call. `code` is the gRPC status code (grpc.status). */
export class CriError extends Error {
  constructor(
    message: string,
    readonly method: string,
    readonly code: grpc.status,
    readonly details: string,
    /** the runtime could not be reached at all (not running, socket missing, connection reset) */
    readonly runtimeDown: boolean,
  ) {
    super(message);
    this.name = 'CriError';
  }
}

/** The object does not exist (containerd answers NotFound for unknown sandbox/container ids). */
export function isNotFound(err: unknown): boolean {
  return err instanceof CriError && err.code === grpc.status.NOT_FOUND;
}

type Callback = (err: grpc.ServiceError | null, res?: unknown) => void;
type UnaryFn = (req: unknown, meta: grpc.Metadata, opts: grpc.CallOptions, cb: Callback) => grpc.ClientUnaryCall;
type ServiceCtor = new (address: string, creds: grpc.ChannelCredentials, opts?: grpc.ClientOptions) => grpc.Client;

const LOADER_OPTIONS: protoLoader.Options = { keepCase: false, longs: Number, enums: String, bytes: Buffer, defaults: true, oneofs: true };

/** The .proto is beside this module when running from src/, and in the repo's src/ when running from dist/src/kubelet/cri/. */
function protoPath(): string {
  const here = import.meta.url;
  const candidates = [new URL('./runtime-v1.proto', here), new URL('../../../../src/kubelet/cri/runtime-v1.proto', here)].map((u) => fileURLToPath(u));
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`CRI proto not found (looked in ${candidates.join(', ')})`);
  return found;
}

let services: { runtime: ServiceCtor; image: ServiceCtor } | undefined;
function loadServices() {
  if (!services) {
    const def = protoLoader.loadSync(protoPath(), LOADER_OPTIONS);
    const pkg = grpc.loadPackageDefinition(def) as unknown as { runtime: { v1: { RuntimeService: ServiceCtor; ImageService: ServiceCtor } } };
    services = { runtime: pkg.runtime.v1.RuntimeService, image: pkg.runtime.v1.ImageService };
  }
  return services;
}

const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  // as the kubelet: CRI list responses on a full node exceed grpc's 4 MiB default
  'grpc.max_receive_message_length': 16 * 1024 * 1024,
  'grpc.max_send_message_length': 16 * 1024 * 1024,
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 1_000,
};

/**
 * grpc-js's own wording for "could not reach the socket" or "the connection broke", as opposed to
 * containerd answering UNAVAILABLE about something else (a dead shim, a registry).
 */
function looksDown(err: grpc.ServiceError): boolean {
  if (err.code !== grpc.status.UNAVAILABLE) return false;
  return /No connection established|Connection dropped|connect E(NOENT|CONNREFUSED|ACCES)|read ECONNRESET|write EPIPE/.test(err.details ?? '');
}

export class CriClient {
  /** the socket path (without unix://) */
  readonly socketPath: string;
  private readonly channel: grpc.Channel;
  private readonly runtime: grpc.Client;
  private readonly image: grpc.Client;
  private readonly defaultTimeoutMs: number;
  private readonly pullTimeoutMs: number;
  private readonly logHint: string;

  /** `address`: a socket path or a unix:// URL. Nothing is dialled until the first call. */
  constructor(address: string, opts: CriClientOptions = {}) {
    this.socketPath = address.replace(/^unix:\/\//, '').replace(/^unix:/, '');
    const target = `unix://${this.socketPath}`;
    const { runtime, image } = loadServices();
    const creds = grpc.credentials.createInsecure();
    this.channel = new grpc.Channel(target, creds, CHANNEL_OPTIONS);
    this.runtime = new runtime(target, creds, { channelOverride: this.channel });
    this.image = new image(target, creds, { channelOverride: this.channel });
    this.defaultTimeoutMs = opts.defaultTimeoutMs ?? 120_000;
    this.pullTimeoutMs = opts.pullTimeoutMs ?? 600_000;
    this.logHint = opts.logHint ?? join(dirname(this.socketPath), 'containerd.log');
  }

  close(): void {
    this.runtime.close();
    this.image.close();
    this.channel.close();
  }

  // ---- runtime

  version(opts: CriCallOptions = {}): Promise<VersionResponse> {
    return this.call('runtime', 'Version', { version: 'v1' }, { timeoutMs: 10_000, ...opts });
  }

  /** RuntimeReady and NetworkReady conditions (NetworkReady is false until a CNI config is in the conf_dir). */
  status(verbose = false, opts: CriCallOptions = {}): Promise<StatusResponse> {
    return this.call('runtime', 'Status', { verbose }, opts);
  }

  /** Creates and starts the pod's sandbox (pause container, network namespace, CNI); returns its id. */
  async runPodSandbox(config: PodSandboxConfig, runtimeHandler = '', opts: CriCallOptions = {}): Promise<string> {
    const res = await this.call<{ podSandboxId: string }>('runtime', 'RunPodSandbox', { config, runtimeHandler }, opts);
    return res.podSandboxId;
  }

  /** Idempotent: stops every container of the sandbox and releases its network. */
  async stopPodSandbox(podSandboxId: string, opts: CriCallOptions = {}): Promise<void> {
    await this.call('runtime', 'StopPodSandbox', { podSandboxId }, opts);
  }

  /** Idempotent: removes the sandbox and its containers (containerd wants it stopped first). */
  async removePodSandbox(podSandboxId: string, opts: CriCallOptions = {}): Promise<void> {
    await this.call('runtime', 'RemovePodSandbox', { podSandboxId }, opts);
  }

  /** Throws NotFound (see isNotFound) for an unknown id. */
  podSandboxStatus(podSandboxId: string, verbose = false, opts: CriCallOptions = {}): Promise<PodSandboxStatusResponse> {
    return this.call('runtime', 'PodSandboxStatus', { podSandboxId, verbose }, opts);
  }

  async listPodSandbox(filter?: PodSandboxFilter, opts: CriCallOptions = {}): Promise<PodSandbox[]> {
    const res = await this.call<{ items: PodSandbox[] }>('runtime', 'ListPodSandbox', { filter }, opts);
    return res.items;
  }

  /** `sandboxConfig` must be the config the sandbox was run with. Returns the container id. */
  async createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig, opts: CriCallOptions = {}): Promise<string> {
    const res = await this.call<{ containerId: string }>('runtime', 'CreateContainer', { podSandboxId, config, sandboxConfig }, opts);
    return res.containerId;
  }

  async startContainer(containerId: string, opts: CriCallOptions = {}): Promise<void> {
    await this.call('runtime', 'StartContainer', { containerId }, opts);
  }

  /** Idempotent: SIGTERM (or the image's stop signal), SIGKILL after `timeoutSeconds`. The deadline covers the grace period. */
  async stopContainer(containerId: string, timeoutSeconds = 0, opts: CriCallOptions = {}): Promise<void> {
    await this.call('runtime', 'StopContainer', { containerId, timeout: timeoutSeconds }, { timeoutMs: this.defaultTimeoutMs + timeoutSeconds * 1000, ...opts });
  }

  /** Idempotent; a running container is killed first. */
  async removeContainer(containerId: string, opts: CriCallOptions = {}): Promise<void> {
    await this.call('runtime', 'RemoveContainer', { containerId }, opts);
  }

  async listContainers(filter?: ContainerFilter, opts: CriCallOptions = {}): Promise<Container[]> {
    const res = await this.call<{ containers: Container[] }>('runtime', 'ListContainers', { filter }, opts);
    return res.containers;
  }

  /** Throws NotFound (see isNotFound) for an unknown id. */
  containerStatus(containerId: string, verbose = false, opts: CriCallOptions = {}): Promise<ContainerStatusResponse> {
    return this.call('runtime', 'ContainerStatus', { containerId, verbose }, opts);
  }

  async updateContainerResources(containerId: string, linux: LinuxContainerResources, opts: CriCallOptions = {}): Promise<void> {
    await this.call('runtime', 'UpdateContainerResources', { containerId, linux }, opts);
  }

  /** After the kubelet rotated a container's log file: the runtime reopens it. */
  async reopenContainerLog(containerId: string, opts: CriCallOptions = {}): Promise<void> {
    await this.call('runtime', 'ReopenContainerLog', { containerId }, opts);
  }

  /**
   * Runs `cmd` in the container and returns its output and exit code (a non-zero exit is a
   * result, not an error). `timeoutSeconds` 0 = no limit in the runtime; the call's deadline
   * is that plus the client default.
   */
  execSync(containerId: string, cmd: string[], timeoutSeconds = 0, opts: CriCallOptions = {}): Promise<ExecSyncResponse> {
    const timeoutMs = timeoutSeconds > 0 ? timeoutSeconds * 1000 + this.defaultTimeoutMs : 0;
    return this.call('runtime', 'ExecSync', { containerId, cmd, timeout: timeoutSeconds }, { timeoutMs, ...opts });
  }

  /** Streaming exec/attach/port-forward: the URL is served by the runtime's stream server, in the runtime's network namespace. */
  async exec(req: { containerId: string; cmd: string[]; tty?: boolean; stdin?: boolean; stdout?: boolean; stderr?: boolean }, opts: CriCallOptions = {}): Promise<string> {
    return (await this.call<{ url: string }>('runtime', 'Exec', req, opts)).url;
  }

  async attach(req: { containerId: string; stdin?: boolean; tty?: boolean; stdout?: boolean; stderr?: boolean }, opts: CriCallOptions = {}): Promise<string> {
    return (await this.call<{ url: string }>('runtime', 'Attach', req, opts)).url;
  }

  async portForward(podSandboxId: string, ports: number[], opts: CriCallOptions = {}): Promise<string> {
    return (await this.call<{ url: string }>('runtime', 'PortForward', { podSandboxId, port: ports }, opts)).url;
  }

  async containerStats(containerId: string, opts: CriCallOptions = {}): Promise<ContainerStats | null> {
    return (await this.call<{ stats: ContainerStats | null }>('runtime', 'ContainerStats', { containerId }, opts)).stats;
  }

  async listContainerStats(filter?: ContainerStatsFilter, opts: CriCallOptions = {}): Promise<ContainerStats[]> {
    return (await this.call<{ stats: ContainerStats[] }>('runtime', 'ListContainerStats', { filter }, opts)).stats;
  }

  // ---- images

  /** Pulls from the registry even when the image is present (the kubelet checks imageStatus first). Returns the image ref (id). */
  async pullImage(image: string | ImageSpec, auth?: AuthConfig, sandboxConfig?: PodSandboxConfig, opts: CriCallOptions = {}): Promise<string> {
    const spec = typeof image === 'string' ? { image } : image;
    const res = await this.call<{ imageRef: string }>('image', 'PullImage', { image: spec, auth, sandboxConfig }, { timeoutMs: this.pullTimeoutMs, ...opts });
    return res.imageRef;
  }

  async listImages(filter?: string | ImageSpec, opts: CriCallOptions = {}): Promise<Image[]> {
    const image = typeof filter === 'string' ? { image: filter } : filter;
    return (await this.call<{ images: Image[] }>('image', 'ListImages', { filter: image ? { image } : undefined }, opts)).images;
  }

  /** `image` is null when the runtime does not have it (not an error). */
  imageStatus(image: string | ImageSpec, verbose = false, opts: CriCallOptions = {}): Promise<ImageStatusResponse> {
    const spec = typeof image === 'string' ? { image } : image;
    return this.call('image', 'ImageStatus', { image: spec, verbose }, opts);
  }

  /** Idempotent. */
  async removeImage(image: string | ImageSpec, opts: CriCallOptions = {}): Promise<void> {
    const spec = typeof image === 'string' ? { image } : image;
    await this.call('image', 'RemoveImage', { image: spec }, opts);
  }

  async imageFsInfo(opts: CriCallOptions = {}): Promise<FilesystemUsage[]> {
    return (await this.call<{ imageFilesystems: FilesystemUsage[] }>('image', 'ImageFsInfo', {}, opts)).imageFilesystems;
  }

  // ---- plumbing

  private call<T>(service: 'runtime' | 'image', method: string, req: unknown, opts: CriCallOptions = {}): Promise<T> {
    const timeoutMs = opts.timeoutMs ?? this.defaultTimeoutMs;
    const client = (service === 'runtime' ? this.runtime : this.image) as unknown as Record<string, UnaryFn>;
    const callOpts: grpc.CallOptions = timeoutMs > 0 ? { deadline: Date.now() + timeoutMs } : {};
    return new Promise<T>((resolve, reject) => {
      if (opts.signal?.aborted) {
        reject(this.toError(method, { code: grpc.status.CANCELLED, details: 'aborted before the call', metadata: new grpc.Metadata() } as grpc.ServiceError, timeoutMs));
        return;
      }
      const onAbort = () => call.cancel();
      const call = client[method].call(client, req, new grpc.Metadata(), callOpts, (err, res) => {
        opts.signal?.removeEventListener('abort', onAbort);
        if (err) reject(this.toError(method, err, timeoutMs));
        else resolve(res as T);
      });
      opts.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private toError(method: string, err: grpc.ServiceError, timeoutMs: number): CriError {
    const details = err.details ?? err.message ?? '';
    const codeName = grpc.status[err.code] ?? String(err.code);
    if (looksDown(err) || (err.code === grpc.status.DEADLINE_EXCEEDED && !existsSync(this.socketPath))) {
      const why = existsSync(this.socketPath)
        ? `nothing answers on its socket ${this.socketPath} (${details})`
        : `its socket ${this.socketPath} does not exist`;
      return new CriError(
        `CRI ${method}: containerd is not running: ${why}. Start the node (k8ts agent, or k8ts server without --disable-agent), or see ${this.logHint} for why containerd stopped`,
        method, err.code, details, true);
    }
    if (err.code === grpc.status.DEADLINE_EXCEEDED) {
      return new CriError(`CRI ${method}: no answer from containerd within ${timeoutMs} ms (${details}); see ${this.logHint}`, method, err.code, details, false);
    }
    return new CriError(`CRI ${method}: ${codeName}: ${details}`, method, err.code, details, false);
  }
}
