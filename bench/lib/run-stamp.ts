// What every benchmark prints and records beside its figures: when, on which machine, which code, by which command.
import { spawnSync } from 'node:child_process';
import { availableParallelism, cpus, release, totalmem } from 'node:os';

export interface RunStamp {
  date: string;
  machine: string;
  /** `git describe --always --dirty` of the repo, or "unknown" */
  code: string;
  /** the command line that reproduces the run */
  command: string;
}

export function runStamp(repo: string, script: string, argv: string[]): RunStamp {
  return {
    date: spawnSync('date', ['-u'], { encoding: 'utf8' }).stdout.trim(),
    machine: `${availableParallelism()} CPUs (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Linux ${release()}, Node ${process.version}`,
    code: spawnSync('git', ['-C', repo, 'describe', '--always', '--dirty'], { encoding: 'utf8' }).stdout?.trim() || 'unknown',
    command: `node ${script}${argv.length ? ' ' + argv.join(' ') : ''}`,
  };
}
