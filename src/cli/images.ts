// `k8ts images build-test|import`: builds the test images into DIR/images, imports image archives into the node's running containerd.

import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { UsageError } from './flags.js';
import { CriClient } from '../kubelet/cri/cri-client.js';
import { containerdLayout } from '../kubelet/containerd/containerd-config.js';
import { buildTestImages } from '../kubelet/images/test-images.js';
import { importImage } from '../kubelet/images/image-import.js';

const USAGE = `usage:
  k8ts images build-test [--data-dir DIR]       build localhost/busybox:1.35|1.36|1.37 and the pause image into DIR/images
                                                (imported into the node's containerd if it runs; else when the agent starts)
  k8ts images import FILE.tar [--data-dir DIR] [--base-name NAME]
                                                import an OCI or docker archive into the node's running containerd`;

const DEFAULT_DATA_DIR = '/var/lib/k8ts';

function parse(command: string, argv: string[], options: Record<string, { type: 'string' }>) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`k8ts images ${command}: ${(err as Error).message}\n${USAGE}`);
  }
}

/** Whether the node's containerd answers CRI on its socket (within 2 s). */
async function containerdRunning(address: string): Promise<boolean> {
  const cri = new CriClient(address);
  try {
    await cri.version({ timeoutMs: 2000 });
    return true;
  } catch {
    return false;
  } finally {
    cri.close();
  }
}

export async function runImages(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'build-test': {
      const { values, positionals } = parse('build-test', rest, { 'data-dir': { type: 'string' } });
      if (positionals.length) throw new UsageError(`k8ts images build-test: unexpected argument "${positionals[0]}"\n${USAGE}`);
      const dataDir = resolve(values['data-dir'] ?? DEFAULT_DATA_DIR);
      const built = await buildTestImages(dataDir);
      for (const b of built) console.log(`built ${b.name} → ${b.archive}`);
      const { address } = containerdLayout(dataDir);
      if (!(await containerdRunning(address))) {
        console.log(`the node's containerd is not running (no answer on ${address}): the images will be imported when the agent starts`);
        return;
      }
      for (const archive of new Set(built.map((b) => b.archive))) {
        const names = await importImage(archive, { address });
        console.log(`imported ${names.join(', ')} into the node's containerd`);
      }
      return;
    }
    case 'import': {
      const { values, positionals } = parse('import', rest, { 'data-dir': { type: 'string' }, 'base-name': { type: 'string' } });
      if (positionals.length !== 1) throw new UsageError(`k8ts images import: exactly one FILE.tar is required\n${USAGE}`);
      const dataDir = resolve(values['data-dir'] ?? DEFAULT_DATA_DIR);
      const { address, logPath } = containerdLayout(dataDir);
      if (!(await containerdRunning(address))) {
        console.error(`k8ts images import: the node's containerd is not running (no answer on ${address}); start the node (k8ts agent --data-dir ${dataDir}), or see ${logPath}`);
        process.exitCode = 1;
        return;
      }
      const names = await importImage(resolve(positionals[0]), { address, baseName: values['base-name'] });
      console.log(`imported ${names.length ? names.join(', ') : '(no named images)'} into the node's containerd`);
      return;
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return;
    default:
      throw new UsageError(`k8ts images: unknown subcommand "${sub}"\n${USAGE}`);
  }
}
