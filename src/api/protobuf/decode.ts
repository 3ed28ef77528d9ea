// Decodes Kubernetes protobuf bodies ("k8s\0" + runtime.Unknown) into the JSON object form the server uses.

import { messageForKind, messageType, type FieldType, type MessageType } from './schema.js';
import { checkQuantity, formatDuration, formatMicroTime, formatTime } from './special.js';
import { ProtobufError, Reader, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT } from './wire.js';

export { ProtobufError } from './wire.js';

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

/** The 4 bytes every Kubernetes protobuf body starts with. */
export const PROTOBUF_MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]); // "k8s\0"

const MAX_DEPTH = 100;

export function isKubernetesProtobuf(body: Uint8Array): boolean {
  return body.length >= 4 && body[0] === 0x6b && body[1] === 0x38 && body[2] === 0x73 && body[3] === 0x00;
}

/**
 * Decodes one protobuf-encoded object into its JSON form: kind and apiVersion from the envelope,
 * then the object's fields as Go's JSON encoding of the same object would have them.
 * Throws ProtobufError (→ 400) on bad magic, truncated or malformed data, or an unregistered kind.
 */
export function decodeKubernetesProtobuf(body: Uint8Array): Record<string, unknown> {
  return decodeEnvelope(body, 0);
}

/** Decodes the bytes of one message of the named type ("core.Pod") without an envelope. */
export function decodeMessage(typeName: string, bytes: Uint8Array): Record<string, unknown> {
  const t = messageType(typeName);
  const r = new Reader(bytes);
  const acc = newAcc(t);
  readInto(r, t, acc, 0);
  return toJson(t, acc, 0) as Record<string, unknown>;
}

function decodeEnvelope(body: Uint8Array, depth: number): Record<string, unknown> {
  if (!isKubernetesProtobuf(body)) {
    throw new ProtobufError('provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]');
  }
  const r = new Reader(body, 4);
  let apiVersion = '';
  let kind = '';
  let raw: Uint8Array | undefined;
  let contentEncoding = '';
  let contentType = '';
  while (r.pos < r.end) {
    const key = r.tag();
    const no = key >>> 3;
    const wt = key & 7;
    if (no >= 1 && no <= 4 && wt !== WIRE_LEN) throw new ProtobufError(`proto: wrong wireType = ${wt} for field ${['', 'TypeMeta', 'Raw', 'ContentEncoding', 'ContentType'][no]}`);
    if (no === 1) {
      const len = r.length();
      const outer = r.end;
      r.end = r.pos + len;
      while (r.pos < r.end) {
        const k = r.tag();
        if ((k >>> 3 === 1 || k >>> 3 === 2) && (k & 7) !== WIRE_LEN) throw new ProtobufError(`proto: wrong wireType = ${k & 7} for field ${k >>> 3 === 1 ? 'APIVersion' : 'Kind'}`);
        if (k >>> 3 === 1) apiVersion = r.string();
        else if (k >>> 3 === 2) kind = r.string();
        else r.skip(k & 7);
      }
      r.end = outer;
    } else if (no === 2) raw = r.bytes();
    else if (no === 3) contentEncoding = r.string();
    else if (no === 4) contentType = r.string();
    else r.skip(wt);
  }
  if (contentEncoding !== '') throw new ProtobufError(`unsupported content encoding ${JSON.stringify(contentEncoding)} in protobuf envelope`);
  if (contentType !== '' && contentType !== PROTOBUF_MEDIA_TYPE) throw new ProtobufError(`unsupported content type ${JSON.stringify(contentType)} in protobuf envelope`);
  if (kind === '') throw new ProtobufError("Object 'Kind' is missing in protobuf envelope");
  if (apiVersion === '') throw new ProtobufError("Object 'apiVersion' is missing in protobuf envelope");
  const t = messageForKind(apiVersion, kind);
  if (!t) throw new ProtobufError(`no kind ${JSON.stringify(kind)} is registered for version ${JSON.stringify(apiVersion)}`);
  const acc = newAcc(t);
  if (raw) readInto(new Reader(raw), t, acc, depth);
  return { kind, apiVersion, ...(toJson(t, acc, depth) as Record<string, unknown>) };
}

// ---- reading: wire → accumulated field values -----------------------------------------------------
// An accumulator holds one slot per field (by FieldType.index): undefined = not on the wire; a scalar;
// a child accumulator for a message; an array for a repeated field; a Map for a map field. Repeated
// occurrences of a singular message field merge into one accumulator, as gogo's Unmarshal does.

