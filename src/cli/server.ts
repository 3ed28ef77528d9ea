// `k8ts server`: the control plane (API server for now) on one machine, until SIGTERM.

import { mkdir, writeFile } from 'node:fs/promises';
import { resolve, join } from 'node:path';
import { parseFlags, parseDuration } from './flags.js';
import { openStore } from '../storage/open-store.js';
import { loadOrCreateClusterPki } from '../pki/cluster-pki.js';
import { writeKubeconfig } from '../pki/kubeconfig.js';
import { loadOrCreateJoinToken } from '../pki/token.js';
import { ApiServer } from '../apiserver/server.js';
import { RestClient } from '../client/rest-client.js';
import { ControllerManager } from '../controller-manager/controller-manager.js';
import { SchedulerServer } from '../scheduler/scheduler-server.js';

const SERVER_FLAGS = {
  'data-dir': { type: 'string', default: '/var/lib/k8ts' },
  'https-port': { type: 'string', default: '6443' },
  'bind-address': { type: 'string', default: '127.0.0.1' },
  'datastore-endpoint': { type: 'string' },
  'disable-agent': { type: 'boolean' },
  'node-ip': { type: 'string' },
  'node-name': { type: 'string' },
  'proxy-mode': { type: 'string', default: 'iptables' },
  'cluster-cidr': { type: 'string', default: '10.244.0.0/16' },
  'service-cidr': { type: 'string', default: '10.96.0.0/12' },
  // as kube-apiserver's flag: how often old revisions are compacted away (Go duration: 5m, 30s, 1s)
  'etcd-compaction-interval': { type: 'string', default: '5m' },
  // as kube-controller-manager's flags: each node's pod CIDR size, and how long a node may miss heartbeats
  'node-cidr-mask-size': { type: 'string', default: '24' },
  'node-monitor-grace-period': { type: 'string', default: '40s' },
  // a KubeSchedulerConfiguration file (profiles, plugins enabled/disabled/weights, plugin args)
  'scheduler-config': { type: 'string' },
} as const;

export async function runServer(argv: string[]): Promise<void> {
  const flags = parseFlags('server', argv, SERVER_FLAGS);
  const dataDir = resolve(String(flags['data-dir']));
  const port = Number(flags['https-port']);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--https-port: invalid port "${flags['https-port']}"`);
  const bindAddress = String(flags['bind-address']);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });

  const advertise = bindAddress === '0.0.0.0' ? '127.0.0.1' : bindAddress;
  const extraIps = [advertise, ...(flags['node-ip'] ? [String(flags['node-ip'])] : [])];
  const pki = await loadOrCreateClusterPki(dataDir, { serverSans: { ips: extraIps } });
  const store = await openStore(flags['datastore-endpoint'] as string | undefined, dataDir);
  const compactionIntervalMs = parseDuration(String(flags['etcd-compaction-interval']), '--etcd-compaction-interval');
  const api = new ApiServer({ store, pki, bindAddress, port, advertiseAddress: advertise, compactionIntervalMs, serviceCidr: String(flags['service-cidr']) });
  const actualPort = await api.start();
  const server = `https://${advertise.includes(':') ? `[${advertise}]` : advertise}:${actualPort}`;

  const kubeconfigPath = join(dataDir, 'kubeconfig.yaml');
  await writeKubeconfig(kubeconfigPath, { server, caPem: pki.caPem, certPem: pki.admin.certPem, keyPem: pki.admin.keyPem, user: 'admin' });
  const token = await loadOrCreateJoinToken(dataDir, pki.caPem);
  void token;
  await writeFile(join(dataDir, 'server-url'), server + '\n');
  const controllers = new ControllerManager(await RestClient.fromKubeconfig(kubeconfigPath, 'k8ts-controller-manager'), {
    // as kube-controller-manager: several servers on one store run one set of controllers at a time
    leaderElection: { namespace: 'kube-system', name: 'kube-controller-manager' },
    config: {
      clusterCidr: String(flags['cluster-cidr']),
      nodeCidrMaskSize: Number(flags['node-cidr-mask-size']),
      nodeMonitorGracePeriodMs: parseDuration(String(flags['node-monitor-grace-period']), '--node-monitor-grace-period'),
    },
  });
  controllers.start();
  const scheduler = new SchedulerServer(await RestClient.fromKubeconfig(kubeconfigPath, 'k8ts-scheduler'), { configPath: flags['scheduler-config'] as string | undefined });
  await scheduler.start();
  console.log(`k8ts server ready at ${server}: kubeconfig written to ${kubeconfigPath}, node join token to ${join(dataDir, 'token')}`);
  if (!flags['disable-agent']) {
    console.log('note: the node agent (kubelet, kube-proxy, DNS) is not built yet; running the control plane only');
  }

  await new Promise<void>((resolveStop) => {
    const stop = (sig: string) => {
      console.log(`k8ts server: ${sig} received, shutting down`);
      resolveStop();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await Promise.all([controllers.stop(), scheduler.stop()]);
  await api.stop();
  await store.close();
  console.log('k8ts server: stopped');
}
