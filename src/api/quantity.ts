// Kubernetes resource quantities ("100m", "1Gi", "1e3"): exact parsing, comparison, arithmetic and canonical form.

/** How a quantity is written back: the format follows the suffix it was parsed with. */
export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/** Thrown for unparseable quantities; messages are upstream's. */
export class QuantityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuantityError';
  }
}

const SPLIT_RE = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
export const ERR_FORMAT_WRONG = `quantities must match the regular expression '${SPLIT_RE}'`;
export const ERR_NUMERIC = 'unable to parse numeric part of quantity';
export const ERR_SUFFIX = "unable to parse quantity's suffix";

const DEC_SUFFIX: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BIN_SUFFIX: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DEC_BY_EXP = new Map(Object.entries(DEC_SUFFIX).map(([s, e]) => [e, s]));
const BIN_BY_EXP = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

const NANO = 1_000_000_000n;
/** BinarySI values are capped here, as upstream caps them (2^63-1). */
const MAX_BINARY_NANOS = ((1n << 63n) - 1n) * NANO;

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

function ceilDiv(a: bigint, b: bigint): bigint {
  // a, b > 0: rounds up, as upstream rounds sub-nano values up ("you asked for some, you get some")
  const q = a / b;
  return a % b === 0n ? q : q + 1n;
}

interface Split { positive: boolean; num: string; denom: string; suffix: string }

// Mirrors upstream's hand-written scanner, including what it tolerates ("1.", "+5", leading zeros).
function splitQuantity(str: string): Split {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (str[0] === '-') { positive = false; pos++; } else if (str[0] === '+') pos++;
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return { positive, num: '0', denom: '', suffix: '' };
  let i = pos;
  while (i < end && str[i] >= '0' && str[i] <= '9') i++;
  let num = str.slice(pos, i);
  pos = i;
  if (num.length === 0) num = '0';
  let denom = '';
  if (pos < end && str[pos] === '.') {
    pos++;
    i = pos;
    while (i < end && str[i] >= '0' && str[i] <= '9') i++;
    denom = str.slice(pos, i);
    pos = i;
  }
  const suffixStart = pos;
  while (pos < end && 'eEinumkKMGTP'.includes(str[pos])) pos++;
  if (pos < end && (str[pos] === '-' || str[pos] === '+')) pos++;
  while (pos < end && str[pos] >= '0' && str[pos] <= '9') pos++;
  if (pos < end) throw new QuantityError(ERR_FORMAT_WRONG);
  return { positive, num, denom, suffix: str.slice(suffixStart) };
}

function interpretSuffix(suffix: string): { base: 2 | 10; exponent: number; format: QuantityFormat } {
  if (suffix in DEC_SUFFIX) return { base: 10, exponent: DEC_SUFFIX[suffix], format: 'DecimalSI' };
  if (suffix in BIN_SUFFIX) return { base: 2, exponent: BIN_SUFFIX[suffix], format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E')) {
    const rest = suffix.slice(1);
    if (/^[+-]?[0-9]+$/.test(rest)) {
      const exponent = Number(rest);
      if (Number.isSafeInteger(exponent) && Math.abs(exponent) < 1e6) return { base: 10, exponent, format: 'DecimalExponent' };
    }
  }
  throw new QuantityError(ERR_SUFFIX);
}

/**
 * An immutable quantity held exactly in nano-units (upstream's smallest precision; finer
 * values round up to 1n). The string form is upstream's canonical serialization.
 */
export class Quantity {
  private constructor(
    /** value × 10^9, exact */
    readonly nanos: bigint,
    readonly format: QuantityFormat,
  ) {}

  /** Parses a quantity string (or a JSON number, as upstream accepts unquoted numbers). Throws QuantityError. */
  static parse(input: string | number): Quantity {
    const str = typeof input === 'number' ? String(input) : input;
    if (typeof str !== 'string' || str.length === 0) throw new QuantityError(ERR_FORMAT_WRONG);
    if (str === '0') return new Quantity(0n, 'DecimalSI');
    const { positive, num, denom, suffix } = splitQuantity(str);
    const { base, exponent, format: parsedFormat } = interpretSuffix(suffix);
    let format = parsedFormat;
    const digits = BigInt(num + denom);
    const p10 = 9 - denom.length + (base === 10 ? exponent : 0);
    const numer = digits * (base === 2 ? 1n << BigInt(exponent) : 1n);
    let nanos: bigint;
    if (p10 >= 0) nanos = numer * pow10(p10);
    else nanos = numer === 0n ? 0n : ceilDiv(numer, pow10(-p10));
    if (format === 'BinarySI' && nanos > MAX_BINARY_NANOS) nanos = MAX_BINARY_NANOS;
    if (format === 'BinarySI' && nanos > 0n && nanos < NANO) format = 'DecimalSI';
    return new Quantity(positive ? nanos : -nanos, format);
  }

