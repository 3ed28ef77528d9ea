// Writing responses: JSON or YAML bodies, Status errors, warnings.

import type { ServerResponse } from 'node:http';
import { stringify as toYaml } from 'yaml';
import { ApiError, errors } from '../api/status.js';

export function send(res: ServerResponse, code: number, body: unknown, format: 'json' | 'yaml' = 'json'): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = format === 'yaml' ? toYaml(body) : JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': format === 'yaml' ? 'application/yaml' : 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
  });
  res.end(text);
}

export function sendText(res: ServerResponse, code: number, text: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' });
  res.end(text);
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const e = err as Error;
  console.error(`internal error: ${e?.stack ?? String(err)}`);
  return errors.internal(e?.message ?? String(err));
}

export function sendError(res: ServerResponse, err: unknown): void {
  const apiErr = toApiError(err);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  send(res, apiErr.code, apiErr.toStatus());
}

/** Adds upstream-style `Warning: 299 - "text"` headers. */
export function addWarnings(res: ServerResponse, warnings: string[]): void {
  if (!warnings.length || res.headersSent) return;
  const prev = res.getHeader('Warning');
  const list = prev ? (Array.isArray(prev) ? prev.map(String) : [String(prev)]) : [];
  // header values must be printable ASCII: anything else is escaped as \uXXXX
  for (const w of warnings) list.push(`299 - ${JSON.stringify(w).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}`);
  res.setHeader('Warning', list);
}
