// Content negotiation: which representation the client asked for in its Accept header.

import { errors } from '../api/status.js';

export type Representation =
  | { format: 'json' | 'yaml'; as?: undefined }
  | { format: 'json' | 'yaml'; as: 'Table' | 'PartialObjectMetadata' | 'PartialObjectMetadataList' };

interface AcceptEntry {
  type: string;
  params: Record<string, string>;
  q: number;
}

function parseAccept(header: string): AcceptEntry[] {
  return header
    .split(',')
    .map((part) => {
      const [type, ...ps] = part.split(';').map((s) => s.trim());
      const params: Record<string, string> = {};
      for (const p of ps) {
        const i = p.indexOf('=');
        if (i > 0) params[p.slice(0, i).trim().toLowerCase()] = p.slice(i + 1).trim();
      }
      const q = params.q !== undefined ? Number(params.q) : 1;
      return { type: (type ?? '').toLowerCase(), params, q: Number.isFinite(q) ? q : 0 };
    })
    .filter((e) => e.type && e.q > 0)
    .sort((a, b) => b.q - a.q);
}

/** For resource requests. `allowAs` lists the `as=` transformations this endpoint can serve. */
export function negotiate(accept: string | undefined, allowAs: string[] = ['Table', 'PartialObjectMetadata', 'PartialObjectMetadataList']): Representation {
  if (!accept || accept.trim() === '') return { format: 'json' };
  const entries = parseAccept(accept);
  for (const e of entries) {
    const fmt = formatOf(e.type);
    if (!fmt) continue;
    if (e.params.as) {
      const g = e.params.g ?? '';
      const v = e.params.v ?? '';
      if (g === 'meta.k8s.io' && (v === 'v1' || v === 'v1beta1') && allowAs.includes(e.params.as)) {
        return { format: fmt, as: e.params.as as 'Table' };
      }
      continue;
    }
    return { format: fmt };
  }
  throw errors.notAcceptable('only the following media types are accepted: application/json, application/yaml, application/json;as=Table;v=v1;g=meta.k8s.io');
}

function formatOf(type: string): 'json' | 'yaml' | undefined {
  if (type === 'application/json' || type === 'application/*' || type === '*/*' || type === 'application/json-patch+json') return 'json';
  if (type === 'application/yaml') return 'yaml';
  return undefined;
}
