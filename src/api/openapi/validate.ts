// Field validation of a decoded object against its OpenAPI schema: unknown fields and wrong value types, worded as upstream's decoder.
//
// Contract for the API server (it runs on every write, after the body is parsed, before defaults):
//   const r = validateObject(obj, group, version, kind);
//   - r.errors non-empty: the body cannot be decoded whatever fieldValidation says. Upstream reports
//     one error, the one put first here: answer 400 BadRequest with
//     cannotBeHandledMessage(kind, version, r.errors[0].message).
//   - else r.unknownFields non-empty and fieldValidation=Strict: 400 BadRequest with
//     cannotBeHandledMessage(kind, version, strictDecodingMessage(r.unknownFields));
//     fieldValidation=Warn (the server default when the parameter is absent; kubectl 1.32 sends
//     Strict by default): one `Warning: 299 - "<w>"` header per unknownFieldWarnings(r.unknownFields),
//     with `"` and `\` in <w> escaped by a backslash (else clients drop it); Ignore: nothing.
// Paths use the decoder's notation: `spec.template.spec.containers[0].foo` (no leading dot). null
// is accepted anywhere (it decodes to the zero value). Duplicate JSON keys cannot be seen here
// (JSON.parse keeps the last); detect them on the raw body if needed.
// Unknown group/version/kind (no schema): returns no findings.
import { definitionFor, definitions, INT_OR_STRING, MICRO_TIME, QUANTITY, refName, TIME, type Schema } from './schemas.js';

export interface FieldValidationError {
  /** JSON path of the offending value, e.g. `spec.replicas`, `spec.template.spec.containers[0].image` */
  field: string;
  /** upstream decoder wording, e.g. `json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32` */
  message: string;
  /** a Status cause type: FieldValueTypeInvalid / FieldValueInvalid */
  reason: string;
}

export interface ValidationResult {
  unknownFields: string[];
  errors: FieldValidationError[];
}

/** `Deployment in version "v1" cannot be handled as a Deployment: <detail>` */
export function cannotBeHandledMessage(kind: string, version: string, detail: string): string {
  return `${kind} in version "${version}" cannot be handled as a ${kind}: ${detail}`;
}

/** `strict decoding error: unknown field "spec.foo", unknown field "spec.bar"` */
export function strictDecodingMessage(unknownFields: readonly string[]): string {
  return `strict decoding error: ${unknownFields.map((f) => `unknown field "${f}"`).join(', ')}`;
}

/** One warning text per unknown field, for fieldValidation=Warn: `unknown field "spec.foo"` */
export function unknownFieldWarnings(unknownFields: readonly string[]): string[] {
  return unknownFields.map((f) => `unknown field "${f}"`);
}

// ---- compiled schema nodes

const enum K {
  Obj,
  Arr,
  Map,
  Str,
  Int32,
  Int64,
  Float,
  Bool,
  IntOrStr,
  Qty,
  Time,
  MicroTime,
  Bytes,
  Any,
}

interface Node {
  k: K;
  /** Go type as the decoder names it: int32, v1.Container, []v1.Container, map[string]string */
  go: string;
  elem?: Node;
  obj?: ObjType;
}

interface ObjType {
  /** Go struct name without package: DeploymentSpec */
  name: string;
  schema: Schema;
  props?: Map<string, Node>;
}

const byRef = new Map<string, Node>();

function goPackage(defName: string): string {
  const parts = defName.split('.');
  return parts[parts.length - 2]!;
}

function refNode(name: string): Node {
  let n = byRef.get(name);
  if (n) return n;
  const short = name.slice(name.lastIndexOf('.') + 1);
  const go = `${goPackage(name)}.${short}`;
  if (name === INT_OR_STRING) n = { k: K.IntOrStr, go };
  else if (name === QUANTITY) n = { k: K.Qty, go };
  else if (name === TIME) n = { k: K.Time, go };
  else if (name === MICRO_TIME) n = { k: K.MicroTime, go };
  else {
    const def = definitions()[name];
    if (!def || (def.type === 'object' && !def.properties && !def.additionalProperties)) n = { k: K.Any, go };
    else if (def.type === 'object' && def.properties) n = { k: K.Obj, go, obj: { name: short, schema: def } };
    else n = schemaNode(def);
  }
  byRef.set(name, n);
  return n;
}

