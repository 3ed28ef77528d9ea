// Protobuf wire format: a bounds-checked reader and a length-delimiting writer (varint, fixed64, bytes).

/** Malformed or unrepresentable protobuf data; the API server turns it into a 400 BadRequest. */
export class ProtobufError extends Error {
  override name = 'ProtobufError';
}

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_START_GROUP = 3;
export const WIRE_END_GROUP = 4;
export const WIRE_FIXED32 = 5;

const TWO32 = 4294967296;

/**
 * Reads one buffer front to back. `end` bounds every read: callers narrow it to a
 * length-delimited field while reading inside it and restore it afterwards.
 */
export class Reader {
  pos: number;
  end: number;
  /** high 32 bits (signed) of the last varint read by varint() */
  hi = 0;

  constructor(readonly buf: Uint8Array, start = 0, end = buf.length) {
    this.pos = start;
    this.end = end;
  }

  private eof(): never {
    throw new ProtobufError('proto: unexpected EOF');
  }

  /** Reads a varint (up to 10 bytes); returns its low 32 bits as an unsigned number and keeps the high 32 in `hi`. */
  varint(): number {
    const buf = this.buf;
    let pos = this.pos;
    const end = this.end;
    if (pos >= end) this.eof();
    let b = buf[pos++];
    if (b < 0x80) {
      this.pos = pos;
      this.hi = 0;
      return b;
    }
    let lo = b & 0x7f;
    let hi = 0;
    let shift = 7;
    // bytes 2..4 fill bits 7..27 of lo
    for (; shift < 28; shift += 7) {
      if (pos >= end) this.eof();
      b = buf[pos++];
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        this.hi = 0;
        return lo >>> 0;
      }
    }
    // byte 5: 4 bits to lo, 3 bits to hi
    if (pos >= end) this.eof();
    b = buf[pos++];
    lo |= (b & 0x0f) << 28;
    hi = (b & 0x7f) >> 4;
    if (b >= 0x80) {
      for (shift = 3; ; shift += 7) {
        if (shift >= 38) throw new ProtobufError('proto: integer overflow');
        if (pos >= end) this.eof();
        b = buf[pos++];
        if (shift < 32) hi |= (b & 0x7f) << shift;
        if (b < 0x80) break;
      }
    }
    this.pos = pos;
    this.hi = hi | 0;
    return lo >>> 0;
  }

  /** A field key: [field number, wire type]. */
  tag(): number {
    const v = this.varint();
    if (this.hi !== 0 || v >>> 3 === 0) throw new ProtobufError(`proto: illegal tag ${this.hi !== 0 ? '(too large)' : v >>> 3}`);
    return v;
  }

  int32(): number {
    return this.varint() | 0;
  }

  /** int64 as a JS number (exact up to 2^53). */
  int64(): number {
    const lo = this.varint();
    return this.hi * TWO32 + lo;
  }

  /** int64 exactly. */
  int64Big(): bigint {
    const lo = this.varint();
    return (BigInt(this.hi) << 32n) | BigInt(lo);
  }

  bool(): boolean {
    const lo = this.varint();
    return lo !== 0 || this.hi !== 0;
  }

  double(): number {
    if (this.pos + 8 > this.end) this.eof();
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).getFloat64(0, true);
    this.pos += 8;
    return v;
  }

  /** The length prefix of a length-delimited field, checked against the bytes left. */
  length(): number {
    const n = this.varint();
    if (this.hi !== 0 || n > 0x7fffffff) throw new ProtobufError('proto: negative length found during unmarshaling');
    if (this.pos + n > this.end) this.eof();
    return n;
  }

  bytes(): Uint8Array {
    const n = this.length();
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  string(): string {
    const n = this.length();
    const start = this.pos;
    this.pos += n;
    return utf8Decode(this.buf, start, start + n);
  }

  /** Skips the value of a field with the given wire type (groups included, as gogo does). */
  skip(wireType: number, depth = 0): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_FIXED64:
        if (this.pos + 8 > this.end) this.eof();
        this.pos += 8;
        return;
      case WIRE_LEN:
        this.pos += this.length();
        return;
      case WIRE_FIXED32:
        if (this.pos + 4 > this.end) this.eof();
        this.pos += 4;
        return;
      case WIRE_START_GROUP: {
        if (depth > 64) throw new ProtobufError('proto: groups nested too deep');
        for (;;) {
          const t = this.tag();
          if ((t & 7) === WIRE_END_GROUP) return;
          this.skip(t & 7, depth + 1);
        }
      }
      case WIRE_END_GROUP:
        throw new ProtobufError('proto: unexpected end group');
      default:
        throw new ProtobufError(`proto: illegal wireType ${wireType}`);
    }
  }
}

