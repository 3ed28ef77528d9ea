// JSON forms of the apimachinery types with custom JSON: Time, MicroTime, Duration, Quantity.

import { ProtobufError } from './wire.js';

/** Unix seconds of Go's zero time.Time (0001-01-01T00:00:00Z), which JSON writes as null. */
export const GO_ZERO_TIME_SECONDS = -62135596800;

const MIN_SECONDS = -62167219200; // 0000-01-01T00:00:00Z
const MAX_SECONDS = 253402300799; // 9999-12-31T23:59:59Z

function isoSeconds(seconds: number): string {
  if (!Number.isSafeInteger(seconds) || seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
    throw new ProtobufError('Time.MarshalJSON: year outside of range [0,9999]');
  }
  // toISOString keeps 4-digit years in [0, 9999]: "YYYY-MM-DDTHH:MM:SS.sssZ"
  return new Date(seconds * 1000).toISOString().slice(0, 19);
}

/** metav1.Time as JSON: RFC 3339 in UTC with whole seconds; null for the zero time. */
export function formatTime(seconds: number): string | null {
  if (seconds === GO_ZERO_TIME_SECONDS) return null;
  return isoSeconds(seconds) + 'Z';
}

/** metav1.MicroTime as JSON: RFC 3339 in UTC with 6 fraction digits; null for the zero time. */
export function formatMicroTime(seconds: number, nanos: number): string | null {
  // normalise nanos into [0, 1e9) as time.Unix does, truncated to microseconds
  const carry = Math.floor(nanos / 1e9);
  seconds += carry;
  nanos -= carry * 1e9;
  const micros = Math.floor(nanos / 1000);
  if (seconds === GO_ZERO_TIME_SECONDS && micros === 0) return null;
  return `${isoSeconds(seconds)}.${String(micros).padStart(6, '0')}Z`;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** Parses an RFC 3339 time to Unix seconds and nanoseconds; null for "" (the zero time). */
export function parseTime(s: string): { seconds: number; nanos: number } | null {
  if (s === '') return null;
  const m = RFC3339.exec(s);
  if (!m) throw new ProtobufError(`parsing time ${JSON.stringify(s)} as RFC3339: cannot parse`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  let seconds = Math.floor(ms / 1000);
  // Date.UTC maps years 0..99 to 1900..1999
  if (Number(m[1]) < 100) seconds = Math.floor(new Date(ms).setUTCFullYear(Number(m[1])) / 1000);
  if (m[9]) seconds -= (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 3600 + Number(m[11]) * 60);
  const nanos = m[7] ? Number(m[7].padEnd(9, '0')) : 0;
  return { seconds, nanos };
}

// ---- Go time.Duration ----

const NS = { ns: 1n, us: 1000n, 'µs': 1000n, 'μs': 1000n, ms: 1000000n, s: 1000000000n, m: 60000000000n, h: 3600000000000n } as Record<string, bigint>;

function fmtFrac(v: bigint, prec: number): [string, bigint] {
  // the fraction of v / 10^prec without trailing zeros, and the integer part
  let s = '';
  let print = false;
  for (let i = 0; i < prec; i++) {
    const digit = v % 10n;
    print = print || digit !== 0n;
    if (print) s = digit.toString() + s;
    v /= 10n;
  }
  return [print ? '.' + s : '', v];
}

/** time.Duration.String(): "1h2m3.5s", "150ms", "0s". */
export function formatDuration(d: bigint): string {
  let u = d < 0n ? -d : d;
  let out: string;
  if (u < 1000000000n) {
    if (u === 0n) return '0s';
    let prec: number;
    let unit: string;
    if (u < 1000n) [prec, unit] = [0, 'ns'];
    else if (u < 1000000n) [prec, unit] = [3, 'µs'];
    else [prec, unit] = [6, 'ms'];
    const [frac, int] = fmtFrac(u, prec);
    out = int.toString() + frac + unit;
  } else {
    const [frac, secs] = fmtFrac(u, 9);
    u = secs;
    out = (u % 60n).toString() + frac + 's';
    u /= 60n;
    if (u > 0n) {
      out = (u % 60n).toString() + 'm' + out;
      u /= 60n;
      if (u > 0n) out = u.toString() + 'h' + out;
    }
  }
  return d < 0n ? '-' + out : out;
}

/** time.ParseDuration: "1h30m", "1.5s", "-2ms", "0". */
export function parseDuration(s: string): bigint {
  const bad = () => new ProtobufError(`time: invalid duration ${JSON.stringify(s)}`);
  let rest = s;
  let neg = false;
  if (rest[0] === '-' || rest[0] === '+') {
    neg = rest[0] === '-';
    rest = rest.slice(1);
  }
  if (rest === '0') return 0n;
  if (rest === '') throw bad();
  let total = 0n;
  const re = /^(\d*)(?:\.(\d*))?([a-zµμ]+)/;
  while (rest !== '') {
    const m = re.exec(rest);
    if (!m || (m[1] === '' && (m[2] ?? '') === '')) throw bad();
    const unit = NS[m[3]];
    if (unit === undefined) throw new ProtobufError(`time: unknown unit ${JSON.stringify(m[3])} in duration ${JSON.stringify(s)}`);
    total += BigInt(m[1] || '0') * unit;
    if (m[2]) total += (BigInt(m[2]) * unit) / 10n ** BigInt(m[2].length);
    rest = rest.slice(m[0].length);
  }
  if (total > 9223372036854775807n + (neg ? 1n : 0n)) throw new ProtobufError(`time: invalid duration ${JSON.stringify(s)}`);
  return neg ? -total : total;
}

// ---- resource.Quantity ----

const QUANTITY = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;

/** Checks a quantity string the way ParseQuantity's syntax does (the string itself is kept as sent). */
export function checkQuantity(s: string): string {
  if (!QUANTITY.test(s)) throw new ProtobufError("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
  return s;
}
