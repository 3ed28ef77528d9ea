// Field-error builders: StatusCauses worded exactly as upstream's field.Error (reason, field path, message body).

import type { StatusCause } from '../status.js';
import type { KObject } from '../strategy.js';

/** A list of structs as Go decodes it: a missing list is empty and null elements read as empty objects. */
export function objs(v: unknown): KObject[] {
  return Array.isArray(v) ? v.map((x) => (x && typeof x === 'object' && !Array.isArray(x) ? x : {})) : [];
}

/** A list of strings as Go decodes it: null elements read as "". */
export function strs(v: unknown): string[] {
  return Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : x == null ? '' : String(x))) : [];
}

/** Replaces null elements of a struct list with {} in place (Go decodes them to zero structs); returns the list. */
export function fillNulls(v: unknown): KObject[] {
  if (!Array.isArray(v)) return [];
  for (let i = 0; i < v.length; i++) if (v[i] === null || typeof v[i] !== 'object') v[i] = {};
  return v;
}

/** A bad value already rendered the way Go's `%#v` prints it (e.g. a typed struct). */
export class GoRepr {
  constructor(readonly text: string) {}
}

/** Wraps preformatted text so it is printed verbatim as the bad value. */
export function goRepr(text: string): GoRepr {
  return new GoRepr(text);
}

/** Go's %q for a string (close enough: JSON escaping, which agrees for printable text). */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

function isStringMap(v: object): v is Record<string, string> {
  return Object.values(v).every((x) => typeof x === 'string');
}

/** `map[string]string{"a":"b", "c":"d"}` with Go's sorted keys; null → `map[string]string(nil)`. */
export function goStringMap(m: Record<string, string> | null | undefined): string {
  if (m == null) return 'map[string]string(nil)';
  const keys = Object.keys(m).sort();
  return `map[string]string{${keys.map((k) => `${goQuote(k)}:${goQuote(String(m[k]))}`).join(', ')}}`;
}

/** `[]string{"a", "b"}`; null → `[]string(nil)`. */
export function goStringSlice(a: string[] | null | undefined): string {
  if (a == null) return '[]string(nil)';
  return `[]string{${a.map((x) => goQuote(String(x))).join(', ')}}`;
}

/** A metav1.LabelSelector printed as `%#v` does (the famous "field is immutable" message). */
export function goLabelSelector(sel: { matchLabels?: Record<string, string>; matchExpressions?: { key?: string; operator?: string; values?: string[] }[] } | null | undefined): GoRepr {
  if (sel == null) return goRepr('null');
  const exprs = sel.matchExpressions == null
    ? '[]v1.LabelSelectorRequirement(nil)'
    : `[]v1.LabelSelectorRequirement{${sel.matchExpressions
      .map((e) => `v1.LabelSelectorRequirement{Key:${goQuote(e?.key ?? '')}, Operator:${goQuote(e?.operator ?? '')}, Values:${goStringSlice(e?.values)}}`)
      .join(', ')}}`;
  return goRepr(`v1.LabelSelector{MatchLabels:${goStringMap(sel.matchLabels)}, MatchExpressions:${exprs}}`);
}

/** An intstr.IntOrString printed as `%#v`. */
export function goIntOrString(v: unknown): GoRepr {
  if (v == null) return goRepr('null');
  if (typeof v === 'number') return goRepr(`intstr.IntOrString{Type:0, IntVal:${v}, StrVal:""}`);
  return goRepr(`intstr.IntOrString{Type:1, IntVal:0, StrVal:${goQuote(String(v))}}`);
}

/** Renders a bad value as upstream's ErrorBody does. */
export function formatBadValue(v: unknown): string {
  if (v instanceof GoRepr) return v.text;
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === 'string')) return goStringSlice(v);
    return JSON.stringify(v);
  }
  if (typeof v === 'object' && isStringMap(v)) return goStringMap(v);
  return JSON.stringify(v);
}

function withDetail(body: string, detail?: string): string {
  return detail ? `${body}: ${detail}` : body;
}

/** Joins a field path: path('spec', 'containers', 0, 'name') → "spec.containers[0].name"; strings in [] are keys. */
export function fieldPath(...parts: (string | number | [string])[]): string {
  let out = '';
  for (const p of parts) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (Array.isArray(p)) out += `[${p[0]}]`;
    else if (p !== '') out += out ? `.${p}` : p;
  }
  return out;
}

export function required(field: string, detail = ''): StatusCause {
  return { reason: 'FieldValueRequired', field, message: withDetail('Required value', detail) };
}

export function invalid(field: string, value: unknown, detail = ''): StatusCause {
  return { reason: 'FieldValueInvalid', field, message: withDetail(`Invalid value: ${formatBadValue(value)}`, detail) };
}

/** valid values are listed in the order given (upstream sorts some lists and not others). */
export function notSupported(field: string, value: unknown, valid: readonly string[]): StatusCause {
  const detail = valid.length ? `supported values: ${valid.map((x) => goQuote(x)).join(', ')}` : '';
  return { reason: 'FieldValueNotSupported', field, message: withDetail(`Unsupported value: ${formatBadValue(value)}`, detail) };
}

export function duplicate(field: string, value: unknown): StatusCause {
  return { reason: 'FieldValueDuplicate', field, message: `Duplicate value: ${formatBadValue(value)}` };
}

export function notFound(field: string, value: unknown): StatusCause {
  return { reason: 'FieldValueNotFound', field, message: `Not found: ${formatBadValue(value)}` };
}

export function forbidden(field: string, detail: string): StatusCause {
  return { reason: 'FieldValueForbidden', field, message: withDetail('Forbidden', detail) };
}

export function tooLong(field: string, maxLength: number): StatusCause {
  return { reason: 'FieldValueTooLong', field, message: withDetail('Too long', maxLength >= 0 ? `may not be more than ${maxLength} bytes` : 'value is too long') };
}

export function tooMany(field: string, actual: number, max: number): StatusCause {
  return { reason: 'FieldValueTooMany', field, message: withDetail(`Too many: ${actual}`, max >= 0 ? `must have at most ${max} items` : 'has too many items') };
}

export function internalError(field: string, err: string): StatusCause {
  return { reason: 'InternalError', field, message: `Internal error: ${err}` };
}

/** The whole cause as upstream's field.Error.Error() prints it: "field: body". */
export function causeToString(c: StatusCause): string {
  return c.field ? `${c.field}: ${c.message}` : `: ${c.message}`;
}

/** ValidateNonnegativeField */
export function nonNegative(value: unknown, field: string): StatusCause[] {
  return typeof value === 'number' && value < 0 ? [invalid(field, value, 'must be greater than or equal to 0')] : [];
}

/** ValidateImmutableField: the new value must equal the old (deep). */
export function immutable(newValue: unknown, oldValue: unknown, field: string, shown: unknown = newValue): StatusCause[] {
  return deepEqual(newValue, oldValue) ? [] : [invalid(field, shown, 'field is immutable')];
}

/** Plain JSON deep equality (undefined and missing keys are the same). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return a == b;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const k of keys) if (!deepEqual(ao[k], bo[k])) return false;
  return true;
}

function isZeroish(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === 0 || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.values(v as object).every(isZeroish);
  return false;
}

/**
 * Upstream's apiequality.Semantic.DeepEqual over decoded Go structs: nil and empty
 * slices/maps are equal, and absent fields equal their zero value.
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  if (isZeroish(a) && isZeroish(b)) return true;
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => semanticEqual(x, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const k of keys) if (!semanticEqual(ao[k], bo[k])) return false;
  return true;
}
