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
