// EtcdClient: the few etcd v3 gRPC calls the EtcdStore makes, over several endpoints with failover.
//
// Contracts: calls go to one endpoint at a time (sticky) and move to the next when it is
// unreachable or has no leader. Reads are retried on any such failure; writes only when etcd
// cannot have received them (no connection, or "no leader"), so a write is never applied twice —
// an unknown outcome is thrown to the caller. Retries stop after `retryBudgetMs`. Messages use
// the etcd3 package's copy of etcd's .proto files; int64 fields are plain numbers (revisions stay
// far below 2^53), bytes are Buffers, enums are numbers.

import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface PbKeyValue {
  key: Buffer;
  create_revision: number;
  mod_revision: number;
  version: number;
  value: Buffer;
}
export interface PbHeader { revision: number }
export interface RangeRequest {
  key: Buffer;
  range_end?: Buffer;
  limit?: number;
  revision?: number;
  keys_only?: boolean;
  count_only?: boolean;
}
export interface RangeResponse { header: PbHeader; kvs: PbKeyValue[]; more: boolean; count: number }
export interface PutRequest { key: Buffer; value: Buffer; prev_kv?: boolean }
export interface PutResponse { header: PbHeader; prev_kv: PbKeyValue | null }
export interface DeleteRangeRequest { key: Buffer; range_end?: Buffer; prev_kv?: boolean }
export interface DeleteRangeResponse { header: PbHeader; deleted: number; prev_kvs: PbKeyValue[] }
/** result: 0 EQUAL; target: 1 CREATE, 2 MOD */
export interface Compare { result: number; target: number; key: Buffer; create_revision?: number; mod_revision?: number }
export interface RequestOp { request_range?: RangeRequest; request_put?: PutRequest; request_delete_range?: DeleteRangeRequest }
export interface ResponseOp {
  response_range?: RangeResponse | null;
  response_put?: PutResponse | null;
  response_delete_range?: DeleteRangeResponse | null;
}
export interface TxnRequest { compare: Compare[]; success: RequestOp[]; failure: RequestOp[] }
export interface TxnResponse { header: PbHeader; succeeded: boolean; responses: ResponseOp[] }
export interface CompactionRequest { revision: number; physical?: boolean }
export interface WatchCreateRequest {
  key: Buffer;
  range_end?: Buffer;
  start_revision?: number;
  progress_notify?: boolean;
  prev_kv?: boolean;
}
export interface WatchRequest { create_request?: WatchCreateRequest; cancel_request?: { watch_id: number } }
/** type: 0 PUT, 1 DELETE */
export interface PbEvent { type: number; kv: PbKeyValue; prev_kv: PbKeyValue | null }
export interface WatchResponse {
  header: PbHeader;
  watch_id: number;
  created: boolean;
  canceled: boolean;
  compact_revision: number;
  cancel_reason: string;
  events: PbEvent[];
}
export type WatchStream = grpc.ClientDuplexStream<WatchRequest, WatchResponse>;

type Unary<Req, Res> = (req: Req, meta: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: Res) => void) => grpc.ClientUnaryCall;
interface KVClient extends grpc.Client {
  Range: Unary<RangeRequest, RangeResponse>;
  Put: Unary<PutRequest, PutResponse>;
  DeleteRange: Unary<DeleteRangeRequest, DeleteRangeResponse>;
  Txn: Unary<TxnRequest, TxnResponse>;
  Compact: Unary<CompactionRequest, unknown>;
}
interface WatchClient extends grpc.Client {
  Watch(meta: grpc.Metadata, opts?: grpc.CallOptions): WatchStream;
}
type ClientCtor<T> = new (address: string, creds: grpc.ChannelCredentials, opts?: grpc.ClientOptions) => T;

let services: { KV: ClientCtor<KVClient>; Watch: ClientCtor<WatchClient> } | undefined;
function loadServices() {
  if (!services) {
    const protoDir = join(dirname(createRequire(import.meta.url).resolve('etcd3')), '..', 'proto');
    const def = protoLoader.loadSync(join(protoDir, 'rpc.proto'), { keepCase: true, longs: Number, defaults: true, oneofs: true });
    const pkg = grpc.loadPackageDefinition(def) as unknown as { etcdserverpb: { KV: ClientCtor<KVClient>; Watch: ClientCtor<WatchClient> } };
    services = { KV: pkg.etcdserverpb.KV, Watch: pkg.etcdserverpb.Watch };
  }
  return services;
}

const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.max_receive_message_length': -1,
  'grpc.max_send_message_length': -1,
  // notice a dead member under an idle watch; etcd accepts pings every 5 s or slower
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 2_000,
};

