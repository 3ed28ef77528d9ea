// Unit tests of the Deployment controller, run together with the ReplicaSet controller on the in-memory fake cluster.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/strategy.js';
import { FakeCluster, FakeQueue, FakeRecorder, makePodReady, runUntilQuiet } from '../workloads-common/fake-cluster.js';
import { isPodActive, isPodReady } from '../workloads-common/pods.js';
import { DEPLOYMENTS, PODS, REPLICA_SETS } from '../workloads-common/resources.js';
import { ReplicaSetController } from '../replicaset/replicaset-controller.js';
import { DeploymentController } from './deployment-controller.js';
import { REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION } from './deployment-util.js';

function deploy(name: string, replicas: number, spec: KObject = {}): KObject {
  return {
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'localhost/busybox:1.35' }] } },
      ...spec,
    },
  };
}

function setup() {
  const cluster = new FakeCluster();
  const drec = new FakeRecorder();
  const opts = { clientset: cluster, informers: cluster, clock: cluster.clock };
  const dc = new DeploymentController({ ...opts, recorder: drec });
  const rsc = new ReplicaSetController({ ...opts, recorder: new FakeRecorder() });
  const dq = new FakeQueue();
  const rq = new FakeQueue();
  dc.register(dq);
  rsc.register(rq);
  const run = (afterEach?: () => void) => runUntilQuiet([[dc, dq], [rsc, rq]], 5000, afterEach);
  const pods = () => cluster.list(PODS, 'default');
  const rss = () => cluster.list(REPLICA_SETS, 'default');
  const get = (name = 'web') => cluster.get(DEPLOYMENTS, 'default', name)!;
  /** the kubelet: up to n not-ready active pods become ready (oldest first) */
  const readyUp = (n = Infinity) => {
    let done = 0;
    for (const p of pods()) {
      if (done >= n) break;
      if (isPodActive(p) && !isPodReady(p)) {
        makePodReady(cluster, PODS, p);
        done++;
      }
    }
    return done;
  };
  const edit = async (fn: (d: KObject) => void, name = 'web') => {
    const d = structuredClone(get(name));
    fn(d);
    await cluster.resource(DEPLOYMENTS).update(d);
  };
  const cond = (type: string, name = 'web') => (get(name).status?.conditions ?? []).find((c: KObject) => c.type === type);
  return { cluster, drec, dc, dq, run, pods, rss, get, readyUp, edit, cond };
}

/** rolls everything out and marks every pod ready until the loop settles */
async function settle(s: ReturnType<typeof setup>, afterEach?: () => void) {
  for (let i = 0; i < 200; i++) {
    await s.run(afterEach);
    if (s.readyUp(1) === 0) {
      await s.run(afterEach);
      if (s.readyUp(1) === 0) return;
    }
  }
  throw new Error('did not settle');
}

test('creates the new ReplicaSet <name>-<hash> with revision 1, scales it up and reports status', async () => {
  const s = setup();
  s.cluster.create(DEPLOYMENTS, deploy('web', 3));
  await s.dc.reconcile('default/web');
  assert.equal(s.cond('Progressing').reason, 'NewReplicaSetCreated');
  await s.run();
  const [rs] = s.rss();
  const hash = rs.metadata.labels['pod-template-hash'];
  assert.ok(hash);
  assert.equal(rs.metadata.name, `web-${hash}`);
  assert.deepEqual(rs.spec.selector.matchLabels, { app: 'web', 'pod-template-hash': hash });
  assert.equal(rs.spec.template.metadata.labels['pod-template-hash'], hash);
  assert.equal(rs.metadata.annotations[REVISION_ANNOTATION], '1');
  assert.equal(rs.metadata.annotations['deployment.kubernetes.io/desired-replicas'], '3');
  assert.equal(rs.metadata.annotations['deployment.kubernetes.io/max-replicas'], '4');
  assert.equal(rs.metadata.ownerReferences[0].kind, 'Deployment');
  assert.ok(s.drec.has(`Normal ScalingReplicaSet: Scaled up replica set web-${hash} from 0 to 3`));
  assert.equal(s.get().metadata.annotations[REVISION_ANNOTATION], '1');
  assert.equal(s.cond('Progressing').reason, 'ReplicaSetUpdated');
  assert.equal(s.cond('Available').status, 'False');
  await settle(s);
  const st = s.get().status;
  assert.deepEqual([st.replicas, st.updatedReplicas, st.readyReplicas, st.availableReplicas, st.unavailableReplicas ?? 0, st.observedGeneration], [3, 3, 3, 3, 0, s.get().metadata.generation]);
  assert.equal(s.cond('Progressing').reason, 'NewReplicaSetAvailable');
  assert.equal(s.cond('Progressing').message, `ReplicaSet "web-${hash}" has successfully progressed.`);
  assert.equal(s.cond('Available').reason, 'MinimumReplicasAvailable');
  // the hash is stable: the same template hashes the same
  await s.run();
  assert.equal(s.rss().length, 1);
});

