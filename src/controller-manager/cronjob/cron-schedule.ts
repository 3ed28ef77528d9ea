// Cron schedules as CronJobs use them (robfig/cron's standard parser): 5 fields, names, ranges, steps, @descriptors, @every, TZ=.

export interface Schedule {
  /** the first activation strictly after t (ms since the epoch), or undefined when none within 5 years */
  next(t: number): number | undefined;
}

interface Bounds { min: number; max: number; names?: Record<string, number> }

const MONTHS: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const DOWS: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const FIELDS: Bounds[] = [{ min: 0, max: 59 }, { min: 0, max: 23 }, { min: 1, max: 31 }, { min: 1, max: 12, names: MONTHS }, { min: 0, max: 6, names: DOWS }];
const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *', '@monthly': '0 0 1 * *', '@weekly': '0 0 * * 0', '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@hourly': '0 * * * *',
};

function parseNumber(s: string, names?: Record<string, number>): number {
  if (names && s.toLowerCase() in names) return names[s.toLowerCase()];
  if (!/^[0-9]+$/.test(s)) throw new Error(`failed to parse int from ${s}`);
  return Number(s);
}

/** one field: the allowed values, and whether it was written as * (or ?) without a step > 1 */
function parseField(expr: string, b: Bounds): { values: Set<number>; star: boolean } {
  const values = new Set<number>();
  let star = false;
  for (const part of expr.split(',')) {
    const [range, stepStr, ...more] = part.split('/');
    if (more.length) throw new Error(`too many slashes: ${part}`);
    const lowHigh = range.split('-');
    let start: number;
    let end: number;
    let partStar = false;
    if (lowHigh[0] === '*' || lowHigh[0] === '?') {
      start = b.min;
      end = b.max;
      partStar = true;
    } else {
      start = parseNumber(lowHigh[0], b.names);
      if (lowHigh.length === 1) end = start;
      else if (lowHigh.length === 2) end = parseNumber(lowHigh[1], b.names);
      else throw new Error(`too many hyphens: ${part}`);
    }
    let step = 1;
    if (stepStr !== undefined) {
      step = parseNumber(stepStr);
      if (lowHigh.length === 1) end = b.max;
      if (step > 1) partStar = false;
    }
    if (start < b.min) throw new Error(`beginning of range (${start}) below minimum (${b.min}): ${part}`);
    if (end > b.max) throw new Error(`end of range (${end}) above maximum (${b.max}): ${part}`);
    if (start > end) throw new Error(`beginning of range (${start}) beyond end of range (${end}): ${part}`);
    if (step === 0) throw new Error(`step of range should be a positive number: ${part}`);
    for (let v = start; v <= end; v += step) values.add(v);
    if (partStar) star = true;
  }
  return { values, star };
}

/** Go's time.ParseDuration for the units cron's @every accepts; ms */
function parseDuration(s: string): number {
  const re = /([0-9]*\.?[0-9]+)(ns|us|µs|ms|s|m|h)/gy;
  const unit: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let pos = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    total += Number(m[1]) * unit[m[2]];
    pos = re.lastIndex;
  }
  if (pos !== s.length || s.length === 0) throw new Error(`failed to parse duration @every ${s}: time: invalid duration ${JSON.stringify(s)}`);
  return total;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** the wall-clock time of instant t in zone tz, as ms of a UTC calendar */
function wallOf(t: number, tz: string): number {
  if (tz === 'UTC') return t;
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(tz, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(t))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour % 24, p.minute, p.second) + (((t % 1000) + 1000) % 1000);
}

/**
 * An instant whose wall-clock time in tz is w: the earlier one when the wall time happens twice
 * (clocks going back), the time shifted forward by the gap when it never happens (as Go's time.Date).
 */
function instantOf(w: number, tz: string): number {
  if (tz === 'UTC') return w;
  const day = 86_400_000;
  const before = w - (wallOf(w - day, tz) - (w - day));
  const after = w - (wallOf(w + day, tz) - (w + day));
  const valid = [before, after].filter((c) => wallOf(c, tz) === w);
  return valid.length ? Math.min(...valid) : Math.max(before, after);
}

