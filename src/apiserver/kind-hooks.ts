// The one place the API server reaches into per-kind knowledge: strategies, schemas, selectors, patches, field managers.

import type { ResourceInfo } from '../api/resources.js';
import type { KObject, TableConvertor } from '../api/strategy.js';
import type { StatusCause } from '../api/status.js';
import { errors } from '../api/status.js';
import type { RequestContext } from './resource-handler.js';

function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function age(obj: KObject, now: Date): string {
  const t = Date.parse(obj.metadata?.creationTimestamp ?? '');
  if (!Number.isFinite(t)) return '<unknown>';
  const s = Math.max(0, Math.floor((now.getTime() - t) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return `${m}m${s % 60 ? `${s % 60}s` : ''}`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

function simpleLabelMatcher(sel: string): (labels: Record<string, string>) => boolean {
  const reqs = sel.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
    const m = /^([^!=]+?)\s*(==|=|!=)\s*(.*)$/.exec(s);
    if (m) return { key: m[1], op: m[2], value: m[3] };
    if (s.startsWith('!')) return { key: s.slice(1), op: '!exists', value: '' };
    return { key: s, op: 'exists', value: '' };
  });
  return (labels) => reqs.every((r) => {
    const v = labels[r.key];
    if (r.op === 'exists') return v !== undefined;
    if (r.op === '!exists') return v === undefined;
    if (r.op === '!=') return v !== r.value;
    return v === r.value;
  });
}

export const hooks = {
  defaults(_r: ResourceInfo, _obj: KObject): void {},
  prepareForCreate(_r: ResourceInfo, _obj: KObject): void {},
  prepareForUpdate(_r: ResourceInfo, _obj: KObject, _old: KObject): void {},
  validate(_r: ResourceInfo, _obj: KObject, _old?: KObject): StatusCause[] {
    return [];
  },
  schemaCheck(_r: ResourceInfo, _obj: KObject): { unknownFields: string[]; errors: string[] } {
    return { unknownFields: [], errors: [] };
  },
  prune(_r: ResourceInfo, _obj: KObject): void {},
  table(_r: ResourceInfo): TableConvertor | undefined {
    return undefined;
  },
  age,
  labelMatcher(sel: string): (labels: Record<string, string>) => boolean {
    return simpleLabelMatcher(sel);
  },
  fieldMatcher(_r: ResourceInfo, sel: string): (obj: KObject) => boolean {
    const reqs = sel.split(',').filter(Boolean).map((s) => {
      const m = /^([^!=]+?)\s*(==|=|!=)\s*(.*)$/.exec(s);
      if (!m) throw errors.badRequest(`invalid field selector: ${s}`);
      return { key: m[1], neg: m[2] === '!=', value: m[3] };
    });
    return (obj) => reqs.every((r) => {
      const v = String(r.key.split('.').reduce<unknown>((o, k) => (o as KObject)?.[k], obj) ?? '');
      return r.neg ? v !== r.value : v === r.value;
    });
  },
  selectorString(sel: KObject): string {
    return Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
  },
  patch(_r: ResourceInfo, contentType: string, current: KObject, patchDoc: unknown): KObject {
    if (contentType === 'application/json-patch+json') throw errors.unsupportedMediaType(['application/merge-patch+json']);
    return mergePatch(current, patchDoc) as KObject;
  },
  apply(_r: ResourceInfo, current: KObject | undefined, applied: KObject, _o: { manager: string; force: boolean; subresource: string; name: string; namespace: string }): KObject {
    return mergePatch(current ?? {}, applied) as KObject;
  },
  recordCreate(_ctx: RequestContext, _r: ResourceInfo, _obj: KObject): void {},
  recordUpdate(_ctx: RequestContext, _r: ResourceInfo, _old: KObject, _obj: KObject, _subresource: string): void {},
};
