// Decoder contract: clear errors for bad input, never a crash or a hang (fuzzed), and a consistent schema.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeKubernetesProtobuf, isKubernetesProtobuf, ProtobufError } from './decode.js';
import { encodeKubernetesProtobuf } from './encode.js';
import { MESSAGES, SPECIAL_TYPES, KINDS, PACKAGES, messageForKind, messageType } from './schema.js';
import { RESOURCES, apiVersionOf } from '../resources.js';
import { FIXTURES } from './test-fixtures.js';

/** A body as kubectl builds it: magic, then Unknown {typeMeta, raw, contentEncoding, contentType}. */
function envelope(apiVersion: string, kind: string, raw: Buffer, extra: number[] = [0x1a, 0x00, 0x22, 0x00]): Buffer {
  const tm = Buffer.concat([Buffer.from([0x0a, apiVersion.length]), Buffer.from(apiVersion), Buffer.from([0x12, kind.length]), Buffer.from(kind)]);
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), Buffer.from([0x0a, tm.length]), tm, Buffer.from([0x12, raw.length]), raw, Buffer.from(extra)]);
}

test('decodes a hand-built ConfigMap body', () => {
  // ConfigMap {metadata = 1 {name = 1 "x"}, data = 2 {key = 1 "a", value = 2 "1"}}
  const raw = Buffer.from([0x0a, 0x03, 0x0a, 0x01, 0x78, 0x12, 0x06, 0x0a, 0x01, 0x61, 0x12, 0x01, 0x31]);
  assert.deepEqual(decodeKubernetesProtobuf(envelope('v1', 'ConfigMap', raw)), { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'x', creationTimestamp: null }, data: { a: '1' } });
});

