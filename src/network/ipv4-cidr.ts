// IPv4 addresses and CIDRs for the node network code: parse, canonical form, containment and overlap.

export interface Ipv4Cidr {
  /** the network address (host bits cleared), as an unsigned 32-bit number */
  base: number;
  prefix: number;
}

const IP_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** "10.0.0.1" → 167772161; undefined when it is not a dotted-quad IPv4 address. */
export function parseIpv4(ip: string): number | undefined {
  const m = IP_RE.exec(ip.trim());
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  return octets.reduce((acc, o) => acc * 256 + o, 0);
}

export function formatIpv4(n: number): string {
  return `${Math.floor(n / 16777216) % 256}.${Math.floor(n / 65536) % 256}.${Math.floor(n / 256) % 256}.${n % 256}`;
}

/**
 * Parses "a.b.c.d/n" (a bare address is a /32, "default" is 0.0.0.0/0, as `ip route` prints them).
 * Host bits are cleared: "10.244.1.5/24" → 10.244.1.0/24. Undefined when it does not parse (IPv6 too).
 */
export function parseIpv4Cidr(cidr: string): Ipv4Cidr | undefined {
  const s = cidr.trim();
  if (s === 'default') return { base: 0, prefix: 0 };
  const slash = s.indexOf('/');
  const ip = parseIpv4(slash < 0 ? s : s.slice(0, slash));
  if (ip === undefined) return undefined;
  let prefix = 32;
  if (slash >= 0) {
    const p = s.slice(slash + 1);
    if (!/^\d{1,2}$/.test(p) || Number(p) > 32) return undefined;
    prefix = Number(p);
  }
  const size = 2 ** (32 - prefix);
  return { base: ip - (ip % size), prefix };
}

/** The canonical "a.b.c.d/n" form, or undefined when it does not parse. */
export function canonicalCidr(cidr: string): string | undefined {
  const c = parseIpv4Cidr(cidr);
  return c && formatCidr(c);
}

export function formatCidr(c: Ipv4Cidr): string {
  return `${formatIpv4(c.base)}/${c.prefix}`;
}

function lastOf(c: Ipv4Cidr): number {
  return c.base + 2 ** (32 - c.prefix) - 1;
}

/** Whether `inner` lies wholly inside `outer` (equal counts as inside). */
export function cidrContains(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
  return inner.prefix >= outer.prefix && inner.base >= outer.base && lastOf(inner) <= lastOf(outer);
}

export function cidrContainsIp(outer: Ipv4Cidr, ip: number): boolean {
  return ip >= outer.base && ip <= lastOf(outer);
}

export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return a.base <= lastOf(b) && b.base <= lastOf(a);
}