class Endpoint {
  readonly channel: grpc.Channel;
  readonly kv: KVClient;
  readonly watch: WatchClient;
  constructor(readonly address: string) {
    const { KV, Watch } = loadServices();
    const creds = grpc.credentials.createInsecure();
    this.channel = new grpc.Channel(address, creds, CHANNEL_OPTIONS);
    this.kv = new KV(address, creds, { channelOverride: this.channel });
    this.watch = new Watch(address, creds, { channelOverride: this.channel });
  }
  close(): void {
    this.kv.close();
    this.watch.close();
    this.channel.close();
  }
}

/** etcd could not have applied the request: it never got it, or it refused it for want of a leader. */
export function notDelivered(err: unknown): boolean {
  const e = err as grpc.ServiceError;
  if (e?.code !== grpc.status.UNAVAILABLE) return false;
  const d = `${e.details ?? ''} ${e.message ?? ''}`;
  return /No connection established|ECONNREFUSED|Connection refused|etcdserver: no leader|Failed to connect|name resolution/i.test(d);
}

/** The endpoint is unusable for now: unreachable, or cut off from the cluster's leader. */
export function endpointFailed(err: unknown): boolean {
  return (err as grpc.ServiceError)?.code === grpc.status.UNAVAILABLE;
}

export interface EtcdClientOptions {
  /** deadline of one unary call (default 10 s) */
  callTimeoutMs?: number;
  /** how long to keep retrying on other endpoints (default 5 s) */
  retryBudgetMs?: number;
}

export class EtcdClient {
  private readonly endpoints: Endpoint[];
  private active = 0;
  private closed = false;
  private readonly callTimeoutMs: number;
  private readonly retryBudgetMs: number;

  /** `hosts` are "host:port" (no scheme). */
  constructor(hosts: string[], opts: EtcdClientOptions = {}) {
    if (hosts.length === 0) throw new Error('etcd: no endpoints given');
    this.endpoints = hosts.map((h) => new Endpoint(h));
    this.callTimeoutMs = opts.callTimeoutMs ?? 10_000;
    this.retryBudgetMs = opts.retryBudgetMs ?? 5_000;
  }

  range(req: RangeRequest): Promise<RangeResponse> {
    return this.call('Range', req, true);
  }
  txn(req: TxnRequest): Promise<TxnResponse> {
    return this.call('Txn', req, false);
  }
  deleteRange(req: DeleteRangeRequest): Promise<DeleteRangeResponse> {
    return this.call('DeleteRange', req, false);
  }
  async compact(req: CompactionRequest): Promise<void> {
    await this.call('Compact', req, false);
  }

  /**
   * A new Watch stream on the current endpoint. The server ends it when the member loses its
   * leader; the caller reconnects (after reportFailure) and resumes from its last revision.
   */
  watchStream(): { stream: WatchStream; endpoint: number } {
    this.assertOpen();
    const meta = new grpc.Metadata();
    meta.set('hasleader', 'true');
    const endpoint = this.active;
    return { stream: this.endpoints[endpoint].watch.Watch(meta), endpoint };
  }

  /** Move off `endpoint` if it is still the current one. */
  reportFailure(endpoint: number): void {
    if (this.endpoints.length > 1 && this.active === endpoint) this.active = (endpoint + 1) % this.endpoints.length;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const e of this.endpoints) e.close();
  }

  private async call<Req, Res>(method: 'Range' | 'Txn' | 'DeleteRange' | 'Compact', req: Req, idempotent: boolean): Promise<Res> {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      this.assertOpen();
      const index = this.active;
      const ep = this.endpoints[index];
      try {
        return await new Promise<Res>((resolve, reject) => {
          const fn = ep.kv[method] as unknown as Unary<Req, Res>;
          fn.call(ep.kv, req, new grpc.Metadata(), { deadline: Date.now() + this.callTimeoutMs }, (err, res) => (err ? reject(err) : resolve(res!)));
        });
      } catch (err) {
        if (!endpointFailed(err)) throw err;
        this.reportFailure(index);
        const retry = idempotent || notDelivered(err);
        if (!retry || Date.now() - started > this.retryBudgetMs || this.closed) throw err;
        // a full round over the endpoints failed: wait before the next round
        if ((attempt + 1) % this.endpoints.length === 0) {
          await new Promise((r) => setTimeout(r, Math.min(50 * 2 ** Math.floor(attempt / this.endpoints.length), 1000)));
        }
      }
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('etcd client is closed');
  }
}
