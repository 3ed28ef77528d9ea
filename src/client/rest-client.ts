// A small REST client over keep-alive HTTPS from a kubeconfig: JSON requests and streaming watches.

import { Agent, request } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { readKubeconfig } from '../pki/kubeconfig.js';
import type { KObject } from '../api/strategy.js';
import type { WatchEvent } from './types.js';

export type { WatchEvent } from './types.js';

/** A non-2xx answer: `code` is the HTTP status, `status` the Kubernetes Status object the server sent (if any). */
export class ClientError extends Error {
  constructor(readonly code: number, readonly status: KObject | undefined, message: string) {
    super(message);
    this.name = 'ClientError';
  }

  /** the Status reason: NotFound, AlreadyExists, Conflict, Gone/Expired, Invalid, … ('' when none) */
  get reason(): string {
    return String(this.status?.reason ?? '');
  }
}

export function isNotFound(err: unknown): boolean {
  return err instanceof ClientError && err.code === 404;
}

/** 409 of either kind: AlreadyExists on create, Conflict on a stale resourceVersion */
export function isConflict(err: unknown): boolean {
  return err instanceof ClientError && err.code === 409;
}

export function isAlreadyExists(err: unknown): boolean {
  return err instanceof ClientError && err.code === 409 && err.reason === 'AlreadyExists';
}

/** 410 Gone / Expired: a resourceVersion or continue token that is too old */
export function isGone(err: unknown): boolean {
  return err instanceof ClientError && err.code === 410;
}

export class RestClient {
  private readonly agent: Agent;
  /** watches hold their connection for minutes: they get their own pool so requests never queue behind them */
  private readonly watchAgent: Agent;
  private readonly url: URL;

  constructor(server: string, private readonly tls: { ca?: string; cert?: string; key?: string; token?: string }, private readonly userAgent = 'k8ts') {
    this.url = new URL(server);
    this.agent = new Agent({ keepAlive: true, maxSockets: 32, ca: tls.ca, cert: tls.cert, key: tls.key });
    this.watchAgent = new Agent({ keepAlive: false, ca: tls.ca, cert: tls.cert, key: tls.key });
  }

  static async fromKubeconfig(path: string, userAgent?: string): Promise<RestClient> {
    const c = await readKubeconfig(path);
    return new RestClient(c.server, { ca: c.ca, cert: c.cert, key: c.key, token: c.token }, userAgent);
  }

  close(): void {
    this.agent.destroy();
    this.watchAgent.destroy();
  }

  /** One JSON request; non-2xx answers throw ClientError carrying the Status. */
  async do(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<KObject> {
    const res = await this.send(method, path, body, contentType);
    const text = await readAll(res);
    const parsed = text ? safeJson(text) : undefined;
    if ((res.statusCode ?? 0) >= 300) {
      throw new ClientError(res.statusCode ?? 0, parsed, parsed?.message ?? `${method} ${path}: HTTP ${res.statusCode}`);
    }
    return parsed ?? {};
  }

  get(path: string): Promise<KObject> {
    return this.do('GET', path);
  }

  /** Streams watch events until `signal` aborts or the server ends the watch; resolves then. */
  async watch(path: string, onEvent: (e: WatchEvent) => void, signal: AbortSignal): Promise<void> {
    const res = await this.send('GET', path, undefined, 'application/json', signal, this.watchAgent);
    if ((res.statusCode ?? 0) >= 300) {
      const text = await readAll(res);
      const st = safeJson(text);
      throw new ClientError(res.statusCode ?? 0, st, st?.message ?? `watch ${path}: HTTP ${res.statusCode}`);
    }
    await new Promise<void>((resolve) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (!line.trim()) continue;
          let e: WatchEvent;
          try {
            e = JSON.parse(line) as WatchEvent;
          } catch {
            res.destroy();
            return;
          }
          onEvent(e);
        }
      });
      res.on('end', resolve);
      res.on('error', () => resolve());
      res.on('close', resolve);
    });
  }

  private send(method: string, path: string, body: unknown, contentType: string, signal?: AbortSignal, agent = this.agent): Promise<IncomingMessage> {
    const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': this.userAgent };
    if (data !== undefined) {
      headers['Content-Type'] = contentType;
      headers['Content-Length'] = String(Buffer.byteLength(data));
    }
    if (this.tls.token) headers.Authorization = `Bearer ${this.tls.token}`;
    return new Promise((resolve, reject) => {
      const req = request({ host: this.url.hostname, port: this.url.port || 443, method, path, headers, agent, signal }, resolve);
      req.on('error', reject);
      if (data !== undefined) req.write(data);
      req.end();
    });
  }
}

function readAll(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let s = '';
    res.setEncoding('utf8');
    res.on('data', (d: string) => (s += d));
    res.on('end', () => resolve(s));
    res.on('error', reject);
  });
}

function safeJson(text: string): KObject | undefined {
  try {
    return JSON.parse(text) as KObject;
  } catch {
    return undefined;
  }
}
