// Compute resources as the scheduler counts them (cpu in millicores, bytes, pod slots, scalars) and pod request rules.

import type { KObject } from '../../api/strategy.js';
import { Quantity } from '../../api/quantity.js';

/** Requests the scheduler assumes for scoring when a container sets none (upstream's non-zero defaults). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

/** A set of resource amounts. Scalar resources (extended, hugepages-*) are whole numbers. */
export class Resource {
  milliCPU = 0;
  memory = 0;
  ephemeralStorage = 0;
  allowedPodNumber = 0;
  scalar: Map<string, number> | undefined = undefined;

  /** Reads a ResourceList ({cpu: "500m", memory: "1Gi", …}); unparseable values count as zero. */
  static fromList(list: Record<string, unknown> | undefined | null): Resource {
    const r = new Resource();
    r.addList(list);
    return r;
  }

  addList(list: Record<string, unknown> | undefined | null): void {
    if (!list || typeof list !== 'object') return;
    for (const name of Object.keys(list)) {
      const q = Quantity.tryParse(list[name]);
      if (!q) continue;
      this.addNamed(name, name === 'cpu' ? q.milliValue() : q.value());
    }
  }

  /** amount: millicores for cpu, else the whole value */
  addNamed(name: string, amount: number): void {
    switch (name) {
      case 'cpu': this.milliCPU += amount; break;
      case 'memory': this.memory += amount; break;
      case 'ephemeral-storage': this.ephemeralStorage += amount; break;
      case 'pods': this.allowedPodNumber += amount; break;
      default:
        (this.scalar ??= new Map()).set(name, (this.scalar.get(name) ?? 0) + amount);
    }
  }

  getNamed(name: string): number {
    switch (name) {
      case 'cpu': return this.milliCPU;
      case 'memory': return this.memory;
      case 'ephemeral-storage': return this.ephemeralStorage;
      case 'pods': return this.allowedPodNumber;
      default: return this.scalar?.get(name) ?? 0;
    }
  }

  add(o: Resource, sign = 1): void {
    this.milliCPU += sign * o.milliCPU;
    this.memory += sign * o.memory;
    this.ephemeralStorage += sign * o.ephemeralStorage;
    this.allowedPodNumber += sign * o.allowedPodNumber;
    if (o.scalar) for (const [k, v] of o.scalar) (this.scalar ??= new Map()).set(k, (this.scalar.get(k) ?? 0) + sign * v);
  }

  /** this = max(this, o) per resource */
  setMax(o: Resource): void {
    this.milliCPU = Math.max(this.milliCPU, o.milliCPU);
    this.memory = Math.max(this.memory, o.memory);
    this.ephemeralStorage = Math.max(this.ephemeralStorage, o.ephemeralStorage);
    this.allowedPodNumber = Math.max(this.allowedPodNumber, o.allowedPodNumber);
    if (o.scalar) for (const [k, v] of o.scalar) (this.scalar ??= new Map()).set(k, Math.max(this.scalar.get(k) ?? 0, v));
  }

  clone(): Resource {
    const r = new Resource();
    r.add(this);
    return r;
  }

  isZero(): boolean {
    if (this.milliCPU !== 0 || this.memory !== 0 || this.ephemeralStorage !== 0) return false;
    if (this.scalar) for (const v of this.scalar.values()) if (v !== 0) return false;
    return true;
  }
}

function containerList(spec: KObject | undefined, key: string): KObject[] {
  const l = spec?.[key];
  return Array.isArray(l) ? l : [];
}

/**
 * A pod's effective requests (upstream's resource.PodRequests): the sum of its containers,
 * raised to what any init container needs while running (sidecar init containers — those
 * with restartPolicy Always — keep running and add to everything after them), plus
 * spec.overhead. nonZero substitutes the scheduler's defaults for missing cpu/memory
 * requests, per container, as the scoring plugins count them.
 */
export function podRequests(pod: KObject, nonZero = false): Resource {
  const spec: KObject | undefined = pod?.spec;
  const containerReq = (c: KObject): Resource => {
    const req = c?.resources?.requests;
    const r = Resource.fromList(req);
    if (nonZero) {
      if (!req || req.cpu === undefined) r.milliCPU = DEFAULT_MILLI_CPU_REQUEST;
      if (!req || req.memory === undefined) r.memory = DEFAULT_MEMORY_REQUEST;
    }
    return r;
  };
  const total = new Resource();
  for (const c of containerList(spec, 'containers')) total.add(containerReq(c));
  const inits = containerList(spec, 'initContainers');
  if (inits.length > 0) {
    const sidecars = new Resource();
    const initMax = new Resource();
    for (const c of inits) {
      const r = containerReq(c);
      if (c?.restartPolicy === 'Always') {
        total.add(r);
        sidecars.add(r);
        initMax.setMax(sidecars);
      } else {
        r.add(sidecars);
        initMax.setMax(r);
      }
    }
    total.setMax(initMax);
  }
  if (spec?.overhead) total.addList(spec.overhead);
  return total;
}
