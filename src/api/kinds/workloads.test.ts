// Tests for the workload strategies: Deployment, ReplicaSet, ReplicationController, DaemonSet, StatefulSet, Job, CronJob.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deploymentStrategy } from './deployment.js';
import { replicaSetStrategy } from './replicaset.js';
import { replicationControllerStrategy } from './replicationcontroller.js';
import { daemonSetStrategy, TEMPLATE_GENERATION_ANNOTATION } from './daemonset.js';
import { statefulSetStrategy } from './statefulset.js';
import { jobStrategy } from './job.js';
import { cronJobStrategy } from './cronjob.js';
import { cronScheduleError } from './cron.js';
import { causeToString } from '../validation/field.js';
import type { KindStrategy, KObject } from '../strategy.js';

const NOW = new Date('2024-05-01T12:00:00Z');
const template = (labels: Record<string, string> = { app: 'web' }, restartPolicy?: string): KObject => ({
  metadata: { labels },
  spec: { containers: [{ name: 'c', image: 'nginx:1.25' }], ...(restartPolicy ? { restartPolicy } : {}) },
});

function make(strategy: KindStrategy, kind: string, spec: KObject, apiVersion = 'apps/v1'): KObject {
  const o: KObject = { apiVersion, kind, metadata: { name: 'w', namespace: 'default', uid: 'uid-1', creationTimestamp: '2024-05-01T11:00:00Z' }, spec };
  strategy.defaults!(o);
  return o;
}

const errs = (s: KindStrategy, o: KObject, old?: KObject) => s.validate!(o, old).map(causeToString);

function idempotent(s: KindStrategy, o: KObject): void {
  const again = structuredClone(o);
  s.defaults!(again);
  assert.deepEqual(again, o);
}

