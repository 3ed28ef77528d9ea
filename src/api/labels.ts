// Label selectors (`a=b,c in (x,y),!d`) and field selectors (`spec.nodeName=n1,status.phase!=Failed`):
// parsing with upstream's grammar and error messages, matching, and string forms.

import { isQualifiedName, isValidLabelValue } from './validation/names.js';
import { invalid, notSupported, causeToString } from './validation/field.js';
import type { StatusCause } from './status.js';

/** upstream's selection.Operator spellings */
export type LabelOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

export interface Requirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

/**
 * A parsed label selector: requirements ANDed together, sorted by key.
 * `nothing` marks the selector that matches no object (a nil metav1.LabelSelector).
 */
export interface LabelSelector {
  requirements: Requirement[];
  nothing?: boolean;
}

/** metav1.LabelSelector as it appears in object specs */
export interface LabelSelectorSpec {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: { key: string; operator: string; values?: string[] | null }[] | null;
}

export type Labels = Record<string, string> | null | undefined;

const VALID_OPERATORS: LabelOperator[] = ['!', '=', '==', 'in', '!=', 'notin', 'exists', 'gt', 'lt'];
const BINARY_OPERATORS = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];

export class SelectorParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SelectorParseError';
  }
}

function aggregate(causes: StatusCause[]): string {
  const msgs = [...new Set(causes.map(causeToString))];
  return msgs.length === 1 ? msgs[0] : `[${msgs.join(', ')}]`;
}

function fieldPrefix(path: string | undefined, child: string): string {
  return path ? `${path}.${child}` : child;
}

/**
 * upstream's labels.NewRequirement: validates key, operator and values; throws
 * SelectorParseError carrying the aggregated field errors.
 */
