// Encodes a JSON-form Kubernetes object as a protobuf body ("k8s\0" + runtime.Unknown), byte for byte as Go does.

import { messageForKind, messageType, type FieldType, type MessageType } from './schema.js';
import { GO_ZERO_TIME_SECONDS, parseDuration, parseTime } from './special.js';
import { ProtobufError, Writer, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT } from './wire.js';
import { PROTOBUF_MAGIC } from './decode.js';

/**
 * The protobuf body of `obj` (which must carry apiVersion and kind of a registered kind).
 * Go's rules: fields in number order, non-pointer scalars and structs always written, map entries
 * sorted by key. JSON keys the protobuf schema does not know are dropped, as upstream would.
 * Throws ProtobufError when a value has the wrong JSON type for its field.
 */
export function encodeKubernetesProtobuf(obj: Record<string, unknown>): Buffer {
  const { apiVersion, kind } = obj;
  if (typeof kind !== 'string' || kind === '') throw new ProtobufError("Object 'Kind' is missing");
  if (typeof apiVersion !== 'string' || apiVersion === '') throw new ProtobufError("Object 'apiVersion' is missing");
  const t = messageForKind(apiVersion, kind);
  if (!t) throw new ProtobufError(`no kind ${JSON.stringify(kind)} is registered for version ${JSON.stringify(apiVersion)}`);
  const w = new Writer();
  w.raw(PROTOBUF_MAGIC);
  // runtime.Unknown {typeMeta = 1 {apiVersion = 1, kind = 2}, raw = 2, contentEncoding = 3, contentType = 4}
  w.tag(1, WIRE_LEN);
  w.fork();
  w.tag(1, WIRE_LEN);
  w.string(apiVersion);
  w.tag(2, WIRE_LEN);
  w.string(kind);
  w.ldelim();
  w.tag(2, WIRE_LEN);
  w.fork();
  writeMessage(w, t, obj);
  w.ldelim();
  w.tag(3, WIRE_LEN);
  w.string('');
  w.tag(4, WIRE_LEN);
  w.string('');
  return w.finish();
}

/** The bytes of one message of the named type ("core.Pod"), without an envelope. */
export function encodeMessage(typeName: string, obj: unknown): Buffer {
  const w = new Writer();
  writeMessage(w, messageType(typeName), obj);
  return w.finish();
}