type Acc = unknown[];

function newAcc(t: MessageType): Acc {
  return new Array(t.fields.length);
}

function wrongWireType(wt: number, f: FieldType, t: MessageType): never {
  throw new ProtobufError(`proto: wrong wireType = ${wt} for field ${f.json} of ${t.name}`);
}

function wireTypeOf(f: FieldType): number {
  switch (f.scalar) {
    case 'int32':
    case 'int64':
    case 'bool':
      return WIRE_VARINT;
    case 'double':
      return WIRE_FIXED64;
    default:
      return WIRE_LEN; // string, bytes, messages
  }
}

function readScalar(r: Reader, f: FieldType, t: MessageType): unknown {
  switch (f.scalar) {
    case 'string':
      return r.string();
    case 'bytes':
      return r.bytes();
    case 'int32':
      return r.int32();
    case 'int64':
      return t.special === 'duration' ? r.int64Big() : r.int64();
    case 'bool':
      return r.bool();
    case 'double':
      return r.double();
  }
  throw new Error(`unreachable: field ${f.json} has no scalar kind`);
}

function readMessage(r: Reader, t: MessageType, acc: Acc, depth: number): void {
  const len = r.length();
  const outer = r.end;
  r.end = r.pos + len;
  readInto(r, t, acc, depth + 1);
  r.end = outer;
}

function readInto(r: Reader, t: MessageType, acc: Acc, depth: number): void {
  if (depth > MAX_DEPTH) throw new ProtobufError('proto: message nested too deep');
  while (r.pos < r.end) {
    const key = r.tag();
    const f = t.byNumber.get(key >>> 3);
    const wt = key & 7;
    if (f === undefined) {
      r.skip(wt);
      continue;
    }
    if (f.map) {
      if (wt !== WIRE_LEN) wrongWireType(wt, f, t);
      const m = (acc[f.index] ??= new Map<string, unknown>()) as Map<string, unknown>;
      readMapEntry(r, f, t, m, depth);
    } else if (f.msg) {
      if (wt !== WIRE_LEN) wrongWireType(wt, f, t);
      if (f.repeated) {
        const child = newAcc(f.msg);
        readMessage(r, f.msg, child, depth);
        ((acc[f.index] ??= []) as Acc[]).push(child);
      } else {
        readMessage(r, f.msg, (acc[f.index] ??= newAcc(f.msg)) as Acc, depth);
      }
    } else {
      const want = wireTypeOf(f);
      if (f.repeated) {
        const list = (acc[f.index] ??= []) as unknown[];
        if (wt === WIRE_LEN && want !== WIRE_LEN) {
          // packed
          const len = r.length();
          const outer = r.end;
          r.end = r.pos + len;
          while (r.pos < r.end) list.push(readScalar(r, f, t));
          r.end = outer;
        } else {
          if (wt !== want) wrongWireType(wt, f, t);
          list.push(readScalar(r, f, t));
        }
      } else {
        if (wt !== want) wrongWireType(wt, f, t);
        acc[f.index] = readScalar(r, f, t);
      }
    }
  }
  if (r.pos !== r.end) throw new ProtobufError('proto: unexpected EOF');
}

const NO_VALUE = Symbol('no value');

function readMapEntry(r: Reader, f: FieldType, t: MessageType, m: Map<string, unknown>, depth: number): void {
  const len = r.length();
  const outer = r.end;
  r.end = r.pos + len;
  let k = '';
  let v: unknown = NO_VALUE;
  while (r.pos < r.end) {
    const key = r.tag();
    const no = key >>> 3;
    const wt = key & 7;
    if (no === 1) {
      if (wt !== WIRE_LEN) throw new ProtobufError(`proto: wrong wireType = ${wt} for map key of ${t.name}.${f.json}`);
      k = r.string();
    } else if (no === 2) {
      if (f.msg) {
        if (wt !== WIRE_LEN) wrongWireType(wt, f, t);
        v = newAcc(f.msg);
        readMessage(r, f.msg, v as Acc, depth);
      } else {
        if (wt !== wireTypeOf(f)) wrongWireType(wt, f, t);
        v = readScalar(r, f, t);
      }
    } else r.skip(wt);
  }
  r.end = outer;
  m.set(k, v);
}

// ---- output: accumulated values → JSON, following Go's encoding/json rules ---------------------