test('errors: bad magic, missing kind, unknown kind, truncation, wrong wire type', () => {
  const isPb = (re: RegExp) => (e: unknown) => e instanceof ProtobufError && re.test(e.message);
  assert.throws(() => decodeKubernetesProtobuf(Buffer.from('{"kind":"Pod"}')), isPb(/does not appear to be a protobuf message, expected prefix \[107 56 115 0\]/));
  assert.throws(() => decodeKubernetesProtobuf(Buffer.from('k8s')), isPb(/does not appear to be a protobuf message/));
  assert.throws(() => decodeKubernetesProtobuf(Buffer.from('k8s\0', 'latin1')), isPb(/Object 'Kind' is missing/));
  assert.throws(() => decodeKubernetesProtobuf(envelope('v1', 'Widget', Buffer.alloc(0))), isPb(/^no kind "Widget" is registered for version "v1"$/));
  assert.throws(() => decodeKubernetesProtobuf(envelope('widgets.example.com/v1', 'Widget', Buffer.alloc(0))), isPb(/no kind "Widget" is registered for version "widgets.example.com\/v1"/));
  assert.throws(() => decodeKubernetesProtobuf(envelope('', 'Pod', Buffer.alloc(0))), isPb(/apiVersion' is missing/));
  // name's length says 5, only 1 byte follows
  assert.throws(() => decodeKubernetesProtobuf(envelope('v1', 'ConfigMap', Buffer.from([0x0a, 0x03, 0x0a, 0x05, 0x78]))), isPb(/unexpected EOF/));
  // metadata sent as a varint
  assert.throws(() => decodeKubernetesProtobuf(envelope('v1', 'ConfigMap', Buffer.from([0x08, 0x01]))), isPb(/wrong wireType = 0 for field metadata of core.ConfigMap/));
  // a varint running past the end
  assert.throws(() => decodeKubernetesProtobuf(envelope('apps/v1', 'Deployment', Buffer.from([0x12, 0x02, 0x08, 0xff]))), isPb(/unexpected EOF/));
  // an 11-byte varint
  assert.throws(() => decodeKubernetesProtobuf(envelope('apps/v1', 'Deployment', Buffer.from([0x12, 0x0c, 0x08, ...Array(10).fill(0xff), 0x01]))), isPb(/overflow/));
  // field number 0
  assert.throws(() => decodeKubernetesProtobuf(envelope('v1', 'ConfigMap', Buffer.from([0x02, 0x00]))), isPb(/illegal tag 0/));
  // compressed or foreign payloads are refused, not misread
  assert.throws(() => decodeKubernetesProtobuf(envelope('v1', 'ConfigMap', Buffer.alloc(0), [0x1a, 0x04, ...Buffer.from('gzip')])), isPb(/content encoding "gzip"/));
  // bad quantity, bad IntOrString type, bad JSON in a RawExtension
  const q = Buffer.from([0x0a, 0x00, 0x12, 0x0e, 0x0a, 0x0c, 0x0a, 0x04, ...Buffer.from('pods'), 0x12, 0x04, 0x0a, 0x02, ...Buffer.from('x1')]);
  assert.throws(() => decodeKubernetesProtobuf(envelope('v1', 'ResourceQuota', q)), isPb(/quantities must match/));
  const badRaw = Buffer.from([0x12, 0x03, 0x0a, 0x01, 0x7b]);
  assert.throws(() => decodeKubernetesProtobuf(envelope('apps/v1', 'ControllerRevision', badRaw)), isPb(/invalid JSON/));
});

test('unknown fields are skipped (newer clients), including groups and fixed-width values', () => {
  // ConfigMap with field 99 (varint), 100 (fixed64), 101 (fixed32), 102 (group with a varint inside), then data
  const raw = Buffer.from([0x98, 0x06, 0x05, 0xa1, 0x06, 1, 2, 3, 4, 5, 6, 7, 8, 0xad, 0x06, 1, 2, 3, 4, 0xb3, 0x06, 0x08, 0x01, 0xb4, 0x06, 0x12, 0x06, 0x0a, 0x01, 0x61, 0x12, 0x01, 0x31]);
  assert.deepEqual(decodeKubernetesProtobuf(envelope('v1', 'ConfigMap', raw)).data, { a: '1' });
});

test('repeated scalars are accepted packed as well as unpacked', () => {
  // PodSecurityContext.supplementalGroups = 4 (int64): Pod {spec = 2 {securityContext = 14 {4: [1, 2, 300]}}}
  const unpacked = Buffer.from([0x20, 0x01, 0x20, 0x02, 0x20, 0xac, 0x02]);
  const packed = Buffer.from([0x22, 0x04, 0x01, 0x02, 0xac, 0x02]);
  for (const sc of [unpacked, packed]) {
    const spec = Buffer.concat([Buffer.from([0x72, sc.length]), sc]);
    const pod = decodeKubernetesProtobuf(envelope('v1', 'Pod', Buffer.concat([Buffer.from([0x12, spec.length]), spec])));
    assert.deepEqual((pod.spec as { securityContext: unknown }).securityContext, { supplementalGroups: [1, 2, 300] });
  }
});

test('a singular message field sent twice is merged, as gogo does', () => {
  // ConfigMap {metadata {name "x"}, metadata {namespace "ns"}}
  const raw = Buffer.from([0x0a, 0x03, 0x0a, 0x01, 0x78, 0x0a, 0x04, 0x1a, 0x02, 0x6e, 0x73]);
  assert.deepEqual(decodeKubernetesProtobuf(envelope('v1', 'ConfigMap', raw)).metadata, { name: 'x', namespace: 'ns', creationTimestamp: null });
});

// ---- fuzzing --------------------------------------------------------------------------------------

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

/** Decodes and checks the only allowed outcomes: an object, or a ProtobufError. */
function decodeOrReject(body: Buffer): void {
  try {
    const o = decodeKubernetesProtobuf(body);
    assert.equal(typeof o, 'object');
    JSON.stringify(o); // the result must be plain JSON
  } catch (e) {
    if (!(e instanceof ProtobufError)) {
      assert.fail(`non-ProtobufError ${(e as Error)?.name}: ${(e as Error)?.message} for ${body.toString('hex').slice(0, 400)}`);
    }
  }
}

const SEEDS = FIXTURES.map((f) => encodeKubernetesProtobuf(f.obj));

test('fuzz: random bytes after the magic', () => {
  const r = rng(1);
  for (let i = 0; i < 3000; i++) {
    const n = Math.floor(r() * 200);
    const b = Buffer.alloc(4 + n);
    b.write('k8s\0', 'latin1');
    for (let j = 4; j < b.length; j++) b[j] = Math.floor(r() * 256);
    decodeOrReject(b);
  }
});

test('fuzz: random payloads inside a valid envelope for every kind', () => {
  const r = rng(2);
  const kinds = Object.entries(KINDS).flatMap(([v, ks]) => ks.map((k) => [v, k] as const));
  for (let i = 0; i < 4000; i++) {
    const [v, k] = kinds[i % kinds.length];
    const raw = Buffer.alloc(Math.floor(r() * 120));
    for (let j = 0; j < raw.length; j++) raw[j] = r() < 0.3 ? [0x08, 0x0a, 0x12, 0x1a, 0x22, 0x2a, 0x00, 0x80][Math.floor(r() * 8)] : Math.floor(r() * 256);
    decodeOrReject(envelope(v, k, raw));
  }
});

test('fuzz: mutated valid bodies (flips, overwrites, insertions, deletions, splices)', () => {
  const r = rng(3);
  for (let i = 0; i < 6000; i++) {
    const seed = SEEDS[i % SEEDS.length];
    let b = Buffer.from(seed);
    const edits = 1 + Math.floor(r() * 4);
    for (let e = 0; e < edits; e++) {
      const at = 4 + Math.floor(r() * Math.max(1, b.length - 4));
      switch (Math.floor(r() * 5)) {
        case 0:
          b[at] ^= 1 << Math.floor(r() * 8);
          break;
        case 1:
          b[at] = [0x00, 0x7f, 0x80, 0xff, 0x0a, 0x12][Math.floor(r() * 6)];
          break;
        case 2:
          b = Buffer.concat([b.subarray(0, at), Buffer.from([Math.floor(r() * 256)]), b.subarray(at)]);
          break;
        case 3:
          b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + Math.floor(r() * 8))]);
          break;
        default: {
          const other = SEEDS[Math.floor(r() * SEEDS.length)];
          const from = Math.floor(r() * other.length);
          b = Buffer.concat([b.subarray(0, at), other.subarray(from, from + Math.floor(r() * 64))]);
        }
      }
    }
    decodeOrReject(b);
  }
});

