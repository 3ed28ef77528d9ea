// Benchmark rows, percentiles, and the result table (plain text for the terminal, Markdown for RESULTS.md).
//
// A row's ratio is value/target when higher is better, target/value otherwise, so ≥ 1.00× always
// means the target is met. Rows without a target are informational (no ratio).

export interface Row {
  measure: string;
  value: number;
  unit: string;
  p50?: number;
  p99?: number;
  target?: number;
  higherIsBetter?: boolean;
  note?: string;
}

/** Nearest-rank percentile of an ascending array. */
export function pct(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((sorted.length * p) / 100) - 1))];
}

export function median(xs: number[]): number {
  return pct([...xs].sort((a, b) => a - b), 50);
}

export function ratio(r: Row): number | undefined {
  if (r.target === undefined) return undefined;
  return r.higherIsBetter ? r.value / r.target : r.target / r.value;
}

export function fmt(n: number | undefined, d = 1): string {
  if (n === undefined || Number.isNaN(n)) return '';
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en-US');
  return n >= 100 ? n.toFixed(0) : n.toFixed(d);
}

function cells(r: Row): string[] {
  const q = ratio(r);
  return [
    r.measure,
    `${fmt(r.value)} ${r.unit}`.trim(),
    fmt(r.p50, 2),
    fmt(r.p99, 2),
    r.target === undefined ? '' : `${r.higherIsBetter ? '≥' : '≤'} ${fmt(r.target)} ${r.unit}`.trim(),
    q === undefined ? '' : `${q.toFixed(2)}×`,
    r.note ?? '',
  ];
}

const HEAD = ['measure', 'value', 'p50 ms', 'p99 ms', 'target', 'ratio', 'note'];

/** The table as store-raw prints it: padded columns, a dashed rule under the header. */
export function textTable(rows: Row[]): string {
  const table = [HEAD, ...rows.map(cells)];
  const widths = HEAD.map((_, c) => Math.max(...table.map((row) => row[c].length)));
  const out: string[] = [];
  for (const [i, row] of table.entries()) {
    out.push(row.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd());
    if (i === 0) out.push(widths.map((w) => '-'.repeat(w)).join('  '));
  }
  return out.join('\n');
}

export function markdownTable(rows: Row[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const out = [`| ${HEAD.join(' | ')} |`, `|${HEAD.map((_, i) => (i >= 1 && i <= 5 ? '---:' : '---')).join('|')}|`];
  for (const r of rows) out.push(`| ${cells(r).map(esc).join(' | ')} |`);
  return out.join('\n');
}