function toJson(t: MessageType, acc: Acc, depth: number): unknown {
  if (t.special) return specialJson(t, acc, depth);
  const out: Record<string, unknown> = {};
  const fields = t.fields;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    const v = acc[i];
    if (f.inline) {
      Object.assign(out, toJson(f.msg!, (v as Acc | undefined) ?? newAcc(f.msg!), depth));
    } else if (f.map) {
      const m = v as Map<string, unknown> | undefined;
      if (!m || m.size === 0) {
        if (!f.omitEmpty) out[f.json] = null;
        continue;
      }
      const o: Record<string, unknown> = {};
      for (const [k, val] of m) setKey(o, k, mapValueJson(f, val, depth));
      out[f.json] = o;
    } else if (f.repeated) {
      const list = v as unknown[] | undefined;
      if (!list || list.length === 0) {
        if (!f.omitEmpty) out[f.json] = null;
        continue;
      }
      out[f.json] = f.msg ? list.map((x) => toJson(f.msg!, x as Acc, depth + 1)) : list.map((x) => scalarJson(f, x));
    } else if (v === undefined) {
      // not on the wire: what Go's zero value looks like in JSON
      if (f.ptr || f.scalar === 'bytes') {
        if (!f.omitEmpty) out[f.json] = null;
      } else if (f.msg) out[f.json] = toJson(f.msg, newAcc(f.msg), depth + 1);
      else if (!f.omitEmpty) out[f.json] = zeroOf(f);
    } else if (f.msg) {
      out[f.json] = toJson(f.msg, v as Acc, depth + 1);
    } else if (!f.ptr && f.omitEmpty && isZero(v)) {
      continue;
    } else {
      out[f.json] = scalarJson(f, v);
    }
  }
  return out;
}

/** Sets an own property even for "__proto__" (map keys come from the wire). */
function setKey(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

function mapValueJson(f: FieldType, v: unknown, depth: number): unknown {
  if (v === NO_VALUE) {
    if (f.msg) return toJson(f.msg, newAcc(f.msg), depth + 1);
    return f.scalar === 'bytes' ? null : zeroOf(f);
  }
  return f.msg ? toJson(f.msg, v as Acc, depth + 1) : scalarJson(f, v);
}

function zeroOf(f: FieldType): unknown {
  switch (f.scalar) {
    case 'string':
      return '';
    case 'bool':
      return false;
    default:
      return 0;
  }
}

function isZero(v: unknown): boolean {
  return v === '' || v === 0 || v === false || (v instanceof Uint8Array && v.length === 0);
}

function scalarJson(f: FieldType, v: unknown): unknown {
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.length).toString('base64');
  if (typeof v === 'number' && !Number.isFinite(v)) throw new ProtobufError(`json: unsupported value: ${v} (field ${f.json})`);
  return v;
}

function specialJson(t: MessageType, acc: Acc, depth: number): unknown {
  switch (t.special) {
    case 'time':
      if (acc[0] === undefined && acc[1] === undefined) return null;
      return formatTime((acc[0] as number | undefined) ?? 0);
    case 'microtime':
      if (acc[0] === undefined && acc[1] === undefined) return null;
      return formatMicroTime((acc[0] as number | undefined) ?? 0, (acc[1] as number | undefined) ?? 0);
    case 'duration':
      return formatDuration((acc[0] as bigint | undefined) ?? 0n);
    case 'quantity':
      return acc[0] === undefined ? '0' : checkQuantity(acc[0] as string);
    case 'intstr': {
      const type = (acc[0] as number | undefined) ?? 0;
      if (type === 0) return (acc[1] as number | undefined) ?? 0;
      if (type === 1) return (acc[2] as string | undefined) ?? '';
      throw new ProtobufError('impossible IntOrString.Type');
    }
    case 'strings': {
      const items = acc[0] as string[] | undefined;
      return items && items.length ? items : null;
    }
    case 'rawjson':
      return rawJson(acc[0] as Uint8Array | undefined, depth);
  }
  throw new Error(`unreachable: special ${t.special}`);
}

function rawJson(raw: Uint8Array | undefined, depth: number): unknown {
  if (raw === undefined || raw.length === 0) return null;
  if (isKubernetesProtobuf(raw)) return decodeEnvelope(raw, depth + 1);
  try {
    return JSON.parse(Buffer.from(raw.buffer, raw.byteOffset, raw.length).toString('utf8'));
  } catch (e) {
    throw new ProtobufError(`raw field holds invalid JSON: ${(e as Error).message}`);
  }
}