function typeError(t: MessageType, f: FieldType | undefined, want: string, got: unknown): never {
  const gotType = got === null ? 'null' : Array.isArray(got) ? 'array' : typeof got;
  throw new ProtobufError(`cannot encode ${t.name}${f ? '.' + f.json : ''}: expected ${want}, got ${gotType}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const EMPTY: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

/** Writes the fields of `v`, a JSON value of type t; null/undefined is Go's zero value, whose non-pointer fields are still written. */
function writeMessage(w: Writer, t: MessageType, v: unknown): void {
  if (t.special) return writeSpecial(w, t, v);
  if (v === undefined || v === null) return writeFields(w, t, EMPTY);
  if (!isObject(v)) typeError(t, undefined, 'an object', v);
  writeFields(w, t, v);
}

function writeFields(w: Writer, t: MessageType, obj: Record<string, unknown>): void {
  for (const f of t.wireOrder) {
    if (f.inline) {
      writeNested(w, f.no, f.msg!, obj);
      continue;
    }
    const v = obj[f.json];
    if (f.map) {
      if (v === undefined || v === null) continue;
      if (!isObject(v)) typeError(t, f, 'an object', v);
      const keys = Object.keys(v);
      if (keys.length > 1) keys.sort(compareUtf8);
      for (const k of keys) writeMapEntry(w, t, f, k, v[k]);
    } else if (f.repeated) {
      if (v === undefined || v === null) continue;
      if (!Array.isArray(v)) typeError(t, f, 'an array', v);
      for (const x of v) {
        if (f.msg) writeNested(w, f.no, f.msg, x);
        else writeScalar(w, t, f, x ?? zeroOf(f));
      }
    } else if (v === undefined || v === null) {
      if (f.ptr || f.scalar === 'bytes') continue; // nil pointer / nil slice: not on the wire
      if (f.msg) writeNested(w, f.no, f.msg, null);
      else writeScalar(w, t, f, zeroOf(f));
    } else if (f.msg) writeNested(w, f.no, f.msg, v);
    else writeScalar(w, t, f, v);
  }
}

function writeNested(w: Writer, no: number, t: MessageType, v: unknown): void {
  w.tag(no, WIRE_LEN);
  w.fork();
  writeMessage(w, t, v);
  w.ldelim();
}

function writeMapEntry(w: Writer, t: MessageType, f: FieldType, k: string, v: unknown): void {
  w.tag(f.no, WIRE_LEN);
  w.fork();
  w.tag(1, WIRE_LEN);
  w.string(k);
  if (f.msg) writeNested(w, 2, f.msg, v);
  else if (f.scalar === 'bytes') {
    if (v !== null && v !== undefined) writeScalarAt(w, t, f, 2, v);
  } else writeScalarAt(w, t, f, 2, v ?? zeroOf(f));
  w.ldelim();
}

function zeroOf(f: FieldType): unknown {
  switch (f.scalar) {
    case 'string':
      return '';
    case 'bool':
      return false;
    case 'bytes':
      return '';
    default:
      return 0;
  }
}

function writeScalar(w: Writer, t: MessageType, f: FieldType, v: unknown): void {
  writeScalarAt(w, t, f, f.no, v);
}

function writeScalarAt(w: Writer, t: MessageType, f: FieldType, no: number, v: unknown): void {
  switch (f.scalar) {
    case 'string':
      if (typeof v !== 'string') typeError(t, f, 'a string', v);
      w.tag(no, WIRE_LEN);
      w.string(v);
      return;
    case 'bytes':
      if (typeof v !== 'string') typeError(t, f, 'a base64 string', v);
      w.tag(no, WIRE_LEN);
      w.bytes(Buffer.from(v, 'base64'));
      return;
    case 'int32':
      if (typeof v !== 'number' || !Number.isInteger(v) || v < -2147483648 || v > 2147483647) typeError(t, f, 'a 32-bit integer', v);
      w.tag(no, WIRE_VARINT);
      w.varint64(v);
      return;
    case 'int64':
      if (typeof v === 'bigint') {
        w.tag(no, WIRE_VARINT);
        w.varint64(v);
        return;
      }
      if (typeof v !== 'number' || !Number.isInteger(v)) typeError(t, f, 'an integer', v);
      w.tag(no, WIRE_VARINT);
      w.varint64(v);
      return;
    case 'bool':
      if (typeof v !== 'boolean') typeError(t, f, 'a boolean', v);
      w.tag(no, WIRE_VARINT);
      w.uvarint(v ? 1 : 0);
      return;
    case 'double':
      if (typeof v !== 'number') typeError(t, f, 'a number', v);
      w.tag(no, WIRE_FIXED64);
      w.double(v);
      return;
  }
}

function writeSpecial(w: Writer, t: MessageType, v: unknown): void {
  switch (t.special) {
    case 'time':
    case 'microtime': {
      if (v === null || v === undefined) return;
      if (typeof v !== 'string') typeError(t, undefined, 'an RFC 3339 string', v);
      const tm = parseTime(v);
      if (!tm) return;
      const nanos = t.special === 'microtime' ? tm.nanos - (tm.nanos % 1000) : 0;
      if (tm.seconds === GO_ZERO_TIME_SECONDS && nanos === 0) return; // Go's zero time is an empty message
      w.tag(1, WIRE_VARINT);
      w.varint64(tm.seconds);
      w.tag(2, WIRE_VARINT);
      w.varint64(nanos);
      return;
    }
    case 'duration': {
      let ns = 0n;
      if (typeof v === 'string') ns = parseDuration(v);
      else if (v !== null && v !== undefined) typeError(t, undefined, 'a duration string', v);
      w.tag(1, WIRE_VARINT);
      w.varint64(ns);
      return;
    }
    case 'quantity': {
      let s = '0';
      if (typeof v === 'string') s = v;
      else if (typeof v === 'number' && Number.isFinite(v)) s = String(v);
      else if (v !== null && v !== undefined) typeError(t, undefined, 'a quantity string', v);
      w.tag(1, WIRE_LEN);
      w.string(s);
      return;
    }
    case 'intstr': {
      let type = 0;
      let intVal = 0;
      let strVal = '';
      if (typeof v === 'string') [type, strVal] = [1, v];
      else if (typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647) intVal = v;
      else if (v !== null && v !== undefined) typeError(t, undefined, 'an integer or a string', v);
      w.tag(1, WIRE_VARINT);
      w.uvarint(type);
      w.tag(2, WIRE_VARINT);
      w.varint64(intVal);
      w.tag(3, WIRE_LEN);
      w.string(strVal);
      return;
    }
    case 'rawjson': {
      if (v === null || v === undefined) return;
      w.tag(1, WIRE_LEN);
      w.bytes(Buffer.from(JSON.stringify(v), 'utf8'));
      return;
    }
    case 'strings': {
      if (v === null || v === undefined) return;
      if (!Array.isArray(v)) typeError(t, undefined, 'an array of strings', v);
      for (const s of v) {
        if (typeof s !== 'string') typeError(t, undefined, 'an array of strings', v);
        w.tag(1, WIRE_LEN);
        w.string(s);
      }
      return;
    }
  }
}

/** Go's sort.Strings order: bytewise on UTF-8. */
function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // UTF-16 order equals UTF-8 order except surrogates (U+D800–DFFF) against U+E000–FFFF
    if (x >= 0xd800 && y >= 0xd800) return Buffer.compare(Buffer.from(a.slice(i), 'utf8'), Buffer.from(b.slice(i), 'utf8'));
    return x - y;
  }
  return a.length - b.length;
}