  /** Parses, returning undefined instead of throwing. */
  static tryParse(input: unknown): Quantity | undefined {
    if (typeof input !== 'string' && typeof input !== 'number') return undefined;
    try {
      return Quantity.parse(input);
    } catch {
      return undefined;
    }
  }

  static fromNanos(nanos: bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(nanos, format);
  }

  static fromMilli(milli: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(BigInt(milli) * 1_000_000n, format);
  }

  static fromValue(value: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(BigInt(value) * NANO, format);
  }

  static zero(format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(0n, format);
  }

  isZero(): boolean {
    return this.nanos === 0n;
  }

  sign(): -1 | 0 | 1 {
    return this.nanos === 0n ? 0 : this.nanos < 0n ? -1 : 1;
  }

  /** -1, 0, 1 like upstream's Cmp */
  cmp(other: Quantity): -1 | 0 | 1 {
    return this.nanos === other.nanos ? 0 : this.nanos < other.nanos ? -1 : 1;
  }

  equals(other: Quantity): boolean {
    return this.nanos === other.nanos;
  }

  /** Sum; keeps this quantity's format unless this one is zero (then the other's), as upstream's Add. */
  add(other: Quantity): Quantity {
    return new Quantity(this.nanos + other.nanos, this.isZero() ? other.format : this.format);
  }

  sub(other: Quantity): Quantity {
    return new Quantity(this.nanos - other.nanos, this.isZero() ? other.format : this.format);
  }

  neg(): Quantity {
    return new Quantity(-this.nanos, this.format);
  }

  /** ceil(value × 1000), rounding away from zero like upstream's MilliValue */
  milliValue(): number {
    return Number(roundAway(this.nanos, 1_000_000n));
  }

  /** ceil(value), rounding away from zero like upstream's Value */
  value(): number {
    return Number(roundAway(this.nanos, NANO));
  }

  /** The value as a float (may lose precision; for scoring, not for storage). */
  toNumber(): number {
    return Number(this.nanos) / 1e9;
  }

  /** Upstream's canonical serialization, e.g. 1000m → "1", 1024Mi → "1Gi", 0.5 → "500m". */
  toString(): string {
    if (this.nanos === 0n) return '0';
    let format = this.format;
    if (format === 'BinarySI') {
      const abs = this.nanos < 0n ? -this.nanos : this.nanos;
      if (abs < 1024n * NANO || this.nanos % NANO !== 0n) format = 'DecimalSI';
    }
    if (format === 'BinarySI') {
      let v = this.nanos / NANO;
      let exp = 0;
      while (v % 1024n === 0n && exp < BIN_BY_EXP.length - 1) {
        v /= 1024n;
        exp++;
      }
      return `${v}${BIN_BY_EXP[exp]}`;
    }
    let mantissa = this.nanos;
    let exponent = -9;
    while (mantissa % 10n === 0n) {
      mantissa /= 10n;
      exponent++;
    }
    while (exponent % 3 !== 0) {
      mantissa *= 10n;
      exponent--;
    }
    if (format === 'DecimalExponent') return exponent === 0 ? `${mantissa}` : `${mantissa}e${exponent}`;
    if (exponent > 18) {
      mantissa *= pow10(exponent - 18);
      exponent = 18;
    }
    return `${mantissa}${DEC_BY_EXP.get(exponent) ?? ''}`;
  }

  toJSON(): string {
    return this.toString();
  }
}

function roundAway(nanos: bigint, unit: bigint): bigint {
  if (nanos >= 0n) return ceilDiv(nanos, unit) * (nanos === 0n ? 0n : 1n);
  return -ceilDiv(-nanos, unit);
}

/** Convenience: parse (throws QuantityError). */
export function parseQuantity(input: string | number): Quantity {
  return Quantity.parse(input);
}

/** The canonical string for a quantity, or the input unchanged when it does not parse. */
export function canonicalQuantity<T>(input: T): T | string {
  const q = Quantity.tryParse(input);
  return q ? q.toString() : input;
}

/** Canonicalizes every value of a ResourceList-like map in place (unparseable values are left for validation). */
export function canonicalizeResourceList(list: Record<string, unknown> | undefined | null): void {
  if (!list || typeof list !== 'object') return;
  for (const k of Object.keys(list)) list[k] = canonicalQuantity(list[k]);
}

/** a + b for ResourceList-like maps of quantity strings; missing entries count as zero. */
export function addResourceLists(a: Record<string, string>, b: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const qb = Quantity.tryParse(v);
    if (!qb) continue;
    const qa = Quantity.tryParse(out[k]);
    out[k] = (qa ? qa.add(qb) : qb).toString();
  }
  return out;
}