const decoder = new TextDecoder('utf-8'); // replaces invalid sequences with U+FFFD, as Go's JSON encoder does

function utf8Decode(buf: Uint8Array, start: number, end: number): string {
  // short ASCII strings (names, labels) are the common case; skip TextDecoder for them
  if (end - start < 32) {
    let s = '';
    for (let i = start; i < end; i++) {
      const c = buf[i];
      if (c >= 0x80) return decoder.decode(buf.subarray(start, end));
      s += String.fromCharCode(c);
    }
    return s;
  }
  return decoder.decode(buf.subarray(start, end));
}

/**
 * Builds a message front to back. fork() starts a length-delimited part; ldelim() closes it and
 * writes its length in front of it, so nested messages need no size pass.
 */
export class Writer {
  private chunks: Uint8Array[] = [];
  private len = 0;
  private cur: Uint8Array = new Uint8Array(256);
  private curPos = 0;
  private stack: { chunks: Uint8Array[]; len: number }[] = [];

  private flushCur(): void {
    if (this.curPos > 0) {
      this.chunks.push(this.cur.subarray(0, this.curPos));
      this.cur = this.cur.subarray(this.curPos);
      this.curPos = 0;
    }
  }

  private ensure(n: number): void {
    if (this.curPos + n > this.cur.length) {
      this.flushCur();
      this.cur = new Uint8Array(Math.max(n, 4096));
    }
  }

  /** Unsigned varint of a non-negative integer up to 2^53. */
  uvarint(v: number): void {
    this.ensure(10);
    const cur = this.cur;
    let p = this.curPos;
    while (v >= 0x80) {
      cur[p++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    cur[p++] = v;
    this.len += p - this.curPos;
    this.curPos = p;
  }

  /** Varint of a signed 64-bit integer (negative values take 10 bytes, as Go writes them). */
  varint64(v: number | bigint): void {
    if (typeof v === 'number' && v >= 0 && v <= Number.MAX_SAFE_INTEGER) return this.uvarint(v);
    let u = BigInt.asUintN(64, BigInt(v));
    this.ensure(10);
    const cur = this.cur;
    let p = this.curPos;
    while (u >= 0x80n) {
      cur[p++] = Number(u & 0x7fn) | 0x80;
      u >>= 7n;
    }
    cur[p++] = Number(u);
    this.len += p - this.curPos;
    this.curPos = p;
  }

  tag(no: number, wireType: number): void {
    this.uvarint(no * 8 + wireType);
  }

  double(v: number): void {
    this.ensure(8);
    new DataView(this.cur.buffer, this.cur.byteOffset + this.curPos, 8).setFloat64(0, v, true);
    this.curPos += 8;
    this.len += 8;
  }

  raw(b: Uint8Array): void {
    if (b.length <= 64) {
      this.ensure(b.length);
      this.cur.set(b, this.curPos);
      this.curPos += b.length;
    } else {
      this.flushCur();
      this.chunks.push(b);
    }
    this.len += b.length;
  }

  /** Length-prefixed bytes. */
  bytes(b: Uint8Array): void {
    this.uvarint(b.length);
    this.raw(b);
  }

  string(s: string): void {
    let ascii = s.length <= 64;
    for (let i = 0; ascii && i < s.length; i++) if (s.charCodeAt(i) >= 0x80) ascii = false;
    if (!ascii) return this.bytes(Buffer.from(s, 'utf8'));
    this.uvarint(s.length);
    this.ensure(s.length);
    const cur = this.cur;
    let p = this.curPos;
    for (let i = 0; i < s.length; i++) cur[p++] = s.charCodeAt(i);
    this.curPos = p;
    this.len += s.length;
  }

  fork(): void {
    this.flushCur();
    this.stack.push({ chunks: this.chunks, len: this.len });
    this.chunks = [];
    this.len = 0;
  }

  /** Closes the part opened by the matching fork(), prefixing it with its length. */
  ldelim(): void {
    this.flushCur();
    const inner = this.chunks;
    const innerLen = this.len;
    const outer = this.stack.pop();
    if (!outer) throw new Error('Writer.ldelim without fork');
    this.chunks = outer.chunks;
    this.len = outer.len;
    this.uvarint(innerLen);
    this.flushCur();
    for (const c of inner) this.chunks.push(c);
    this.len += innerLen;
  }

  finish(): Buffer {
    if (this.stack.length) throw new Error('Writer.finish with an open fork');
    this.flushCur();
    return Buffer.concat(this.chunks, this.len);
  }
}
