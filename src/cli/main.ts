// `k8ts` entry point: dispatches to the subcommands (server, agent, kubectl, images, sim).

export async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'server': {
      const { runServer } = await import('./server.js');
      await runServer(rest);
      return;
    }
    case 'version':
    case '--version':
      console.log('k8ts v0.1.0 (Kubernetes API v1.32)');
      return;
    default:
      console.error(`usage: k8ts <server|agent|kubectl|images|sim|version> [flags]\n${cmd ? `unknown command "${cmd}"` : ''}`);
      process.exitCode = 2;
  }
}
