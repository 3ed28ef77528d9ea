// Node: defaults (allocatable, pod CIDRs), validation (taints, pod CIDRs, immutable bits), field selectors, table.

import type { StatusCause } from '../status.js';
import type { KindStrategy, KObject } from '../strategy.js';
import { canonicalizeResourceList } from '../quantity.js';
import { duplicate, forbidden, goQuote, goRepr, invalid, notSupported, objs, required, strs } from '../validation/field.js';
import { isCIDR, isIPv6, isQualifiedName, isValidLabelValue } from '../validation/names.js';
import { validateResourceList } from '../validation/resources.js';
import { AGE_COLUMN, NAME_COLUMN, ageOf, col, nameOf } from './table.js';

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const CIDR_FORBIDDEN = 'node updates may not change podCIDR except from "" to valid';

/** validateNodeTaints (upstream reports them under metadata.taints) */
export function validateTaints(taints: unknown, path: string): StatusCause[] {
  const errs: StatusCause[] = [];
  const seen = new Map<string, Set<string>>();
  objs(taints).forEach((t: KObject, i: number) => {
    const ip = `${path}[${i}]`;
    for (const m of isQualifiedName(t.key ?? '')) errs.push(invalid(`${ip}.key`, t.key ?? '', m));
    const vm = isValidLabelValue(t.value ?? '');
    if (vm.length) errs.push(invalid(`${ip}.value`, t.value ?? '', vm.join(';')));
    if (!t.effect) errs.push(required(`${ip}.effect`));
    else if (!TAINT_EFFECTS.includes(t.effect)) errs.push(notSupported(`${ip}.effect`, t.effect, TAINT_EFFECTS));
    const keys = seen.get(t.effect ?? '') ?? new Set<string>();
    if (keys.has(t.key ?? '')) {
      const d = duplicate(ip, goRepr(`core.Taint{Key:${goQuote(t.key ?? '')}, Value:${goQuote(t.value ?? '')}, Effect:${goQuote(t.effect ?? '')}, TimeAdded:<nil>}`));
      d.message += ': taints must be unique by key and effect pair';
      errs.push(d);
      return;
    }
    keys.add(t.key ?? '');
    seen.set(t.effect ?? '', keys);
  });
  return errs;
}

function validateNode(node: KObject): StatusCause[] {
  const errs: StatusCause[] = [];
  const spec: KObject = node.spec ?? {};
  if (Array.isArray(spec.taints) && spec.taints.length) errs.push(...validateTaints(spec.taints, 'metadata.taints'));
  errs.push(...validateResourceList(node.status?.capacity, 'status.capacity'));
  errs.push(...validateResourceList(node.status?.allocatable, 'status.allocatable'));
  const cidrs = strs(spec.podCIDRs);
  cidrs.forEach((c, i) => {
    if (!isCIDR(c)) errs.push(invalid(`spec.podCIDRs[${i}]`, c, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'));
  });
  if (cidrs.length > 1) {
    const dual = cidrs.length === 2 && isCIDR(cidrs[0]) && isCIDR(cidrs[1]) && isIPv6(cidrs[0].split('/')[0]) !== isIPv6(cidrs[1].split('/')[0]);
    if (!dual) errs.push(invalid('spec.podCIDRs', cidrs, 'may specify no more than one CIDR for each IP family'));
    const seen = new Set<string>();
    cidrs.forEach((c, i) => {
      if (seen.has(c)) errs.push(duplicate(`spec.podCIDRs[${i}]`, c));
      seen.add(c);
    });
  }
  return errs;
}

function validateNodeUpdate(node: KObject, old: KObject): StatusCause[] {
  const errs: StatusCause[] = [];
  const seen = new Set<string>();
  objs(node.status?.addresses).forEach((a: KObject, i: number) => {
    const k = `${a.type}/${a.address}`;
    if (seen.has(k)) errs.push(duplicate(`status.addresses[${i}]`, goRepr(`core.NodeAddress{Type:${goQuote(a.type ?? '')}, Address:${goQuote(a.address ?? '')}}`)));
    seen.add(k);
  });
  const oldCIDRs = strs(old.spec?.podCIDRs);
  const cidrs = strs(node.spec?.podCIDRs);
  if (oldCIDRs.length > 0) {
    if (oldCIDRs.length !== cidrs.length) errs.push(forbidden('spec.podCIDRs', CIDR_FORBIDDEN));
    else oldCIDRs.forEach((c, i) => {
      if (c !== cidrs[i]) errs.push(forbidden('spec.podCIDRs', CIDR_FORBIDDEN));
    });
  }
  if (old.spec?.providerID && old.spec.providerID !== node.spec?.providerID) errs.push(forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
  if ((node.spec?.externalID ?? '') !== (old.spec?.externalID ?? '')) errs.push(forbidden('spec.externalID', 'may not be updated'));
  return errs;
}

/** NodeReady → "Ready"/"NotReady", "Unknown" without it, plus "SchedulingDisabled" when cordoned. */
export function nodeStatusCell(node: KObject): string {
  const status: string[] = [];
  const ready = (node.status?.conditions ?? []).find((c: KObject) => c?.type === 'Ready');
  if (ready) status.push(ready.status === 'True' ? 'Ready' : 'NotReady');
  if (status.length === 0) status.push('Unknown');
  if (node.spec?.unschedulable) status.push('SchedulingDisabled');
  return status.join(',');
}

/** roles from node-role.kubernetes.io/<role> labels and the kubernetes.io/role label, sorted */
export function nodeRoles(node: KObject): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries((node.metadata?.labels ?? {}) as Record<string, string>)) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const r = k.slice('node-role.kubernetes.io/'.length);
      if (r) roles.add(r);
    } else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return [...roles].sort();
}