function schemaNode(s: Schema): Node {
  if (s.$ref) return refNode(refName(s.$ref));
  switch (s.type) {
    case 'array': {
      const elem = s.items ? schemaNode(s.items) : ANY;
      return { k: K.Arr, go: `[]${elem.go}`, elem };
    }
    case 'object': {
      if (s.additionalProperties && typeof s.additionalProperties === 'object') {
        const elem = schemaNode(s.additionalProperties);
        return { k: K.Map, go: `map[string]${elem.go}`, elem };
      }
      return ANY;
    }
    case 'string':
      if (s.format === 'byte') return BYTES;
      if (s.format === 'int-or-string') return refNode(INT_OR_STRING);
      if (s.format === 'quantity') return refNode(QUANTITY);
      if (s.format === 'date-time') return refNode(TIME);
      return STR;
    case 'integer':
      return s.format === 'int64' ? INT64 : INT32;
    case 'number':
      return FLOAT;
    case 'boolean':
      return BOOL;
    default:
      return ANY;
  }
}

const ANY: Node = { k: K.Any, go: 'interface {}' };
const STR: Node = { k: K.Str, go: 'string' };
const BYTES: Node = { k: K.Bytes, go: '[]uint8' };
const INT32: Node = { k: K.Int32, go: 'int32' };
const INT64: Node = { k: K.Int64, go: 'int64' };
const FLOAT: Node = { k: K.Float, go: 'float64' };
const BOOL: Node = { k: K.Bool, go: 'bool' };

function propsOf(t: ObjType): Map<string, Node> {
  if (t.props) return t.props;
  const m = new Map<string, Node>();
  for (const [k, s] of Object.entries(t.schema.properties ?? {})) m.set(k, schemaNode(s));
  t.props = m;
  return m;
}

// ---- the walk

/** Path segments: field names (string), list indexes (number), map keys (wrapped, so the decoder's Go field path skips them). */
type Seg = string | number | { key: string };

class Walk {
  readonly segs: Seg[] = [];
  readonly unknownFields: string[] = [];
  readonly errors: FieldValidationError[] = [];
  /** Index of the first error raised by a type that decodes itself (Quantity, Time, IntOrString): upstream's decoder stops there and reports it. */
  abortAt = -1;

  jsonPath(extra?: string): string {
    let out = '';
    for (const s of this.segs) {
      if (typeof s === 'number') out += `[${s}]`;
      else {
        const name = typeof s === 'string' ? s : s.key;
        out += out ? `.${name}` : name;
      }
    }
    if (extra !== undefined) out += out ? `.${extra}` : extra;
    return out;
  }

  /** The decoder's field stack: struct field names only. */
  goFieldPath(): string {
    let out = '';
    for (const s of this.segs) if (typeof s === 'string') out += out ? `.${s}` : s;
    return out;
  }

  typeError(value: unknown, node: Node, struct: string | undefined, fatal = false): void {
    if (fatal && this.abortAt < 0) this.abortAt = this.errors.length;
    const what = describe(value, node);
    const message =
      struct !== undefined && this.segs.length
        ? `json: cannot unmarshal ${what} into Go struct field ${struct}.${this.goFieldPath()} of type ${node.go}`
        : `json: cannot unmarshal ${what} into Go value of type ${node.go}`;
    this.errors.push({ field: this.jsonPath(), message, reason: 'FieldValueTypeInvalid' });
  }

  invalid(message: string, fatal: boolean, reason = 'FieldValueInvalid'): void {
    if (fatal && this.abortAt < 0) this.abortAt = this.errors.length;
    this.errors.push({ field: this.jsonPath(), message, reason });
  }

  object(t: ObjType, obj: Record<string, unknown>): void {
    const props = propsOf(t);
    for (const key in obj) {
      const node = props.get(key);
      if (node === undefined) {
        this.unknownFields.push(this.jsonPath(key));
        continue;
      }
      const v = obj[key];
      if (v === null || v === undefined) continue;
      this.segs.push(key);
      this.value(node, v, t.name);
      this.segs.pop();
    }
  }

