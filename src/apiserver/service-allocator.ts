// Service ClusterIP and NodePort allocation, as the API server does it on Service create/update/delete.
//
// Each allocated IP or port is one store key created-if-absent, so two API servers on one etcd can
// never hand out the same address (the store's compare-and-swap is the lock). A key is released
// when its Service is deleted or stops needing it.

import type { Store } from '../storage/store.js';
import type { KObject } from '../api/strategy.js';
import type { StatusCause } from '../api/status.js';
import { errors } from '../api/status.js';

const IP_PREFIX = '/registry/ranges/serviceips/';
const PORT_PREFIX = '/registry/ranges/servicenodeports/';
const enc = new TextEncoder();

export interface AllocatorConfig {
  serviceCidr: string;
  nodePortRange: [number, number];
}

function ipToInt(ip: string): number {
  return ip.split('.').reduce((a, p) => a * 256 + Number(p), 0);
}

function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

function isIPv4(ip: string): boolean {
  return /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(ip) && ip.split('.').every((p) => Number(p) <= 255 && String(Number(p)) === p);
}

export class ServiceAllocator {
  private readonly base: number;
  private readonly size: number;
  /** the low band of the range is kept for explicitly requested IPs, as upstream does */
  private readonly staticBand: number;

  constructor(private readonly store: Store, private readonly cfg: AllocatorConfig = { serviceCidr: '10.96.0.0/12', nodePortRange: [30000, 32767] }) {
    const [ip, bits] = cfg.serviceCidr.split('/');
    const prefix = Number(bits);
    if (!isIPv4(ip) || !(prefix >= 8 && prefix <= 30)) throw new Error(`invalid service CIDR "${cfg.serviceCidr}" (an IPv4 CIDR between /8 and /30)`);
    this.size = 2 ** (32 - prefix);
    this.base = Math.floor(ipToInt(ip) / this.size) * this.size;
    this.staticBand = Math.min(Math.max(16, Math.floor(this.size / 16)), 256);
  }

  /** The n-th address of the range (1 → 10.96.0.1, the `kubernetes` Service). */
  nthIp(n: number): string {
    return intToIp(this.base + n);
  }

  /** Allocates what a new Service needs and writes it into `svc.spec`; throws 422 on a bad or taken request. */
  async allocate(svc: KObject): Promise<void> {
    const spec = (svc.spec ??= {});
    const done: string[] = [];
    try {
      if (spec.type !== 'ExternalName' && spec.clusterIP !== 'None') {
        const requested: string | undefined = spec.clusterIP || spec.clusterIPs?.[0] || undefined;
        const ip = requested ? await this.claimIp(requested) : await this.randomIp();
        done.push(IP_PREFIX + ip);
        spec.clusterIP = ip;
        spec.clusterIPs = [ip];
      }
      if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
        for (const [i, port] of (spec.ports ?? []).entries()) {
          if (port.nodePort) {
            await this.claimPort(port.nodePort, `spec.ports[${i}].nodePort`);
          } else {
            port.nodePort = await this.randomPort();
          }
          done.push(PORT_PREFIX + port.nodePort);
        }
      }
    } catch (err) {
      for (const key of done) await this.store.delete(key);
      throw err;
    }
  }

  /** Ports a Service update adds are claimed, ports it drops released (ClusterIP is immutable). */
  async reallocate(old: KObject, next: KObject): Promise<void> {
    const oldPorts = new Set<number>(nodePorts(old));
    const wantsPorts = next.spec?.type === 'NodePort' || next.spec?.type === 'LoadBalancer';
    if (wantsPorts) {
      for (const [i, port] of (next.spec.ports ?? []).entries()) {
        if (port.nodePort && oldPorts.has(port.nodePort)) continue;
        if (port.nodePort) await this.claimPort(port.nodePort, `spec.ports[${i}].nodePort`);
        else port.nodePort = await this.randomPort();
      }
    } else {
      for (const port of next.spec?.ports ?? []) delete port.nodePort;
    }
    const kept = new Set<number>(nodePorts(next));
    for (const p of oldPorts) if (!kept.has(p)) await this.store.delete(PORT_PREFIX + p);
  }

  async release(svc: KObject): Promise<void> {
    const ip = svc.spec?.clusterIP;
    if (ip && ip !== 'None') await this.store.delete(IP_PREFIX + ip);
    for (const p of nodePorts(svc)) await this.store.delete(PORT_PREFIX + p);
  }

  /** Marks an address as taken without a Service write (bootstrap of the `kubernetes` Service). */
  async reserve(ip: string): Promise<void> {
    await this.store.create(IP_PREFIX + ip, enc.encode('{}'));
  }

  private inRange(ip: string): boolean {
    if (!isIPv4(ip)) return false;
    const n = ipToInt(ip);
    return n > this.base && n < this.base + this.size - 1;
  }

  private async claimIp(ip: string): Promise<string> {
    if (!this.inRange(ip)) {
      throw invalidIps(ip, `failed to allocate IP ${ip}: provided IP is not in the valid range. The range of valid IPs is ${this.cfg.serviceCidr}`);
    }
    const r = await this.store.create(IP_PREFIX + ip, enc.encode('{}'));
    if (!r.ok) throw invalidIps(ip, `failed to allocate IP ${ip}: provided IP is already allocated`);
    return ip;
  }

  private async randomIp(): Promise<string> {
    const dynamic = this.size - 2 - this.staticBand;
    for (let attempt = 0; attempt < 64; attempt++) {
      // dynamic allocations come from above the static band, then anywhere, as upstream
      const offset = attempt < 48 && dynamic > 0 ? this.staticBand + 1 + Math.floor(Math.random() * dynamic) : 1 + Math.floor(Math.random() * (this.size - 2));
      const ip = intToIp(this.base + offset);
      const r = await this.store.create(IP_PREFIX + ip, enc.encode('{}'));
      if (r.ok) return ip;
    }
    throw errors.internal(`failed to allocate a serviceIP: range is full`);
  }

  private async claimPort(port: number, field: string): Promise<void> {
    const [lo, hi] = this.cfg.nodePortRange;
    if (!Number.isInteger(port) || port < lo || port > hi) {
      throw errors.invalid('Service', '', '', [{ reason: 'FieldValueInvalid', field, message: `Invalid value: ${port}: provided port is not in the valid range. The range of valid ports is ${lo}-${hi}` }]);
    }
    const r = await this.store.create(PORT_PREFIX + port, enc.encode('{}'));
    if (!r.ok) throw errors.invalid('Service', '', '', [{ reason: 'FieldValueInvalid', field, message: `Invalid value: ${port}: provided port is already allocated` }]);
  }

  private async randomPort(): Promise<number> {
    const [lo, hi] = this.cfg.nodePortRange;
    for (let attempt = 0; attempt < 64; attempt++) {
      const port = lo + Math.floor(Math.random() * (hi - lo + 1));
      const r = await this.store.create(PORT_PREFIX + port, enc.encode('{}'));
      if (r.ok) return port;
    }
    throw errors.internal('failed to allocate a nodePort: range is full');
  }
}

function nodePorts(svc: KObject): number[] {
  return (svc.spec?.ports ?? []).map((p: KObject) => p.nodePort).filter((p: unknown): p is number => typeof p === 'number' && p > 0);
}

function invalidIps(ip: string, message: string) {
  const cause: StatusCause = { reason: 'FieldValueInvalid', field: 'spec.clusterIPs', message: `Invalid value: []string{"${ip}"}: ${message}` };
  return errors.invalid('Service', '', '', [cause]);
}
