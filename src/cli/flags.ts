// Flag parsing for the subcommands: `--name value`, `--name=value`, booleans; unknown flags are errors.

import { parseArgs } from 'node:util';

type FlagSpec = Record<string, { type: 'string' | 'boolean'; default?: string | boolean; multiple?: boolean }>;

export class UsageError extends Error {}

export function parseFlags(command: string, argv: string[], spec: FlagSpec): Record<string, string | boolean | undefined> {
  try {
    const { values } = parseArgs({ args: argv, options: spec as never, allowPositionals: false, strict: true });
    return values as Record<string, string | boolean | undefined>;
  } catch (err) {
    const names = Object.keys(spec).map((k) => `--${k}`).join(' ');
    throw new UsageError(`k8ts ${command}: ${(err as Error).message}\nflags: ${names}`);
  }
}

/** Go-style durations as Kubernetes flags take them: "300ms", "5s", "1m30s", "2h". */
export function parseDuration(value: string, flag: string): number {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let consumed = 0;
  for (const m of value.matchAll(re)) {
    total += Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
    consumed += m[0].length;
  }
  if (consumed !== value.length || value.length === 0) throw new UsageError(`${flag}: invalid duration "${value}" (examples: 500ms, 30s, 5m)`);
  return total;
}
