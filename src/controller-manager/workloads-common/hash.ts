// Stable hashes of pod templates and revisions: FNV-1a 32 over canonical JSON, encoded as upstream's SafeEncodeString.

/** upstream's rand.SafeEncodeString alphabet: no vowels (no words), no 0/1/3 (no look-alikes) */
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** JSON with object keys sorted and undefined values dropped: equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}

/** FNV-1a, 32 bits, over bytes */
export function fnv32a(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** each character of s mapped into the safe alphabet (upstream's SafeEncodeString) */
export function safeEncodeString(s: string): string {
  let out = '';
  for (const ch of s) out += SAFE_ALPHABET[ch.codePointAt(0)! % SAFE_ALPHABET.length];
  return out;
}

/**
 * A stable short hash of a value (a pod template, a revision's data) and an optional collision
 * count, as the decimal FNV-1a of its canonical JSON then safe-encoded: the same input always
 * gives the same hash, in any process. (Upstream hashes Go's printed struct, so values differ from
 * upstream's; only stability matters.)
 */
export function computeHash(value: unknown, collisionCount?: number | null): string {
  const enc = new TextEncoder();
  let h = fnv32a(enc.encode(canonicalJson(value)));
  if (collisionCount != null) {
    const le = new Uint8Array(4);
    new DataView(le.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(le, h);
  }
  return safeEncodeString(String(h));
}