test('fuzz: every truncation of a real body is an error or a valid prefix', () => {
  const body = SEEDS[0];
  for (let n = 0; n < body.length; n++) decodeOrReject(body.subarray(0, n));
  // cut anywhere inside the object bytes: always an error (the raw field's length no longer fits)
  const rawEnd = body.length - 4; // the body ends with contentEncoding "" and contentType ""
  for (let n = 40; n < rawEnd; n += 7) assert.throws(() => decodeKubernetesProtobuf(body.subarray(0, n)), ProtobufError);
});

test('no hang: 3 MiB of noise and deeply nested length prefixes finish quickly', () => {
  const r = rng(4);
  const big = Buffer.alloc(3 * 1024 * 1024);
  big.write('k8s\0', 'latin1');
  for (let j = 4; j < big.length; j++) big[j] = Math.floor(r() * 256);
  let t = Date.now();
  decodeOrReject(big);
  // a raw field that is 100 000 nested RawExtension-like length prefixes
  const nested: number[] = [];
  for (let i = 0; i < 100000; i++) nested.push(0x12, 0x7f);
  decodeOrReject(envelope('meta.k8s.io/v1', 'WatchEvent', Buffer.from(nested.slice(0, 100))));
  // a very long run of unknown varint fields
  const many = Buffer.alloc(2 * 1024 * 1024, 0x08);
  for (let i = 1; i < many.length; i += 2) many[i] = 0x01;
  decodeOrReject(Buffer.concat([Buffer.from('k8s\0', 'latin1'), many]));
  t = Date.now() - t;
  assert.ok(t < 5000, `took ${t} ms`);
});

