// Guesses whether a hollow container's command finishes, how long it runs and its exit code (no process is run).

import type { KObject } from '../api/strategy.js';

/** A container the hollow kubelet lets "exit": after runMs, with exitCode. */
export interface FiniteRun {
  runMs: number;
  exitCode: number;
}

/** Commands that end on their own (their arguments do not matter). */
const FINITE_COMMANDS = new Set([
  'true', 'false', 'echo', 'printf', 'date', 'env', 'printenv', 'hostname', 'ls', 'cat', 'pwd', 'whoami', 'id', 'uname',
  'test', '[', 'expr', 'exit', 'nslookup', 'wget', 'curl', 'touch', 'mkdir', 'rm', 'cp', 'mv', 'df', 'du', 'head', 'wc',
  'md5sum', 'sha256sum', 'base64', 'seq', 'ping', 'ln', 'chmod', 'chown', 'stat', 'sync', 'cut', 'sort', 'uniq', 'tr',
  'grep', 'sed', 'awk', 'perl', 'python', 'python3', 'node', 'dd', 'timeout', ':', 'set', 'export', 'cd', 'read',
]);
const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'busybox']);
/** Words that mean a loop or a server: the script does not end by itself. */
const INFINITE_WORDS = /\b(while|until|for|tail\s+-f|httpd|nc\s+-l|nginx|sleep\s+infinity|sleep\s+inf\b|yes\b)/;

/**
 * Whether a container's command looks finite (`sh -c 'exit 3'`, `echo hi`, `sleep 5`, `true`),
 * and then its run time (base + every `sleep N`) and exit code (a trailing `exit N`, or 1 for a
 * trailing `false`). `assumeFinite` is for Job pods: a command we cannot read (or none) then
 * counts as finishing with 0 instead of running forever.
 */
export function finiteRun(container: KObject, baseMs: number, assumeFinite = false): FiniteRun | undefined {
  const argv: string[] = [...(Array.isArray(container.command) ? container.command : []), ...(Array.isArray(container.args) ? container.args : [])].map(String);
  if (argv.length === 0) return assumeFinite ? { runMs: baseMs, exitCode: 0 } : undefined;
  let script: string;
  const prog = basename(argv[0]);
  if (SHELLS.has(prog) && argv.length >= 2) {
    let i = 1;
    if (prog === 'busybox' && SHELLS.has(argv[1] ?? '')) i = 2;
    // flags such as -c, -ec, -xc, -euc: the script is the argument after the flag holding `c`
    const flag = argv[i] ?? '';
    if (/^-[a-z]*c[a-z]*$/.test(flag) && argv[i + 1] !== undefined) script = argv[i + 1];
    else return assumeFinite ? { runMs: baseMs, exitCode: 0 } : undefined;
  } else {
    script = argv.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ');
  }
  const r = analyzeScript(script, baseMs);
  if (r) return r;
  return assumeFinite && !INFINITE_WORDS.test(script) ? { runMs: baseMs, exitCode: 0 } : undefined;
}

/** A shell script made of finite steps separated by `;`, `&&`, `||`, `|` or newlines. */
function analyzeScript(script: string, baseMs: number): FiniteRun | undefined {
  if (INFINITE_WORDS.test(script)) return undefined;
  const steps = script
    .split(/;|&&|\|\||\||\n/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (steps.length === 0) return { runMs: baseMs, exitCode: 0 };
  let runMs = baseMs;
  let exitCode = 0;
  for (const step of steps) {
    const words = step.split(/\s+/).filter((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w));
    if (words.length === 0) continue; // variable assignments only
    const cmd = basename(words[0]);
    if (cmd === 'sleep') {
      const secs = parseSleep(words[1]);
      if (secs === undefined) return undefined;
      runMs += secs * 1000;
      exitCode = 0;
    } else if (cmd === 'exit') {
      const n = words[1] === undefined ? 0 : Number(words[1]);
      if (!Number.isInteger(n)) return undefined;
      return { runMs, exitCode: ((n % 256) + 256) % 256 };
    } else if (FINITE_COMMANDS.has(cmd)) {
      exitCode = cmd === 'false' ? 1 : 0;
    } else {
      return undefined;
    }
  }
  return { runMs, exitCode };
}

/** `sleep 5`, `sleep 0.5`, `sleep 2m` (busybox suffixes); undefined for infinity or nonsense. */
function parseSleep(arg: string | undefined): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(arg ?? '');
  if (!m) return undefined;
  return Number(m[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
}

function basename(p: string): string {
  const i = p.lastIndexOf('/');
  return i >= 0 ? p.slice(i + 1) : p;
}