export function newRequirement(key: string, operator: LabelOperator, values: string[], path?: string): Requirement {
  const errs: StatusCause[] = [];
  const keyErrs = isQualifiedName(key);
  if (keyErrs.length) errs.push(invalid(fieldPrefix(path, 'key'), key, keyErrs.join('; ')));
  const valuePath = fieldPrefix(path, 'values');
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) errs.push(invalid(valuePath, values, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) errs.push(invalid(valuePath, values, 'exact-match compatibility requires one single value'));
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) errs.push(invalid(valuePath, values, 'values set must be empty for exists and does not exist'));
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) errs.push(invalid(valuePath, values, "for 'Gt', 'Lt' operators, exactly one value is required"));
      values.forEach((v, i) => {
        if (!/^[+-]?[0-9]+$/.test(v)) errs.push(invalid(`${valuePath}[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      break;
    default:
      errs.push(notSupported(fieldPrefix(path, 'operator'), operator, VALID_OPERATORS));
  }
  values.forEach((v, i) => {
    const m = isValidLabelValue(v);
    if (m.length) errs.push(invalid(`${valuePath}[${i}][${key}]`, v, m.join('; ')));
  });
  if (errs.length) throw new SelectorParseError(aggregate(errs));
  return { key, operator, values };
}

// ---- lexer ----

type Tok = 'error' | 'eos' | ')' | ',' | '!' | '==' | '=' | '>' | 'in' | '<' | '!=' | 'notin' | '(' | 'id';
const STRING_TO_TOKEN: Record<string, Tok> = { ')': ')', ',': ',', '!': '!', '==': '==', '=': '=', '>': '>', in: 'in', '<': '<', '!=': '!=', notin: 'notin', '(': '(' };

function isWhitespace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
}

function isSpecial(ch: string): boolean {
  return '=!(),><'.includes(ch);
}

function lex(s: string): { tok: Tok; lit: string }[] {
  const out: { tok: Tok; lit: string }[] = [];
  let pos = 0;
  for (;;) {
    while (pos < s.length && isWhitespace(s[pos])) pos++;
    if (pos >= s.length) {
      out.push({ tok: 'eos', lit: '' });
      return out;
    }
    if (isSpecial(s[pos])) {
      let buffer = '';
      let last: { tok: Tok; lit: string } | undefined;
      while (pos < s.length && isSpecial(s[pos])) {
        buffer += s[pos];
        const t = STRING_TO_TOKEN[buffer];
        if (t) {
          last = { tok: t, lit: buffer };
          pos++;
        } else if (last) {
          break;
        } else {
          pos++;
        }
      }
      if (!last) {
        out.push({ tok: 'error', lit: `error expected: keyword found '${buffer}'` });
        // upstream keeps scanning after an error token; the parser reports it
      } else out.push(last);
      continue;
    }
    const start = pos;
    while (pos < s.length && !isSpecial(s[pos]) && !isWhitespace(s[pos])) pos++;
    const word = s.slice(start, pos);
    out.push({ tok: STRING_TO_TOKEN[word] ?? 'id', lit: word });
  }
}

/** Parses upstream's label selector syntax; throws SelectorParseError with upstream's messages. */
export function parseLabelSelector(selector: string): LabelSelector {
  const items = lex(selector);
  let position = 0;
  // in "values" context `in`/`notin` are plain identifiers
  const lookahead = (values: boolean) => {
    const it = items[position];
    return { tok: values && (it.tok === 'in' || it.tok === 'notin') ? ('id' as Tok) : it.tok, lit: it.lit };
  };
  const consume = (values: boolean) => {
    const r = lookahead(values);
    position++;
    return r;
  };
  const fail = (msg: string): never => {
    throw new SelectorParseError(msg);
  };

  const parseValues = (): string[] => {
    let { tok, lit } = consume(true);
    if (tok !== '(') fail(`found '${lit}' expected: '('`);
    ({ tok, lit } = lookahead(true));
    if (tok === 'id' || tok === ',') {
      const set = new Set<string>();
      for (;;) {
        const c = consume(true);
        if (c.tok === 'id') {
          set.add(c.lit);
          const n = lookahead(true);
          if (n.tok === ',') continue;
          if (n.tok === ')') break;
          fail(`found '${n.lit}', expected: ',' or ')'`);
        } else if (c.tok === ',') {
          if (set.size === 0) set.add('');
          const n = lookahead(true);
          if (n.tok === ')') {
            set.add('');
            break;
          }
          if (n.tok === ',') {
            consume(true);
            set.add('');
          }
        } else {
          fail(`found '${c.lit}', expected: ',', or identifier`);
        }
      }
      if (consume(true).tok !== ')') fail(`found '${lit}', expected: ')'`);
      return [...set].sort();
    }
    if (tok === ')') {
      consume(true);
      return [''];
    }
    return fail(`found '${lit}', expected: ',', ')' or identifier`);
  };

  const parseExactValue = (): string[] => {
    const t = lookahead(true);
    if (t.tok === 'eos' || t.tok === ',') return [''];
    const c = consume(true);
    if (c.tok === 'id') return [c.lit];
    return fail(`found '${c.lit}', expected: identifier`);
  };

  const parseRequirement = (): Requirement => {
    let operator: LabelOperator | undefined;
    let { tok, lit } = consume(true);
    if (tok === '!') {
      operator = '!';
      ({ tok, lit } = consume(true));
    }
    if (tok !== 'id') fail(`found '${lit}', expected: identifier`);
    const keyErrs = isQualifiedName(lit);
    if (keyErrs.length) fail(causeToString(invalid('<nil>', lit, keyErrs.join('; '))));
    const key = lit;
    const next = lookahead(true).tok;
    if (next === 'eos' || next === ',') {
      if (operator !== '!') operator = 'exists';
    }
    if (operator === 'exists' || operator === '!') return newRequirement(key, operator, []);
    const op = consume(false);
    const opMap: Partial<Record<Tok, LabelOperator>> = { in: 'in', '=': '=', '==': '==', '>': 'gt', '<': 'lt', notin: 'notin', '!=': '!=' };
    const binOp = opMap[op.tok];
    if (!binOp) return fail(`found '${op.lit}', expected: ${BINARY_OPERATORS.join(', ')}`);
    const values = binOp === 'in' || binOp === 'notin' ? parseValues() : parseExactValue();
    return newRequirement(key, binOp, values);
  };

  const requirements: Requirement[] = [];
  for (;;) {
    const { tok, lit } = lookahead(true);
    if (tok === 'id' || tok === '!') {
      try {
        requirements.push(parseRequirement());
      } catch (e) {
        throw new SelectorParseError(`unable to parse requirement: ${(e as Error).message}`);
      }
      const t = consume(true);
      if (t.tok === 'eos') break;
      if (t.tok === ',') {
        const t2 = lookahead(true);
        if (t2.tok !== 'id' && t2.tok !== '!') fail(`found '${t2.lit}', expected: identifier after ','`);
        continue;
      }
      fail(`found '${t.lit}', expected: ',' or 'end of string'`);
    } else if (tok === 'eos') {
      break;
    } else {
      fail(`found '${lit}', expected: !, identifier, or 'end of string'`);
    }
  }
  return { requirements: sortByKey(requirements) };
}

function sortByKey(reqs: Requirement[]): Requirement[] {
  return [...reqs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** The selector matching every object. */
export function everything(): LabelSelector {
  return { requirements: [] };
}

/** The selector matching no object. */
export function nothing(): LabelSelector {
  return { requirements: [], nothing: true };
}

/** True for the match-everything selector (an empty one), as upstream's Selector.Empty(). */
export function isEmptySelector(sel: LabelSelector): boolean {
  return !sel.nothing && sel.requirements.length === 0;
}

function matchRequirement(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = has ? labels[r.key] : undefined;
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return has && r.values.includes(v!);
    case 'notin':
    case '!=':
      return !has || !r.values.includes(v!);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || !/^[+-]?[0-9]+$/.test(v!) || r.values.length !== 1 || !/^[+-]?[0-9]+$/.test(r.values[0])) return false;
      const lv = BigInt(v!);
      const rv = BigInt(r.values[0]);
      return r.operator === 'gt' ? lv > rv : lv < rv;
    }
    default:
      return false;
  }
}

/** Whether the labels satisfy every requirement. */
export function matchLabelSelector(sel: LabelSelector, labels: Labels): boolean {
  if (sel.nothing) return false;
  const l = labels ?? {};
  return sel.requirements.every((r) => matchRequirement(r, l));
}

/**
 * upstream's metav1.LabelSelectorAsSelector: null/undefined → nothing, {} → everything,
 * matchLabels as `=`, matchExpressions In/NotIn/Exists/DoesNotExist. Throws SelectorParseError
 * on invalid keys, values or operators.
 */
export function labelSelectorFromSpec(spec: LabelSelectorSpec | null | undefined): LabelSelector {
  if (spec == null) return nothing();
  const ml = spec.matchLabels ?? {};
  const me = spec.matchExpressions ?? [];
  if (Object.keys(ml).length + me.length === 0) return everything();
  const reqs: Requirement[] = [];
  for (const [k, v] of Object.entries(ml)) reqs.push(newRequirement(k, '=', [v]));
  for (const raw of me) {
    const e = raw ?? { key: '', operator: '' };
    const op = ({ In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' } as Record<string, LabelOperator>)[e.operator];
    if (!op) throw new SelectorParseError(`${JSON.stringify(e.operator)} is not a valid label selector operator`);
    reqs.push(newRequirement(e.key, op, [...(e.values ?? [])]));
  }
  return { requirements: sortByKey(reqs) };
}

/** A selector matching exactly a set of labels (RC and Service selectors); empty map → everything. */
export function selectorFromSet(set: Labels): LabelSelector {
  const reqs = Object.entries(set ?? {}).map(([k, v]) => ({ key: k, operator: '=' as LabelOperator, values: [v] }));
  return { requirements: sortByKey(reqs) };
}

function requirementToString(r: Requirement): string {
  let s = r.operator === '!' ? '!' : '';
  s += r.key;
  switch (r.operator) {
    case '=': s += '='; break;
    case '==': s += '=='; break;
    case '!=': s += '!='; break;
    case 'in': s += ' in '; break;
    case 'notin': s += ' notin '; break;
    case 'gt': s += '>'; break;
    case 'lt': s += '<'; break;
    case 'exists':
    case '!':
      return s;
  }
  const vals = r.values.length === 1 ? r.values[0] : [...r.values].sort().join(',');
  return r.operator === 'in' || r.operator === 'notin' ? `${s}(${vals})` : s + vals;
}

/** upstream's Selector.String(): requirements joined by ","; the nothing selector prints "". */
export function labelSelectorToString(sel: LabelSelector): string {
  if (sel.nothing) return '';
  return sel.requirements.map(requirementToString).join(',');
}

/** metav1.FormatLabelSelector: "<none>" when it prints empty, "<error>" when invalid. */
export function formatLabelSelector(spec: LabelSelectorSpec | null | undefined): string {
  let s: string;
  try {
    s = labelSelectorToString(labelSelectorFromSpec(spec));
  } catch {
    return '<error>';
  }
  return s === '' ? '<none>' : s;
}

/** labels.FormatLabels: sorted "k=v,k2=v2", "<none>" when empty. */
export function formatLabels(labels: Labels): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${labels![k]}`).join(',');
}

// ---- field selectors ----

export interface FieldRequirement {
  field: string;
  operator: '=' | '==' | '!=';
  value: string;
}

/** Terms ANDed together (sorted as upstream sorts them). */
export interface FieldSelector {
  requirements: FieldRequirement[];
}

function splitTerms(s: string): string[] {
  if (s.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

function unescapeValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c === '\\' || c === ',' || c === '=') out += c;
      else throw new SelectorParseError(`invalid field selector: invalid escape sequence: \\${c}`);
      inSlash = false;
      continue;
    }
    if (c === '\\') inSlash = true;
    else if (c === ',' || c === '=') throw new SelectorParseError(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    else out += c;
  }
  if (inSlash) throw new SelectorParseError('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** Parses `a=b,c!=d` (`=`, `==`, `!=`; `\` escapes `,` `=` `\` in values); throws SelectorParseError. */
export function parseFieldSelector(selector: string): FieldSelector {
  const parts = splitTerms(selector).sort();
  const requirements: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === '') continue;
    let found: FieldRequirement | undefined;
    outer: for (let i = 0; i < part.length; i++) {
      for (const op of ['!=', '==', '='] as const) {
        if (part.startsWith(op, i)) {
          found = { field: part.slice(0, i), operator: op, value: part.slice(i + op.length) };
          break outer;
        }
      }
    }
    if (!found) throw new SelectorParseError(`invalid selector: '${selector}'; can't understand '${part}'`);
    found.value = unescapeValue(found.value);
    requirements.push(found);
  }
  return { requirements };
}

/** Missing fields read as "" (upstream's fields.Set.Get). */
export function matchFieldSelector(sel: FieldSelector, fields: Record<string, string>): boolean {
  return sel.requirements.every((r) => {
    const v = fields[r.field] ?? '';
    return r.operator === '!=' ? v !== r.value : v === r.value;
  });
}

/** The value an equality term pins the field to (for indexed lookups such as spec.nodeName), if any. */
export function fieldSelectorExactMatch(sel: FieldSelector, field: string): string | undefined {
  for (const r of sel.requirements) if (r.field === field && r.operator !== '!=') return r.value;
  return undefined;
}

/** null when every field is supported, else upstream's error message for the first unsupported one. */
export function unsupportedFieldLabel(sel: FieldSelector, supported: Iterable<string>): string | null {
  const ok = new Set(supported);
  for (const r of sel.requirements) if (!ok.has(r.field)) return `field label not supported: ${r.field}`;
  return null;
}

function escapeValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/,/g, '\\,').replace(/=/g, '\\=');
}

export function fieldSelectorToString(sel: FieldSelector): string {
  return sel.requirements.map((r) => `${r.field}${r.operator}${escapeValue(r.value)}`).join(',');
}
