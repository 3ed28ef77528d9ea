// Runs every compiled test file (dist/**/*.test.js) with node's own test runner.
// Unit tests (beside the code in src/) run first and in parallel; the e2e and conformance
// tests under test/ start real servers, so they run one file at a time.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function find(dir, out = []) {
  let entries = [];
  try { entries = readdirSync(dir); } catch { return out; }
  for (const e of entries) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) find(p, out);
    else if (p.endsWith('.test.js')) out.push(p);
  }
  return out.sort();
}

const unitOnly = process.argv.includes('--unit');
const filter = process.argv.slice(2).filter((a) => !a.startsWith('--'));
let files = [...find('dist/src'), ...(unitOnly ? [] : find('dist/test'))];
if (filter.length) files = files.filter((f) => filter.some((x) => f.includes(x)));
if (files.length === 0) { console.error('no test files found: run `npm run build` first'); process.exit(1); }
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