test('nested protobuf objects in RawExtensions are bounded in depth', () => {
  // WatchEvent {object = 2 {raw = 1 <a WatchEvent body>}} nested 150 times
  let body = encodeKubernetesProtobuf({ kind: 'WatchEvent', apiVersion: 'v1', type: 'ADDED', object: null });
  for (let i = 0; i < 150; i++) {
    const raw = Buffer.concat([Buffer.from([0x0a]), uvarint(body.length), body]);
    const ev = Buffer.concat([Buffer.from([0x0a, 0x05]), Buffer.from('ADDED'), Buffer.from([0x12]), uvarint(raw.length), raw]);
    const tm = Buffer.from([0x0a, 0x02, 0x76, 0x31, 0x12, 0x0a, ...Buffer.from('WatchEvent')]);
    body = Buffer.concat([Buffer.from('k8s\0', 'latin1'), Buffer.from([0x0a, tm.length]), tm, Buffer.from([0x12]), uvarint(ev.length), ev]);
  }
  assert.throws(() => decodeKubernetesProtobuf(body), /nested too deep/);
});

function uvarint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

// ---- schema consistency ----------------------------------------------------------------------------

test('schema: every message compiles, numbers and JSON names are unique, references resolve', () => {
  for (const name of [...Object.keys(MESSAGES), ...Object.keys(SPECIAL_TYPES)]) {
    const t = messageType(name);
    const numbers = new Set<number>();
    for (const f of t.fields) {
      assert.ok(f.no > 0 && f.no < 2 ** 29, `${name}.${f.json} number ${f.no}`);
      assert.ok(!numbers.has(f.no), `${name}: number ${f.no} twice`);
      numbers.add(f.no);
      if (f.inline) assert.ok(f.msg && !f.repeated && !f.map && !f.ptr && !f.msg.special, `${name}.${f.json}: bad inline`);
      if (f.msg?.special === 'time' || f.msg?.special === 'microtime') assert.ok(!f.repeated, `${name}.${f.json}`);
    }
    const names = new Set<string>();
    const collect = (m: typeof t) => {
      for (const f of m.fields) {
        if (f.inline) collect(f.msg!);
        else {
          assert.ok(!names.has(f.json), `${name}: JSON name ${f.json} twice`);
          names.add(f.json);
        }
      }
    };
    if (!t.special) collect(t);
  }
  for (const name of Object.keys(SPECIAL_TYPES)) assert.ok(!(name in MESSAGES), `${name} is special and must not be in MESSAGES`);
  for (const [apiVersion, kinds] of Object.entries(KINDS)) {
    assert.ok(apiVersion in PACKAGES, apiVersion);
    for (const k of kinds) assert.ok(`${PACKAGES[apiVersion]}.${k}` in MESSAGES, `${apiVersion} ${k}`);
  }
});

test('schema: every kind the server serves (and its List) is registered, plus the subresource kinds', () => {
  for (const info of RESOURCES) {
    const v = apiVersionOf(info);
    assert.ok(messageForKind(v, info.kind), `${v} ${info.kind}`);
    assert.ok(messageForKind(v, info.kind + 'List'), `${v} ${info.kind}List`);
  }
  for (const [v, k] of [['v1', 'Binding'], ['autoscaling/v1', 'Scale'], ['policy/v1', 'Eviction'], ['authentication.k8s.io/v1', 'TokenRequest'], ['v1', 'DeleteOptions'], ['v1', 'Status']]) {
    assert.ok(messageForKind(v, k), `${v} ${k}`);
  }
  assert.equal(messageForKind('v1', 'Deployment'), undefined);
  assert.equal(isKubernetesProtobuf(Buffer.from('k8s\0', 'latin1')), true);
});
