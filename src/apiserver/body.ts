// Reads and decodes request bodies (JSON or YAML), with the upstream 3 MiB limit.

import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { ApiError, errors } from '../api/status.js';
import { decodeKubernetesProtobuf, PROTOBUF_MEDIA_TYPE } from '../api/protobuf/decode.js';
import { ProtobufError } from '../api/protobuf/wire.js';

export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) {
    req.resume();
    throw errors.tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      req.resume();
      throw errors.tooLarge();
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The media type without parameters, lower case: "application/json". */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

export const OBJECT_MEDIA_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];

/** Decodes a JSON or YAML body into one object; anything else is a 400 (bad syntax) or 415. */
export function decodeObject(body: Buffer, contentType: string | undefined): Record<string, unknown> {
  const mt = mediaType(contentType) || 'application/json';
  let value: unknown;
  if (mt === 'application/json') value = parseJson(body);
  else if (mt === 'application/yaml' || mt === 'application/x-yaml' || mt === 'text/yaml') value = parseYamlBody(body);
  else if (mt === PROTOBUF_MEDIA_TYPE) value = parseProtobuf(body);
  else throw errors.unsupportedMediaType(OBJECT_MEDIA_TYPES);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw errors.badRequest(`the object provided is unrecognized (must be of type Object): ${describe(value)}`);
  }
  checkDepth(value);
  return value as Record<string, unknown>;
}

/** Nesting deeper than any Kubernetes object needs; refused before recursive code sees it. */
export const MAX_DEPTH = 500;

/** Throws 400 when `value` nests deeper than MAX_DEPTH (checked iteratively, so it cannot overflow the stack). */
export function checkDepth(value: unknown): void {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (d > MAX_DEPTH) throw errors.badRequest(`the request body nests deeper than ${MAX_DEPTH} levels`);
    if (v && typeof v === 'object') for (const c of Object.values(v)) if (c && typeof c === 'object') stack.push([c, d + 1]);
  }
}

export function parseJson(body: Buffer): unknown {
  const text = body.toString('utf8');
  if (text.trim() === '') throw errors.badRequest('the object provided is unrecognized (must be of type Object): Object \'Kind\' is missing in \'\'');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ApiError(400, 'BadRequest', `couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
}

/** kubectl's typed clients send Kubernetes protobuf ("k8s\0" + runtime.Unknown); decoded to the JSON form. */
export function parseProtobuf(body: Buffer): unknown {
  try {
    return decodeKubernetesProtobuf(body);
  } catch (e) {
    if (e instanceof ProtobufError) throw errors.badRequest(e.message);
    throw e;
  }
}

export function parseYamlBody(body: Buffer): unknown {
  try {
    return parseYaml(body.toString('utf8'), { maxAliasCount: 100 });
  } catch (e) {
    throw new ApiError(400, 'BadRequest', `error converting YAML to JSON: ${(e as Error).message.split('\n')[0]}`);
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}
