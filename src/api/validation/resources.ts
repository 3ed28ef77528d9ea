// Validation of resource names and quantities (container requests/limits, quota and limit-range lists).

import type { StatusCause } from '../status.js';
import { Quantity } from '../quantity.js';
import { forbidden, invalid, required } from './field.js';
import { isQualifiedName } from './names.js';

const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);

export function isHugePageResourceName(name: string): boolean {
  return name.startsWith('hugepages-');
}

/** no '/' or a kubernetes.io/ prefix */
export function isNativeResource(name: string): boolean {
  return !name.includes('/') || name.includes('kubernetes.io/');
}

export function isExtendedResourceName(name: string): boolean {
  if (isNativeResource(name) || name.startsWith('requests.')) return false;
  return isQualifiedName(`requests.${name}`).length === 0;
}

/** requests may be lower than limits only for native, non-hugepage resources */
export function isOvercommitAllowed(name: string): boolean {
  return isNativeResource(name) && !isHugePageResourceName(name);
}

function validateResourceName(name: string, path: string): StatusCause[] {
  const errs = isQualifiedName(name).map((m) => invalid(path, name, m));
  if (errs.length) return errs;
  return errs;
}

/** validateContainerResourceName */
export function validateContainerResourceName(name: string, path: string): StatusCause[] {
  const errs = validateResourceName(name, path);
  if (!name.includes('/')) {
    if (!STANDARD_CONTAINER_RESOURCES.has(name) && !isHugePageResourceName(name)) errs.push(invalid(path, name, 'must be a standard resource for containers'));
  } else if (!isNativeResource(name) && !isExtendedResourceName(name)) {
    errs.push(invalid(path, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

/** Parses a quantity value, or returns the cause for a value that does not parse (a decode error upstream). */
export function parseQuantityField(value: unknown, path: string): { q?: Quantity; errs: StatusCause[] } {
  const q = Quantity.tryParse(value);
  if (q) return { q, errs: [] };
  let msg = 'quantities must match the regular expression';
  try {
    Quantity.parse(value as string);
  } catch (e) {
    msg = (e as Error).message;
  }
  return { errs: [invalid(path, value ?? null, msg)] };
}

/** ValidateResourceQuantityValue: non-negative; whole numbers for extended resources. */
export function validateResourceQuantityValue(name: string, value: unknown, path: string): StatusCause[] {
  const { q, errs } = parseQuantityField(value, path);
  if (!q) return errs;
  if (q.sign() < 0) errs.push(invalid(path, q.toString(), 'must be greater than or equal to 0'));
  if (isExtendedResourceName(name) && q.milliValue() % 1000 !== 0) errs.push(invalid(path, q.toString(), 'must be an integer'));
  return errs;
}

/** ValidateResourceRequirements for a container's `resources`. */
export function validateResourceRequirements(res: unknown, path: string): StatusCause[] {
  const errs: StatusCause[] = [];
  if (!res || typeof res !== 'object') return errs;
  const r = res as { limits?: Record<string, unknown>; requests?: Record<string, unknown> };
  const limits = r.limits && typeof r.limits === 'object' ? r.limits : {};
  const requests = r.requests && typeof r.requests === 'object' ? r.requests : {};
  const limPath = `${path}.limits`;
  const reqPath = `${path}.requests`;
  let limCpuMem = false;
  let reqCpuMem = false;
  let hugePages = false;
  for (const [name, value] of Object.entries(limits)) {
    const fp = `${limPath}[${name}]`;
    errs.push(...validateContainerResourceName(name, fp));
    errs.push(...validateResourceQuantityValue(name, value, fp));
    if (isHugePageResourceName(name)) hugePages = true;
    if (name === 'cpu' || name === 'memory') limCpuMem = true;
  }
  for (const [name, value] of Object.entries(requests)) {
    const fp = `${reqPath}[${name}]`;
    errs.push(...validateContainerResourceName(name, fp));
    errs.push(...validateResourceQuantityValue(name, value, fp));
    const q = Quantity.tryParse(value);
    const lim = name in limits ? Quantity.tryParse(limits[name]) : undefined;
    if (name in limits) {
      if (q && lim) {
        if (q.cmp(lim) !== 0 && !isOvercommitAllowed(name)) {
          errs.push(invalid(reqPath, q.toString(), `must be equal to ${name} limit of ${lim.toString()}`));
        } else if (q.cmp(lim) > 0) {
          errs.push(invalid(reqPath, q.toString(), `must be less than or equal to ${name} limit of ${lim.toString()}`));
        }
      }
    } else if (!isOvercommitAllowed(name)) {
      errs.push(required(limPath, 'Limit must be set for non overcommitable resources'));
    }
    if (isHugePageResourceName(name)) hugePages = true;
    if (name === 'cpu' || name === 'memory') reqCpuMem = true;
  }
  if (!limCpuMem && !reqCpuMem && hugePages) errs.push(forbidden(path, 'HugePages require cpu or memory'));
  return errs;
}

/** A ResourceList of a quota or limit range: valid names, parseable non-negative quantities. */
export function validateResourceList(list: unknown, path: string): StatusCause[] {
  const errs: StatusCause[] = [];
  if (!list || typeof list !== 'object') return errs;
  for (const [name, value] of Object.entries(list as Record<string, unknown>)) {
    const fp = `${path}[${name}]`;
    errs.push(...validateResourceName(name, fp));
    errs.push(...validateResourceQuantityValue(name, value, fp));
  }
  return errs;
}
