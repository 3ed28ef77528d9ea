// Node pod CIDRs carved out of the cluster CIDR (upstream's cidrset): allocate the next free subnet, occupy, release.

export class CidrAllocator {
  private readonly base: number;
  private readonly prefix: number;
  /** subnets of the cluster CIDR: 1 = in use */
  private readonly used: Uint8Array;
  private next = 0;
  private inUse = 0;

  /** IPv4 only; throws when the CIDR does not parse or the node mask is not longer than the cluster prefix. */
  constructor(readonly clusterCidr: string, readonly maskSize = 24) {
    const c = parseCidr(clusterCidr);
    if (!c) throw new Error(`node IPAM: invalid cluster CIDR "${clusterCidr}" (IPv4 only)`);
    if (!Number.isInteger(maskSize) || maskSize < c.prefix || maskSize > 30) throw new Error(`node IPAM: node CIDR mask /${maskSize} does not fit in cluster CIDR ${clusterCidr}`);
    if (maskSize - c.prefix > 20) throw new Error(`node IPAM: cluster CIDR ${clusterCidr} holds too many /${maskSize} subnets`);
    this.prefix = c.prefix;
    this.base = c.ip - (c.ip % 2 ** (32 - c.prefix));
    this.used = new Uint8Array(2 ** (maskSize - c.prefix));
  }

  /** how many subnets the cluster CIDR holds */
  get capacity(): number {
    return this.used.length;
  }

  get allocated(): number {
    return this.inUse;
  }

  /** The next free subnet after the last one handed out (wrapping, as upstream), or undefined when all are taken. */
  allocateNext(): string | undefined {
    const n = this.used.length;
    for (let i = 0; i < n; i++) {
      const idx = (this.next + i) % n;
      if (!this.used[idx]) {
        this.used[idx] = 1;
        this.inUse++;
        this.next = (idx + 1) % n;
        return this.subnet(idx);
      }
    }
    return undefined;
  }

  /**
   * Marks every subnet overlapping `cidr` as used (a node's existing podCIDR, after a restart).
   * Returns false when the CIDR does not parse or lies outside the cluster CIDR.
   */
  occupy(cidr: string): boolean {
    const r = this.range(cidr);
    if (!r) return false;
    for (let i = r.first; i <= r.last; i++) {
      if (!this.used[i]) {
        this.used[i] = 1;
        this.inUse++;
      }
    }
    return true;
  }

  /** Frees every subnet overlapping `cidr`; anything outside the cluster CIDR is ignored. */
  release(cidr: string): void {
    const r = this.range(cidr);
    if (!r) return;
    for (let i = r.first; i <= r.last; i++) {
      if (this.used[i]) {
        this.used[i] = 0;
        this.inUse--;
      }
    }
  }

  isUsed(cidr: string): boolean {
    const r = this.range(cidr);
    if (!r) return false;
    for (let i = r.first; i <= r.last; i++) if (this.used[i]) return true;
    return false;
  }

  private subnet(idx: number): string {
    return `${toIp(this.base + idx * 2 ** (32 - this.maskSize))}/${this.maskSize}`;
  }

  /** subnet indexes overlapping `cidr`, clipped to the cluster CIDR */
  private range(cidr: string): { first: number; last: number } | undefined {
    const c = parseCidr(cidr);
    if (!c) return undefined;
    const size = 2 ** (32 - c.prefix);
    const start = c.ip - (c.ip % size);
    const end = start + size - 1;
    const clusterEnd = this.base + 2 ** (32 - this.prefix) - 1;
    if (end < this.base || start > clusterEnd) return undefined;
    const sub = 2 ** (32 - this.maskSize);
    return { first: Math.floor((Math.max(start, this.base) - this.base) / sub), last: Math.floor((Math.min(end, clusterEnd) - this.base) / sub) };
  }
}

function parseCidr(cidr: string): { ip: number; prefix: number } | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr.trim());
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  return { ip: octets.reduce((acc, o) => acc * 256 + o, 0), prefix };
}

function toIp(n: number): string {
  return `${Math.floor(n / 16777216) % 256}.${Math.floor(n / 65536) % 256}.${Math.floor(n / 256) % 256}.${n % 256}`;
}