test('deployment defaults, validation, generation, table', () => {
  const d = make(deploymentStrategy, 'Deployment', { selector: { matchLabels: { app: 'web' } }, template: template() });
  assert.equal(d.spec.replicas, 1);
  assert.deepEqual(d.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
  assert.equal(d.spec.revisionHistoryLimit, 10);
  assert.equal(d.spec.progressDeadlineSeconds, 600);
  assert.equal(d.spec.template.spec.restartPolicy, 'Always');
  assert.equal(d.spec.template.spec.enableServiceLinks, undefined);
  idempotent(deploymentStrategy, d);
  assert.deepEqual(errs(deploymentStrategy, d), []);

  const mismatch = make(deploymentStrategy, 'Deployment', { selector: { matchLabels: { app: 'other' } }, template: template({ app: 'web', tier: 'x' }) });
  assert.deepEqual(errs(deploymentStrategy, mismatch), ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"web", "tier":"x"}: `selector` does not match template `labels`']);
  const noSel = make(deploymentStrategy, 'Deployment', { template: template() });
  // as upstream: a missing selector selects nothing, so the template check fails too
  assert.deepEqual(errs(deploymentStrategy, noSel), ['spec.selector: Required value', 'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`']);
  const neg = make(deploymentStrategy, 'Deployment', { replicas: -1, selector: { matchLabels: { app: 'web' } }, template: template() });
  assert.deepEqual(errs(deploymentStrategy, neg), ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']);
  const never = make(deploymentStrategy, 'Deployment', { selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }, 'Never') });
  assert.deepEqual(errs(deploymentStrategy, never), ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"']);

  const changedSel = structuredClone(d);
  changedSel.spec.selector = { matchLabels: { app: 'web', v: '2' } };
  changedSel.spec.template.metadata.labels.v = '2';
  assert.deepEqual(errs(deploymentStrategy, changedSel, d), ['spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "v":"2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable']);

  d.status = { replicas: 3 };
  deploymentStrategy.prepareForCreate!(d);
  assert.deepEqual(d.status, {});
  assert.equal(d.metadata.generation, 1);
  const scaled = structuredClone(d);
  scaled.spec.replicas = 3;
  deploymentStrategy.prepareForUpdate!(scaled, d);
  assert.equal(scaled.metadata.generation, 2);
  const same = structuredClone(scaled);
  deploymentStrategy.prepareForUpdate!(same, scaled);
  assert.equal(same.metadata.generation, 2);

  const t = deploymentStrategy.table!;
  assert.deepEqual(t.columns.map((c) => c.name), ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector']);
  scaled.status = { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 };
  assert.deepEqual(t.cells(scaled, NOW), ['w', '2/3', 3, 2, '60m', 'c', 'nginx:1.25', 'app=web']);
});

test('replicaset and replication controller', () => {
  const rs = make(replicaSetStrategy, 'ReplicaSet', { selector: { matchLabels: { app: 'web' } }, template: template() });
  assert.equal(rs.spec.replicas, 1);
  assert.deepEqual(errs(replicaSetStrategy, rs), []);
  assert.deepEqual(replicaSetStrategy.table!.cells(rs, NOW), ['w', 1, 0, 0, '60m', 'c', 'nginx:1.25', 'app=web']);
  assert.deepEqual(replicaSetStrategy.selectableFields!(rs), { 'status.replicas': '0' });
  const empty = make(replicaSetStrategy, 'ReplicaSet', { selector: {}, template: template() });
  assert.deepEqual(errs(replicaSetStrategy, empty), ['spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment']);

  const rc = make(replicationControllerStrategy, 'ReplicationController', { template: template({ app: 'web' }) }, 'v1');
  assert.deepEqual(rc.spec.selector, { app: 'web' });
  assert.deepEqual(rc.metadata.labels, { app: 'web' });
  assert.equal(rc.spec.replicas, 1);
  idempotent(replicationControllerStrategy, rc);
  assert.deepEqual(errs(replicationControllerStrategy, rc), []);
  const bad = make(replicationControllerStrategy, 'ReplicationController', { selector: { app: 'x' }, template: template({ app: 'web' }) }, 'v1');
  assert.deepEqual(errs(replicationControllerStrategy, bad), ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`']);
  const none = make(replicationControllerStrategy, 'ReplicationController', {}, 'v1');
  assert.deepEqual(errs(replicationControllerStrategy, none), ['spec.selector: Required value', 'spec.template: Required value']);
  assert.deepEqual(replicationControllerStrategy.table!.cells(rc, NOW), ['w', 1, 0, 0, '60m', 'c', 'nginx:1.25', 'app=web']);
});

test('daemonset', () => {
  const ds = make(daemonSetStrategy, 'DaemonSet', { selector: { matchLabels: { app: 'web' } }, template: template() });
  assert.deepEqual(ds.spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
  assert.equal(ds.spec.revisionHistoryLimit, 10);
  idempotent(daemonSetStrategy, ds);
  assert.deepEqual(errs(daemonSetStrategy, ds), []);
  daemonSetStrategy.prepareForCreate!(ds);
  assert.equal(ds.metadata.annotations[TEMPLATE_GENERATION_ANNOTATION], '1');
  const upd = structuredClone(ds);
  upd.spec.template.spec.containers[0].image = 'nginx:2';
  daemonSetStrategy.prepareForUpdate!(upd, ds);
  assert.equal(upd.metadata.generation, 2);
  assert.equal(upd.metadata.annotations[TEMPLATE_GENERATION_ANNOTATION], '2');
  assert.equal(daemonSetStrategy.table!.columns.length, daemonSetStrategy.table!.cells(ds, NOW).length);
});

test('statefulset', () => {
  const sts = make(statefulSetStrategy, 'StatefulSet', {
    serviceName: 'web', selector: { matchLabels: { app: 'web' } }, template: template(),
    volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
  });
  assert.equal(sts.spec.podManagementPolicy, 'OrderedReady');
  assert.deepEqual(sts.spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
  assert.deepEqual(sts.spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
  assert.equal(sts.spec.volumeClaimTemplates[0].spec.volumeMode, 'Filesystem');
  assert.equal(sts.spec.volumeClaimTemplates[0].status.phase, 'Pending');
  idempotent(statefulSetStrategy, sts);
  assert.deepEqual(errs(statefulSetStrategy, sts), []);
  const upd = structuredClone(sts);
  upd.spec.serviceName = 'other';
  assert.deepEqual(errs(statefulSetStrategy, upd, sts), ["spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"]);
  sts.status = { readyReplicas: 1 };
  assert.deepEqual(statefulSetStrategy.table!.cells(sts, NOW), ['w', '1/1', '60m', 'c', 'nginx:1.25']);
});

test('job', () => {
  const job = make(jobStrategy, 'Job', { template: template({}, 'Never') }, 'batch/v1');
  assert.equal(job.spec.completions, 1);
  assert.equal(job.spec.parallelism, 1);
  assert.equal(job.spec.backoffLimit, 6);
  assert.equal(job.spec.completionMode, 'NonIndexed');
  assert.equal(job.spec.suspend, false);
  assert.equal(job.spec.podReplacementPolicy, 'TerminatingOrFailed');
  idempotent(jobStrategy, job);
  jobStrategy.prepareForCreate!(job);
  assert.deepEqual(errs(jobStrategy, job), []);
  assert.deepEqual(job.spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': 'uid-1' } });
  assert.equal(job.spec.template.metadata.labels['job-name'], 'w');
  assert.equal(job.metadata.generation, 1);
  const always = make(jobStrategy, 'Job', { template: template({}) }, 'batch/v1');
  assert.ok(errs(jobStrategy, always).includes('spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"'));
  const changed = structuredClone(job);
  changed.spec.completions = 3;
  assert.deepEqual(errs(jobStrategy, changed, job), ['spec.completions: Invalid value: 3: field is immutable']);
  const t = jobStrategy.table!;
  assert.deepEqual(t.columns.map((c) => c.name), ['Name', 'Status', 'Completions', 'Duration', 'Age', 'Containers', 'Images', 'Selector']);
  job.status = { succeeded: 1, startTime: '2024-05-01T11:00:00Z', completionTime: '2024-05-01T11:00:42Z', conditions: [{ type: 'Complete', status: 'True' }] };
  assert.deepEqual(t.cells(job, NOW).slice(0, 5), ['w', 'Complete', '1/1', '42s', '60m']);
  assert.deepEqual(jobStrategy.selectableFields!(job), { 'status.successful': '1' });
});

test('cronjob', () => {
  const cj = make(cronJobStrategy, 'CronJob', { schedule: '*/5 * * * *', jobTemplate: { spec: { template: template({}, 'OnFailure') } } }, 'batch/v1');
  assert.equal(cj.spec.concurrencyPolicy, 'Allow');
  assert.equal(cj.spec.suspend, false);
  assert.equal(cj.spec.successfulJobsHistoryLimit, 3);
  assert.equal(cj.spec.failedJobsHistoryLimit, 1);
  assert.equal(cj.spec.jobTemplate.spec.backoffLimit, undefined);
  idempotent(cronJobStrategy, cj);
  assert.deepEqual(errs(cronJobStrategy, cj), []);
  const bad = structuredClone(cj);
  bad.spec.schedule = '61 * * * *';
  assert.deepEqual(errs(cronJobStrategy, bad), ['spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61']);
  assert.equal(cronScheduleError('@hourly'), null);
  assert.equal(cronScheduleError('* * *'), 'expected exactly 5 fields, found 3: [* * *]');
  assert.equal(cronScheduleError('0 0 * * MON-FRI'), null);
  assert.equal(cronScheduleError('x * * * *'), 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax');
  const tz = structuredClone(cj);
  tz.spec.timeZone = 'Mars/Olympus';
  assert.deepEqual(errs(cronJobStrategy, tz), ['spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus']);
  const t = cronJobStrategy.table!;
  assert.deepEqual(t.columns.map((c) => c.name), ['Name', 'Schedule', 'Timezone', 'Suspend', 'Active', 'Last Schedule', 'Age', 'Containers', 'Images', 'Selector']);
  assert.deepEqual(t.cells(cj, NOW).slice(0, 7), ['w', '*/5 * * * *', '<none>', 'False', 0, '<none>', '60m']);
});
