// Secret: defaults (type Opaque, stringData folded into data), validation (keys, base64, size, per-type keys), table.

import type { StatusCause } from '../status.js';
import type { KindStrategy, KObject } from '../strategy.js';
import { forbidden, immutable, invalid, required, semanticEqual, tooLong } from '../validation/field.js';
import { isConfigMapKey } from '../validation/names.js';
import { MAX_DATA_SIZE } from './configmap.js';
import { AGE_COLUMN, NAME_COLUMN, ageOf, col, nameOf } from './table.js';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Decodes standard, padded base64 as Go's encoding/json does for []byte fields (CR/LF
 * ignored); on failure returns Go's message, "illegal base64 data at input byte N".
 */
export function decodeBase64Strict(src: string): { bytes?: Buffer; error?: string } {
  const fail = (i: number) => ({ error: `illegal base64 data at input byte ${i}` });
  const isNL = (c: string) => c === '\n' || c === '\r';
  const out: string[] = [];
  let si = 0;
  for (;;) {
    // one quantum of up to four symbols, mirroring Go's decodeQuantum
    let j = 0;
    let done = false;
    const quantum: string[] = [];
    while (j < 4) {
      if (si === src.length) {
        if (j === 0) return { bytes: Buffer.from(out.join(''), 'base64') };
        return fail(si - j);
      }
      const c = src[si++];
      if (B64.includes(c)) {
        quantum.push(c);
        j++;
        continue;
      }
      if (isNL(c)) continue;
      if (c !== '=') return fail(si - 1);
      if (j === 0 || j === 1) return fail(si - 1);
      if (j === 2) {
        while (si < src.length && isNL(src[si])) si++;
        if (si === src.length) return fail(src.length);
        if (src[si] !== '=') return fail(si - 1);
        si++;
      }
      while (si < src.length && isNL(src[si])) si++;
      if (si < src.length) return fail(si);
      done = true;
      break;
    }
    out.push(quantum.join(''));
    if (done) return { bytes: Buffer.from(out.join(''), 'base64') };
  }
}

/** The first data value that is not valid base64, as upstream's decoder would reject the body (a 400). */
export function secretDecodeError(secret: KObject): string | undefined {
  for (const v of Object.values((secret?.data ?? {}) as Record<string, unknown>)) {
    if (typeof v !== 'string') return `json: cannot unmarshal ${typeof v} into Go struct field Secret.data of type []uint8`;
    const r = decodeBase64Strict(v);
    if (r.error) return r.error;
  }
  return undefined;
}

export function validateSecret(secret: KObject): StatusCause[] {
  const errs: StatusCause[] = [];
  const data: Record<string, unknown> = secret.data && typeof secret.data === 'object' ? secret.data : {};
  let total = 0;
  for (const [k, v] of Object.entries(data)) {
    for (const m of isConfigMapKey(k)) errs.push(invalid(`data[${k}]`, k, m));
    if (typeof v === 'string') {
      const r = decodeBase64Strict(v);
      if (r.error) errs.push(invalid(`data[${k}]`, '<secret contents redacted>', r.error));
      else total += r.bytes!.length;
    }
  }
  if (total > MAX_DATA_SIZE) errs.push(tooLong('data', MAX_DATA_SIZE));
  const has = (k: string) => Object.prototype.hasOwnProperty.call(data, k);
  const decoded = (k: string) => (typeof data[k] === 'string' ? decodeBase64Strict(data[k] as string).bytes : undefined);
  const jsonCheck = (k: string) => {
    if (!has(k)) {
      errs.push(required(`data[${k}]`));
      return;
    }
    try {
      const parsed = JSON.parse(decoded(k)?.toString('utf8') ?? '');
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('json: cannot unmarshal into Go value of type map[string]interface {}');
    } catch (e) {
      errs.push(invalid(`data[${k}]`, '<secret contents redacted>', (e as Error).message));
    }
  };
  switch (secret.type) {
    case 'kubernetes.io/service-account-token':
      if (!secret.metadata?.annotations?.['kubernetes.io/service-account.name']) errs.push(required('metadata.annotations[kubernetes.io/service-account.name]'));
      break;
    case 'kubernetes.io/dockercfg':
      jsonCheck('.dockercfg');
      break;
    case 'kubernetes.io/dockerconfigjson':
      jsonCheck('.dockerconfigjson');
      break;
    case 'kubernetes.io/basic-auth':
      if (!has('username') && !has('password')) {
        errs.push(required('data[username]'));
        errs.push(required('data[password]'));
      }
      break;
    case 'kubernetes.io/ssh-auth':
      if (!decoded('ssh-privatekey')?.length) errs.push(required('data[ssh-privatekey]'));
      break;
    case 'kubernetes.io/tls':
      if (!has('tls.crt')) errs.push(required('data[tls.crt]'));
      if (!has('tls.key')) errs.push(required('data[tls.key]'));
      break;
    default:
      break;
  }
  return errs;
}

export const secretStrategy: KindStrategy = {
  defaults(secret) {
    secret.type ||= 'Opaque';
    // stringData is write-only: it is merged into data (winning over data) and never stored
    if (secret.stringData && typeof secret.stringData === 'object') {
      secret.data ??= {};
      for (const [k, v] of Object.entries(secret.stringData as Record<string, unknown>)) secret.data[k] = Buffer.from(String(v ?? ''), 'utf8').toString('base64');
    }
    delete secret.stringData;
  },

  validate(secret, old) {
    const errs: StatusCause[] = [];
    if (old) {
      errs.push(...immutable(secret.type ?? '', old.type ?? '', 'type'));
      if (old.immutable === true) {
        if (secret.immutable !== true) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
        if (!semanticEqual(secret.data, old.data)) errs.push(forbidden('data', 'field is immutable when `immutable` is set'));
      }
    }
    return [...errs, ...validateSecret(secret)];
  },

  selectableFields(secret) {
    return { type: secret?.type ?? '' };
  },

  table: {
    columns: [NAME_COLUMN, col('Type', 'string', 'The type of the secret.'), col('Data', 'integer', 'Number of data entries.'), AGE_COLUMN],
    cells(secret, now) {
      return [nameOf(secret), secret.type ?? '', Object.keys(secret.data ?? {}).length, ageOf(secret, now)];
    },
  },
};
