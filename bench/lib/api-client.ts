// A small benchmark client for the k8ts API: keep-alive HTTPS with the admin client certificate, plus streaming watches.
//
// Contracts: requests share one keep-alive agent (at most `maxSockets` connections, each one TLS
// handshake, reused); watches get their own connection each (they hold it for their lifetime).
// Nothing here retries: a benchmark must see every failure.

import { Agent, request } from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ApiResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** request start → last body byte, ms */
  ms: number;
}

export class HttpError extends Error {
  constructor(readonly status: number, readonly body: string, what: string) {
    super(`${what}: HTTP ${status}: ${body.slice(0, 300)}`);
    this.name = 'HttpError';
  }
}

export interface WatchHandle {
  /** number of complete lines received so far */
  readonly lines: number;
  close(): void;
  /** resolves when the server ends the stream or close() is called */
  readonly ended: Promise<void>;
}

export class ApiClient {
  private readonly url: URL;
  private readonly tls: { ca: Buffer; cert: Buffer; key: Buffer };
  readonly agent: Agent;
  private readonly watchAgent: Agent;

  /** `dataDir` is the server's: the admin certificate is read from `<dataDir>/tls/`. */
  constructor(server: string, dataDir: string, maxSockets = 64) {
    this.url = new URL(server);
    const tls = join(dataDir, 'tls');
    this.tls = { ca: readFileSync(join(tls, 'ca.crt')), cert: readFileSync(join(tls, 'admin.crt')), key: readFileSync(join(tls, 'admin.key')) };
    this.agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'fifo', ...this.tls });
    this.watchAgent = new Agent({ keepAlive: false, maxSockets: Infinity, ...this.tls });
  }

  /** Opens `n` connections now (so TLS handshakes are not timed later). */
  async warm(n: number): Promise<void> {
    await Promise.all(Array.from({ length: n }, () => this.request('GET', '/api/v1/namespaces/default')));
  }

  request(method: string, path: string, body?: unknown, contentType = 'application/json', accept = 'application/json'): Promise<ApiResponse> {
    const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : typeof body === 'string' ? Buffer.from(body) : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string | number> = { Accept: accept };
    if (payload) {
      headers['Content-Type'] = contentType;
      headers['Content-Length'] = payload.length;
    }
    return new Promise((resolve, reject) => {
      const t0 = performance.now();
      const req = request({ host: this.url.hostname, port: Number(this.url.port), method, path, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks), ms: performance.now() - t0 }));
      });
      req.on('socket', (s) => s.setNoDelay(true));
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** A request that must answer 2xx; returns the parsed JSON body. */
  async json<T = any>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> {
    const res = await this.request(method, path, body, contentType);
    if (res.status < 200 || res.status >= 300) throw new HttpError(res.status, res.body.toString(), `${method} ${path}`);
    return JSON.parse(res.body.toString()) as T;
  }

  /**
   * Starts a watch; resolves once the server answered 200 (its subscription exists by then).
   * `onLine` gets each JSON line (unparsed) with the time it was split off the stream.
   */
  watch(path: string, onLine: (line: string, at: number) => void): Promise<WatchHandle> {
    return new Promise((resolve, reject) => {
      let lines = 0;
      let endedResolve!: () => void;
      const ended = new Promise<void>((r) => (endedResolve = r));
      const req = request({ host: this.url.hostname, port: Number(this.url.port), method: 'GET', path, headers: { Accept: 'application/json' }, agent: this.watchAgent }, (res: IncomingMessage) => {
        if (res.statusCode !== 200) {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (body += d));
          res.on('end', () => reject(new HttpError(res.statusCode ?? 0, body, `watch ${path}`)));
          return;
        }
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          const at = performance.now();
          buf += d;
          let nl: number;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl);
            buf = buf.slice(nl + 1);
            if (line) {
              lines++;
              onLine(line, at);
            }
          }
        });
        res.on('end', endedResolve);
        res.on('close', endedResolve);
        res.on('error', endedResolve);
        resolve({ get lines() { return lines; }, close: () => req.destroy(), ended });
      });
      req.on('socket', (s) => s.setNoDelay(true));
      req.on('error', (err) => {
        endedResolve();
        reject(err);
      });
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
    this.watchAgent.destroy();
  }
}
