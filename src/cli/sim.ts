// `k8ts sim`: N hollow nodes (registration, Lease heartbeats, fake pod lifecycle) in one process, until SIGTERM.

import { setMaxListeners } from 'node:events';
import { parseFlags, parseDuration, UsageError } from './flags.js';
import { RestClient } from '../client/rest-client.js';
import { HollowCluster, DEFAULT_OPTIONS } from '../sim/hollow-cluster.js';
import { Quantity } from '../api/quantity.js';

const SIM_FLAGS = {
  nodes: { type: 'string' },
  kubeconfig: { type: 'string' },
  'name-prefix': { type: 'string', default: 'hollow-node-' },
  'heartbeat-interval': { type: 'string', default: '10s' },
  'status-interval': { type: 'string', default: '5m' },
  cpu: { type: 'string', default: '4' },
  memory: { type: 'string', default: '16Gi' },
  'max-pods': { type: 'string', default: '110' },
} as const;

export async function runSim(argv: string[]): Promise<void> {
  const flags = parseFlags('sim', argv, SIM_FLAGS);
  const nodes = Number(flags.nodes);
  if (!flags.nodes || !Number.isInteger(nodes) || nodes < 1) throw new UsageError('k8ts sim: --nodes N (a positive integer) is required');
  const kubeconfig = (flags.kubeconfig as string | undefined) ?? process.env.KUBECONFIG;
  if (!kubeconfig) throw new UsageError('k8ts sim: --kubeconfig FILE is required (or KUBECONFIG)');
  const maxPods = Number(flags['max-pods']);
  if (!Number.isInteger(maxPods) || maxPods < 1) throw new UsageError(`k8ts sim: --max-pods: invalid value "${flags['max-pods']}"`);
  for (const f of ['cpu', 'memory'] as const) {
    if (!Quantity.tryParse(flags[f])) throw new UsageError(`k8ts sim: --${f}: invalid quantity "${flags[f]}"`);
  }
  const prefix = String(flags['name-prefix']);
  if (!/^[a-z0-9]([-a-z0-9.]*)?$/.test(prefix)) throw new UsageError(`k8ts sim: --name-prefix: "${prefix}" must start a DNS subdomain name`);

  const api = await RestClient.fromKubeconfig(kubeconfig, 'k8ts-sim');
  const leases = await RestClient.fromKubeconfig(kubeconfig, 'k8ts-sim-heartbeat');
  const cluster = new HollowCluster(api, leases, {
    nodes,
    namePrefix: prefix,
    heartbeatIntervalMs: parseDuration(String(flags['heartbeat-interval']), '--heartbeat-interval'),
    statusIntervalMs: parseDuration(String(flags['status-interval']), '--status-interval'),
    shape: { ...DEFAULT_OPTIONS.shape, cpu: String(flags.cpu), memory: String(flags.memory), maxPods },
  });
  const abort = new AbortController();
  setMaxListeners(0, abort.signal);
  const stop = (sig: string) => {
    console.log(`k8ts sim: ${sig} received, stopping (nodes are left registered)`);
    abort.abort();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  console.log(`k8ts sim: registering ${nodes} hollow nodes (${prefix}0…${prefix}${nodes - 1})`);
  await cluster.run(abort.signal);
  api.close();
  leases.close();
  console.log('k8ts sim: stopped');
}