test('rolling update keeps within maxSurge and maxUnavailable at every step', async () => {
  for (const [surge, unavail, maxTotal, minReady] of [['25%', '25%', 13, 8], [0, 1, 10, 9], [2, 0, 12, 10], ['50%', '10%', 15, 9]] as const) {
    const s = setup();
    s.cluster.create(DEPLOYMENTS, deploy('web', 10, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: surge, maxUnavailable: unavail } } }));
    await settle(s);
    const v1 = s.rss()[0];
    await s.edit((d) => { d.spec.template.spec.containers[0].image = 'localhost/busybox:1.36'; });
    let steps = 0;
    const check = () => {
      steps++;
      const active = s.pods().filter(isPodActive);
      const ready = active.filter(isPodReady);
      assert.ok(active.length <= maxTotal, `surge ${surge}/${unavail}: ${active.length} pods > ${maxTotal}`);
      assert.ok(ready.length >= minReady, `surge ${surge}/${unavail}: ${ready.length} ready < ${minReady}`);
    };
    await settle(s, check);
    assert.ok(steps > 10);
    const rss = s.rss();
    assert.equal(rss.length, 2);
    const v2 = rss.find((rs) => rs.metadata.uid !== v1.metadata.uid)!;
    assert.equal(v2.spec.replicas, 10);
    assert.equal(s.cluster.get(REPLICA_SETS, 'default', v1.metadata.name)!.spec.replicas, 0);
    assert.equal(v2.metadata.annotations[REVISION_ANNOTATION], '2');
    assert.equal(s.pods().length, 10);
    assert.ok(s.pods().every((p) => p.spec.containers[0].image === 'localhost/busybox:1.36'));
    const st = s.get().status;
    assert.deepEqual([st.replicas, st.updatedReplicas, st.availableReplicas], [10, 10, 10]);
    assert.equal(s.cond('Progressing').reason, 'NewReplicaSetAvailable');
    assert.ok(s.drec.events.some((e) => /^Normal ScalingReplicaSet: Scaled down replica set web-\w+ from 10 to \d+$/.test(e)));
  }
});

test('Recreate: old pods are gone before new ones are created', async () => {
  const s = setup();
  s.cluster.create(DEPLOYMENTS, deploy('web', 3, { strategy: { type: 'Recreate' } }));
  await settle(s);
  await s.edit((d) => { d.spec.template.spec.containers[0].image = 'localhost/busybox:1.36'; });
  const check = () => {
    const images = new Set(s.pods().filter((p) => p.status?.phase !== 'Failed').map((p) => p.spec.containers[0].image));
    assert.ok(images.size <= 1, `old and new pods together: ${[...images]}`);
  };
  await settle(s, check);
  assert.equal(s.pods().length, 3);
  assert.ok(s.pods().every((p) => p.spec.containers[0].image === 'localhost/busybox:1.36'));
  assert.equal(s.get().status.updatedReplicas, 3);
});

test('rollback to an old template (kubectl rollout undo) reuses the old ReplicaSet with a new revision', async () => {
  const s = setup();
  s.cluster.create(DEPLOYMENTS, deploy('web', 2));
  await settle(s);
  const v1 = s.rss()[0];
  await s.edit((d) => { d.spec.template.spec.containers[0].image = 'localhost/busybox:1.36'; });
  await settle(s);
  assert.equal(s.rss().length, 2);
  // kubectl rollout undo: the template of revision 1 without its pod-template-hash label
  const tmpl = structuredClone(s.cluster.get(REPLICA_SETS, 'default', v1.metadata.name)!.spec.template);
  delete tmpl.metadata.labels['pod-template-hash'];
  await s.edit((d) => { d.spec.template = tmpl; });
  await settle(s);
  assert.equal(s.rss().length, 2, 'no new ReplicaSet');
  const back = s.cluster.get(REPLICA_SETS, 'default', v1.metadata.name)!;
  assert.equal(back.spec.replicas, 2);
  assert.equal(back.metadata.annotations[REVISION_ANNOTATION], '3');
  assert.equal(back.metadata.annotations[REVISION_HISTORY_ANNOTATION], '1');
  assert.equal(s.get().metadata.annotations[REVISION_ANNOTATION], '3');
  assert.ok(s.pods().every((p) => p.spec.containers[0].image === 'localhost/busybox:1.35'));
});

