// Prefix → key range: the smallest string that sorts after every key starting with a prefix.

/**
 * The exclusive upper bound of the keys that start with `prefix`, in Unicode code point order
 * (which is also UTF-8 byte order, the order both SQLite and etcd sort keys in). Undefined when
 * there is no bound: the empty prefix, or one made only of U+10FFFF.
 */
export function prefixEnd(prefix: string): string | undefined {
  const cps = Array.from(prefix);
  while (cps.length > 0) {
    const last = cps.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      // skip the surrogate block: those code points cannot be stored as UTF-8
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return cps.join('') + String.fromCodePoint(next);
    }
  }
  return undefined;
}
