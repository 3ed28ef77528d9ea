// `k8ts` entry point: dispatches to the subcommands (server, agent, kubectl, images, sim).

import { UsageError } from './flags.js';

const USAGE = `usage: k8ts <command> [flags]

commands:
  server    run the control plane (API server, scheduler, controller manager) on this machine
  sim       run N hollow nodes against a cluster (scale tests): sim --nodes N --kubeconfig FILE
  images    build-test [--data-dir DIR] | import FILE.tar [--data-dir DIR]
  version   print the version`;

export async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'server': {
        const { runServer } = await import('./server.js');
        await runServer(rest);
        return;
      }
      case 'images': {
        const { runImages } = await import('./images.js');
        await runImages(rest);
        return;
      }
      case 'sim': {
        const { runSim } = await import('./sim.js');
        await runSim(rest);
        return;
      }
      case 'version':
      case '--version':
        console.log('k8ts v0.1.0 (Kubernetes API v1.32)');
        return;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE);
        return;
      default:
        throw new UsageError(`k8ts: unknown command "${cmd}"\n${USAGE}`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
}