function address(node: KObject, type: string): string {
  return (node.status?.addresses ?? []).find((a: KObject) => a?.type === type)?.address ?? '<none>';
}

export const nodeStrategy: KindStrategy = {
  defaults(node) {
    const spec: KObject | undefined = node.spec;
    if (spec && typeof spec === 'object') {
      const list: string[] = Array.isArray(spec.podCIDRs) ? spec.podCIDRs : [];
      if (spec.podCIDR && (list.length === 0 || list[0] !== spec.podCIDR)) spec.podCIDRs = [spec.podCIDR];
      else if (!spec.podCIDR && list.length > 0) spec.podCIDR = list[0];
    }
    const st: KObject | undefined = node.status;
    if (st && typeof st === 'object') {
      canonicalizeResourceList(st.capacity);
      if (st.allocatable == null && st.capacity) st.allocatable = { ...st.capacity };
      canonicalizeResourceList(st.allocatable);
    }
  },

  validate(node, old) {
    return old ? [...validateNodeUpdate(node, old), ...validateNode(node)] : validateNode(node);
  },

  selectableFields(node) {
    return { 'spec.unschedulable': String(node?.spec?.unschedulable === true) };
  },

  table: {
    columns: [
      NAME_COLUMN,
      col('Status', 'string', 'Readiness and schedulability of the node.'),
      col('Roles', 'string', 'Roles from node-role labels.'),
      AGE_COLUMN,
      col('Version', 'string', 'Kubelet version.'),
      col('Internal-IP', 'string', 'First internal address.', 1),
      col('External-IP', 'string', 'First external address.', 1),
      col('OS-Image', 'string', 'Operating system image.', 1),
      col('Kernel-Version', 'string', 'Kernel version.', 1),
      col('Container-Runtime', 'string', 'Container runtime and version.', 1),
    ],
    cells(node, now) {
      const info: KObject = node.status?.nodeInfo ?? {};
      const roles = nodeRoles(node).join(',') || '<none>';
      return [
        nameOf(node), nodeStatusCell(node), roles, ageOf(node, now), info.kubeletVersion ?? '',
        address(node, 'InternalIP'), address(node, 'ExternalIP'), info.osImage || '<unknown>', info.kernelVersion || '<unknown>', info.containerRuntimeVersion || '<unknown>',
      ];
    },
  },
};
