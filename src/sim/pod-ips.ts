// Pod IPs of one hollow node, handed out from the node's IPv4 pod CIDR (network, .1 gateway and broadcast kept back).

export class PodIps {
  private readonly base: number;
  private readonly size: number;
  /** one byte per address of the CIDR: 1 = in use */
  private readonly used: Uint8Array;
  private next = 2;
  private free: number;

  /** Throws on anything but an IPv4 CIDR of /8 to /30. */
  constructor(readonly cidr: string) {
    const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
    const prefix = m ? Number(m[5]) : -1;
    if (!m || prefix < 8 || prefix > 30 || m.slice(1, 5).some((o) => Number(o) > 255)) throw new Error(`hollow node: unsupported pod CIDR "${cidr}" (IPv4 /8 to /30 only)`);
    this.size = 2 ** (32 - prefix);
    const ip = m.slice(1, 5).reduce((acc, o) => acc * 256 + Number(o), 0);
    this.base = ip - (ip % this.size);
    this.used = new Uint8Array(this.size);
    // network address, gateway (.1) and broadcast are never handed out
    this.used[0] = this.used[1] = this.used[this.size - 1] = 1;
    this.free = this.size - 3;
  }

  /** The next free address after the last one handed out (wrapping), or undefined when the CIDR is full. */
  allocate(): string | undefined {
    if (this.free <= 0) return undefined;
    for (let n = 0; n < this.size; n++) {
      const i = (this.next + n) % this.size;
      if (!this.used[i]) {
        this.used[i] = 1;
        this.free--;
        this.next = (i + 1) % this.size;
        return toIp(this.base + i);
      }
    }
    return undefined;
  }

  /** Marks an address taken (a pod already running with it); false if it is outside the CIDR or taken. */
  reserve(ip: string): boolean {
    const i = this.indexOf(ip);
    if (i === undefined || this.used[i]) return false;
    this.used[i] = 1;
    this.free--;
    return true;
  }

  release(ip: string): void {
    const i = this.indexOf(ip);
    if (i === undefined || i <= 1 || i === this.size - 1 || !this.used[i]) return;
    this.used[i] = 0;
    this.free++;
  }

  contains(ip: string): boolean {
    return this.indexOf(ip) !== undefined;
  }

  get available(): number {
    return this.free;
  }

  private indexOf(ip: string): number | undefined {
    const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
    if (!m) return undefined;
    const n = m.slice(1, 5).reduce((acc, o) => acc * 256 + Number(o), 0);
    const i = n - this.base;
    return i >= 0 && i < this.size ? i : undefined;
  }
}

function toIp(n: number): string {
  return `${Math.floor(n / 16777216) % 256}.${Math.floor(n / 65536) % 256}.${Math.floor(n / 256) % 256}.${n % 256}`;
}