/** the UTC offset of tz at instant t, as "+09:00" / "Z" (RFC 3339) */
export function rfc3339In(t: number, tz: string | undefined): string {
  const zone = tz || 'UTC';
  const w = wallOf(t, zone);
  const off = Math.round((w - t) / 60_000);
  const base = new Date(w).toISOString().replace(/\.\d{3}Z$/, '');
  if (off === 0) return `${base}Z`;
  const sign = off < 0 ? '-' : '+';
  const a = Math.abs(off);
  return `${base}${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

/** the zone the controller runs in (upstream uses the controller's local time when a CronJob has no timeZone) */
export function localZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export function validZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

class SpecSchedule implements Schedule {
  constructor(
    private readonly minute: Set<number>, private readonly hour: Set<number>, private readonly dom: Set<number>, private readonly month: Set<number>,
    private readonly dow: Set<number>, private readonly domStar: boolean, private readonly dowStar: boolean, private readonly tz: string,
  ) {}

  private dayMatches(d: Date): boolean {
    const domMatch = this.dom.has(d.getUTCDate());
    const dowMatch = this.dow.has(d.getUTCDay());
    return this.domStar || this.dowStar ? domMatch && dowMatch : domMatch || dowMatch;
  }

  next(t: number): number | undefined {
    // search wall-clock time in the zone, on a UTC calendar; seconds are always 0
    let w = Math.floor(wallOf(t, this.tz) / 1000) * 1000 + 1000;
    const limit = new Date(w).getUTCFullYear() + 5;
    for (let guard = 0; guard < 200_000; guard++) {
      const d = new Date(w);
      if (d.getUTCFullYear() > limit) return undefined;
      if (!this.month.has(d.getUTCMonth() + 1)) {
        w = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
        continue;
      }
      if (!this.dayMatches(d)) {
        w = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
        continue;
      }
      if (!this.hour.has(d.getUTCHours())) {
        w = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours() + 1);
        continue;
      }
      if (!this.minute.has(d.getUTCMinutes()) || d.getUTCSeconds() !== 0) {
        w = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes() + 1);
        continue;
      }
      const at = instantOf(w, this.tz);
      // a wall time repeated when clocks go back (or already passed): keep looking
      if (at <= t) {
        w += 60_000;
        continue;
      }
      return at;
    }
    return undefined;
  }
}

class EverySchedule implements Schedule {
  constructor(private readonly delayMs: number) {}

  next(t: number): number {
    return Math.floor(t / 1000) * 1000 + this.delayMs;
  }
}

/**
 * Parses a schedule as robfig/cron's ParseStandard does (with an optional "TZ=zone " or
 * "CRON_TZ=zone " prefix); `defaultZone` applies otherwise. Throws with the parser's message.
 */
export function parseSchedule(spec: string, defaultZone = 'UTC'): Schedule {
  let s = spec.trim();
  if (s.length === 0) throw new Error('empty spec string');
  let tz = defaultZone;
  if (s.startsWith('TZ=') || s.startsWith('CRON_TZ=')) {
    const i = s.indexOf(' ');
    const name = s.slice(s.indexOf('=') + 1, i < 0 ? undefined : i);
    if (i < 0 || !validZone(name)) throw new Error(`provided bad location ${name}: unknown time zone ${name}`);
    tz = name;
    s = s.slice(i).trim();
  }
  if (!validZone(tz)) throw new Error(`provided bad location ${tz}: unknown time zone ${tz}`);
  if (s.startsWith('@every ')) {
    const ms = parseDuration(s.slice('@every '.length).trim());
    return new EverySchedule(Math.max(1000, Math.round(ms / 1000) * 1000));
  }
  if (s.startsWith('@')) {
    const d = DESCRIPTORS[s];
    if (!d) throw new Error(`unrecognized descriptor: ${s}`);
    s = d;
  }
  const fields = s.split(/\s+/).filter((f) => f !== '');
  if (fields.length !== 5) throw new Error(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  const [mi, h, dom, mo, dow] = fields.map((f, i) => parseField(f, FIELDS[i]));
  return new SpecSchedule(mi.values, h.values, dom.values, mo.values, dow.values, dom.star, dow.star, tz);
}
