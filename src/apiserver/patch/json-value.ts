// Plain JSON value helpers shared by the patch modules: type tests, prototype-safe copies, deep equality.

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Sets an own data property, even for "__proto__" (so a patch can never reach Object.prototype). */
export function setKey(obj: JsonObject, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  else obj[key] = value;
}

/** Deep copy; with `pruneNulls`, null members are left out of every object (array elements are kept as they are). */
export function cloneJson(v: unknown, pruneNulls = false): unknown {
  if (Array.isArray(v)) return v.map((x) => cloneJson(x, pruneNulls));
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const k of Object.keys(v)) {
      if (pruneNulls && v[k] === null) continue;
      setKey(out, k, cloneJson(v[k], pruneNulls));
    }
    return out;
  }
  return v;
}

/** Deep equality of JSON values (map key order ignored; members that are undefined do not count). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ak = Object.keys(a).filter((k) => a[k] !== undefined);
    const bk = Object.keys(b).filter((k) => b[k] !== undefined);
    return ak.length === bk.length && ak.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}
