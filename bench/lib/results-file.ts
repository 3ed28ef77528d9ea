// Merges one benchmark's section into bench/RESULTS.md without touching the other benchmarks' sections.
//
// Sections are level-2 headings ("## …"), subsections level-3 ("### …"). The section whose heading
// starts with `sectionPrefix` gets the new heading and intro; each given subsection replaces the
// one with the same heading (or is appended), and subsections not given are kept, so a run of one
// store leaves the other store's figures in place. A missing file is created with a heading per
// benchmark.

import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

const NEW_FILE = `# Benchmark results

Latest figures of the benchmarks in \`bench/\`, each with its date, machine and command.
A ratio ≥ 1.00× means the target is met. Build first: \`npm run build\`.

## Store, raw: bench/store-raw.ts

Not recorded yet: \`node dist/bench/store-raw.js\`.
`;

export interface Subsection {
  /** the full heading line, "### …" */
  heading: string;
  body: string;
}

const trimEnd = (lines: string[]) => {
  while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
  return lines;
};
const trim = (lines: string[]) => {
  while (lines.length && lines[0].trim() === '') lines.shift();
  return trimEnd(lines);
};

export function mergeSection(file: string, sectionPrefix: string, heading: string, intro: string, subsections: Subsection[]): void {
  const lines = trimEnd((existsSync(file) ? readFileSync(file, 'utf8') : NEW_FILE).split('\n'));
  const start = lines.findIndex((l) => l.startsWith(sectionPrefix));
  let end = start < 0 ? lines.length : lines.findIndex((l, i) => i > start && /^##? /.test(l));
  if (end < 0) end = lines.length;

  // existing subsections of the section, in order
  const kept: Subsection[] = [];
  if (start >= 0) {
    let cur: { heading: string; body: string[] } | undefined;
    for (const l of lines.slice(start + 1, end)) {
      if (l.startsWith('### ')) {
        if (cur) kept.push({ heading: cur.heading, body: cur.body.join('\n') });
        cur = { heading: l, body: [] };
      } else if (cur) cur.body.push(l);
    }
    if (cur) kept.push({ heading: cur.heading, body: cur.body.join('\n') });
  }
  const merged = kept.map((s) => subsections.find((n) => n.heading === s.heading) ?? s);
  for (const n of subsections) if (!kept.some((s) => s.heading === n.heading)) merged.push(n);

  const section = [heading, '', ...trimEnd(intro.split('\n'))];
  for (const s of merged) section.push('', s.heading, '', ...trim(s.body.split('\n')));
  const out = start < 0
    ? [...lines, '', ...section]
    : [...lines.slice(0, start), ...section, ...(end < lines.length ? ['', ...lines.slice(end)] : [])];
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, out.join('\n') + '\n');
  renameSync(tmp, file);
}
