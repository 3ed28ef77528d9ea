// API conformance against `k8ts server` on a real etcd started for the test.

import { runApiConformance } from './api-conformance.js';
import { startEtcd } from './helpers/etcd.js';

runApiConformance('etcd', async () => {
  const etcd = await startEtcd();
  return { datastore: etcd.url, cleanup: () => etcd.stop() };
});