test('paused: a template change does not roll out until resumed; the condition says so', async () => {
  const s = setup();
  s.cluster.create(DEPLOYMENTS, deploy('web', 2));
  await settle(s);
  await s.edit((d) => { d.spec.paused = true; });
  await s.run();
  assert.equal(s.cond('Progressing').reason, 'DeploymentPaused');
  assert.equal(s.cond('Progressing').status, 'Unknown');
  await s.edit((d) => { d.spec.template.spec.containers[0].image = 'localhost/busybox:1.36'; });
  await settle(s);
  assert.equal(s.rss().length, 1);
  // scaling while paused still works
  await s.edit((d) => { d.spec.replicas = 3; });
  await settle(s);
  assert.equal(s.pods().length, 3);
  await s.edit((d) => { d.spec.paused = false; });
  await s.run();
  assert.equal(s.rss().length, 2);
  await settle(s);
  assert.ok(s.pods().every((p) => p.spec.containers[0].image === 'localhost/busybox:1.36'));
  assert.equal(s.cond('Progressing').reason, 'NewReplicaSetAvailable');
});

test('progress deadline: a stuck rollout gets ProgressDeadlineExceeded', async () => {
  const s = setup();
  s.cluster.create(DEPLOYMENTS, deploy('web', 2, { progressDeadlineSeconds: 60 }));
  await settle(s);
  await s.edit((d) => { d.spec.template.spec.containers[0].image = 'localhost/busybox:1.36'; });
  await s.run();
  assert.equal(s.cond('Progressing').reason, 'ReplicaSetUpdated');
  assert.ok(s.dq.delayed.has('default/web'), 'requeued for the deadline');
  s.cluster.clock.step(61_000);
  s.dq.fireDelayed();
  await s.run();
  const c = s.cond('Progressing');
  assert.equal(c.status, 'False');
  assert.equal(c.reason, 'ProgressDeadlineExceeded');
  const newRS = s.rss().find((rs) => rs.metadata.annotations[REVISION_ANNOTATION] === '2')!;
  assert.equal(c.message, `ReplicaSet "${newRS.metadata.name}" has timed out progressing.`);
});

test('scaling during a rollout is proportional', async () => {
  const s = setup();
  s.cluster.create(DEPLOYMENTS, deploy('web', 10, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } }));
  await settle(s);
  await s.edit((d) => { d.spec.template.spec.containers[0].image = 'localhost/busybox:1.36'; });
  await s.run();
  // new RS at 3 (surge), old at 8 (two unavailable allowed): 11 of 13 allowed... then scale to 20
  const before = s.rss().map((rs) => rs.spec.replicas).sort((a, b) => a - b);
  assert.deepEqual(before, [5, 8]);
  await s.edit((d) => { d.spec.replicas = 20; });
  await s.run();
  // allowed 23 = 20 + 3; 13 in use, +10 spread by size: old 8 → 8·23/13 ≈ 14, new 5 → 9
  const after = s.rss().map((rs) => rs.spec.replicas).sort((a, b) => a - b);
  assert.deepEqual(after, [9, 14]);
  await settle(s);
  assert.equal(s.pods().length, 20);
});

test('revisionHistoryLimit: old ReplicaSets beyond the limit are deleted', async () => {
  const s = setup();
  s.cluster.create(DEPLOYMENTS, deploy('web', 1, { revisionHistoryLimit: 1 }));
  await settle(s);
  for (const tag of ['1.36', '1.37', '1.38']) {
    await s.edit((d) => { d.spec.template.spec.containers[0].image = `localhost/busybox:${tag}`; });
    await settle(s);
  }
  const revs = s.rss().map((rs) => rs.metadata.annotations[REVISION_ANNOTATION]).sort();
  assert.deepEqual(revs, ['3', '4']);
});

test('kubectl rollout restart (a template annotation) rolls out a new ReplicaSet', async () => {
  const s = setup();
  s.cluster.create(DEPLOYMENTS, deploy('web', 2));
  await settle(s);
  await s.edit((d) => { d.spec.template.metadata.annotations = { 'kubectl.kubernetes.io/restartedAt': '2024-01-01T00:00:00Z' }; });
  await settle(s);
  assert.equal(s.rss().length, 2);
  assert.ok(s.pods().every((p) => p.metadata.annotations?.['kubectl.kubernetes.io/restartedAt']));
});

test('an empty selector is refused with a SelectingAll event', async () => {
  const s = setup();
  const d = deploy('web', 1);
  s.cluster.create(DEPLOYMENTS, d);
  // bypass validation as an old object might: write the selector directly
  s.cluster.mutate(DEPLOYMENTS, 'default', 'web', (o) => { o.spec.selector = {}; });
  s.cluster.actions.length = 0;
  await s.dc.reconcile('default/web');
  assert.ok(s.drec.has('Warning SelectingAll: This deployment is selecting all pods. A non-empty selector is required.'));
});