  value(node: Node, v: unknown, struct: string | undefined): void {
    if (v === null || v === undefined) return;
    switch (node.k) {
      case K.Obj:
        if (typeof v !== 'object' || Array.isArray(v)) this.typeError(v, node, struct);
        else this.object(node.obj!, v as Record<string, unknown>);
        return;
      case K.Arr: {
        if (!Array.isArray(v)) return this.typeError(v, node, struct);
        const elem = node.elem!;
        if (elem.k === K.Str) {
          for (let i = 0; i < v.length; i++) {
            if (typeof v[i] !== 'string' && v[i] !== null) {
              this.segs.push(i);
              this.typeError(v[i], elem, struct);
              this.segs.pop();
            }
          }
          return;
        }
        for (let i = 0; i < v.length; i++) {
          this.segs.push(i);
          this.value(elem, v[i], struct);
          this.segs.pop();
        }
        return;
      }
      case K.Map: {
        if (typeof v !== 'object' || Array.isArray(v)) return this.typeError(v, node, struct);
        const elem = node.elem!;
        const m = v as Record<string, unknown>;
        for (const key in m) {
          const x = m[key];
          if (x === null || (elem.k === K.Str && typeof x === 'string')) continue;
          this.segs.push({ key });
          this.value(elem, x, struct);
          this.segs.pop();
        }
        return;
      }
      case K.Str:
        if (typeof v !== 'string') this.typeError(v, node, struct);
        return;
      case K.Bool:
        if (typeof v !== 'boolean') this.typeError(v, node, struct);
        return;
      case K.Int32:
        if (typeof v !== 'number' || !Number.isInteger(v) || v < -2147483648 || v > 2147483647) this.typeError(v, node, struct);
        return;
      case K.Int64:
        if (typeof v !== 'number' || !Number.isInteger(v) || !Number.isSafeInteger(v)) this.typeError(v, node, struct);
        return;
      case K.Float:
        if (typeof v !== 'number') this.typeError(v, node, struct);
        return;
      case K.IntOrStr:
        // IntOrString decodes itself: a string, or else an int32 (errors lose the field context).
        if (typeof v === 'string') return;
        if (typeof v !== 'number' || !Number.isInteger(v) || v < -2147483648 || v > 2147483647) this.typeError(v, INT32, undefined, true);
        return;
      case K.Qty: {
        if (typeof v !== 'string' && typeof v !== 'number') return this.invalid(QUANTITY_FORMAT, true);
        const err = quantityError(typeof v === 'number' ? String(v) : v.trim());
        if (err) this.invalid(err, true);
        return;
      }
      case K.Time:
      case K.MicroTime: {
        if (typeof v !== 'string') return this.typeError(v, STR, undefined, true);
        const err = timeError(v, node.k === K.MicroTime);
        if (err) this.invalid(err, true);
        return;
      }
      case K.Bytes: {
        if (typeof v !== 'string') return this.typeError(v, node, struct);
        const at = base64ErrorOffset(v);
        if (at >= 0) this.invalid(`illegal base64 data at input byte ${at}`, false);
        return;
      }
      case K.Any:
        return;
    }
  }
}

/** The decoder's name for a JSON value: string, number (with the literal for a number of the wrong kind), bool, object, array. */
function describe(v: unknown, node: Node): string {
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      return node.k === K.Int32 || node.k === K.Int64 ? `number ${String(v)}` : 'number';
    default:
      return Array.isArray(v) ? 'array' : 'object';
  }
}

// ---- special scalars

const QUANTITY_FORMAT = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const QUANTITY_SHAPE = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)[eEinumkKMGTP]*[-+]?[0-9]*$/;
const QUANTITY_SUFFIX = /^(?:|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][-+]?[0-9]+)$/;

/** Why a quantity string does not parse (upstream's ParseQuantity messages), or undefined. */
export function quantityError(s: string): string | undefined {
  if (!QUANTITY_SHAPE.test(s)) return QUANTITY_FORMAT;
  const m = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)/.exec(s)!;
  const suffix = s.slice(m[0].length);
  if (!QUANTITY_SUFFIX.test(suffix)) return "unable to parse quantity's suffix";
  return undefined;
}

