// Merges one benchmark's section into bench/RESULTS.md without touching the other benchmarks' sections.
//
// Sections are level-2 headings ("## …"); the section whose heading starts with `headingPrefix`
// is replaced (or appended when absent). A missing file is created with a heading per benchmark.

import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

const NEW_FILE = `# Benchmark results

Latest figures of the benchmarks in \`bench/\`, each with its date, machine and command.
A ratio ≥ 1.00× means the target is met. Build first: \`npm run build\`.

## Store, raw: bench/store-raw.ts

Not recorded yet: \`node dist/bench/store-raw.js\`.
`;

export function mergeSection(file: string, headingPrefix: string, section: string): void {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : NEW_FILE;
  const lines = text.replace(/\s+$/, '').split('\n');
  const start = lines.findIndex((l) => l.startsWith(headingPrefix));
  const body = section.replace(/\s+$/, '').split('\n');
  let out: string[];
  if (start < 0) {
    out = [...lines, '', ...body];
  } else {
    let end = lines.findIndex((l, i) => i > start && /^##? /.test(l));
    if (end < 0) end = lines.length;
    out = [...lines.slice(0, start), ...body, ...(end < lines.length ? ['', ...lines.slice(end)] : [])];
  }
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, out.join('\n') + '\n');
  renameSync(tmp, file);
}