const RFC3339 = '2006-01-02T15:04:05Z07:00';
const RFC3339_MICRO = '2006-01-02T15:04:05.000000Z07:00';
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Why a timestamp does not parse as RFC 3339 (worded as Go's time.Parse), or undefined. */
export function timeError(value: string, micro: boolean): string | undefined {
  const layout = micro ? RFC3339_MICRO : RFC3339;
  const q = (s: string) => JSON.stringify(s);
  let rest = value;
  const bad = (elem: string) => `parsing time ${q(value)} as ${q(layout)}: cannot parse ${q(rest)} as ${q(elem)}`;
  const range = (what: string) => `parsing time ${q(value)}: ${what} out of range`;
  const digits = (n: number, elem: string, flexible = false): number | string => {
    let len = 0;
    while (len < n && rest.charCodeAt(len) >= 48 && rest.charCodeAt(len) <= 57) len++;
    if (len < n && !(flexible && len >= 1)) return bad(elem);
    const v = Number(rest.slice(0, len));
    rest = rest.slice(len);
    return v;
  };
  const lit = (c: string): string | undefined => {
    if (!rest.startsWith(c)) return bad(c);
    rest = rest.slice(c.length);
    return undefined;
  };
  const year = digits(4, '2006');
  if (typeof year === 'string') return year;
  let e = lit('-');
  if (e) return e;
  const month = digits(2, '01');
  if (typeof month === 'string') return month;
  if (month < 1 || month > 12) return range('month');
  if ((e = lit('-'))) return e;
  const day = digits(2, '02');
  if (typeof day === 'string') return day;
  if ((e = lit('T'))) return e;
  const hour = digits(2, '15', true);
  if (typeof hour === 'string') return hour;
  if (hour > 23) return range('hour');
  if ((e = lit(':'))) return e;
  const minute = digits(2, '04');
  if (typeof minute === 'string') return minute;
  if (minute > 59) return range('minute');
  if ((e = lit(':'))) return e;
  const second = digits(2, '05');
  if (typeof second === 'string') return second;
  if (second > 59) return range('second');
  if (micro) {
    if (!/^\.[0-9]{6}/.test(rest)) return bad('.000000');
    rest = rest.slice(7);
  } else if (/^[.,][0-9]/.test(rest)) {
    rest = rest.replace(/^[.,][0-9]+/, '');
  }
  if (rest.startsWith('Z')) rest = rest.slice(1);
  else if (/^[+-][0-9]{2}:[0-9]{2}/.test(rest)) rest = rest.slice(6);
  else return bad('Z07:00');
  if (rest) return `parsing time ${q(value)}: extra text: ${q(rest)}`;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const maxDay = month === 2 && leap ? 29 : DAYS[month - 1]!;
  if (day < 1 || day > maxDay) return range('day');
  return undefined;
}

/** Offset of the first byte standard base64 (padded; CR/LF ignored) rejects, or -1. */
export function base64ErrorOffset(s: string): number {
  let n = 0; // significant characters seen
  let pad = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 10 || c === 13) continue;
    if (c === 61) {
      // '='
      if (n % 4 < 2) return i;
      pad++;
      n++;
      continue;
    }
    const ok = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47;
    if (!ok || pad > 0) return i;
    n++;
  }
  // An unfinished quantum is reported at its first byte.
  return n % 4 === 0 ? -1 : s.length - (n % 4);
}

// ---- entry point

const rootByGVK = new Map<string, Node | null>();

function rootNode(group: string, version: string, kind: string): Node | undefined {
  const key = `${group}/${version}/${kind}`;
  let n = rootByGVK.get(key);
  if (n === undefined) {
    const d = definitionFor(group, version, kind);
    n = d ? refNode(d.name) : null;
    rootByGVK.set(key, n);
  }
  return n ?? undefined;
}

/** Walks `obj` against the schema of group/version/kind; see the file header for how to answer. */
export function validateObject(obj: unknown, group: string, version: string, kind: string): ValidationResult {
  const node = rootNode(group, version, kind);
  if (!node) return { unknownFields: [], errors: [] };
  const w = new Walk();
  w.value(node, obj, undefined);
  const errors = w.errors;
  if (w.abortAt > 0) errors.unshift(...errors.splice(w.abortAt, 1));
  return { unknownFields: w.unknownFields, errors };
}
