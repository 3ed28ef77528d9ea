// Every registered kind has a strategy with a table; defaults are idempotent and tables have one cell per column.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RESOURCES } from './resources.js';
import { strategyFor } from './strategies.js';
import { defaultStrategy } from './kinds/default.js';
import type { KObject } from './strategy.js';

const NOW = new Date('2024-05-01T12:00:00Z');
const tmpl = { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'busybox', env: [{ name: 'E', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] }], volumes: [{ name: 'v' }] } };

/** a plausible object of each kind, to run defaults and tables over */
const SAMPLES: Record<string, KObject> = {
  Pod: { spec: structuredClone(tmpl.spec) },
  Service: { spec: { ports: [{ port: 80 }], selector: { app: 'a' } } },
  ReplicationController: { spec: { template: structuredClone(tmpl) } },
  Deployment: { spec: { selector: { matchLabels: { app: 'a' } }, template: structuredClone(tmpl) } },
  ReplicaSet: { spec: { selector: { matchLabels: { app: 'a' } }, template: structuredClone(tmpl) } },
  DaemonSet: { spec: { selector: { matchLabels: { app: 'a' } }, template: structuredClone(tmpl) } },
  StatefulSet: { spec: { selector: { matchLabels: { app: 'a' } }, template: structuredClone(tmpl), volumeClaimTemplates: [{ metadata: { name: 'd' }, spec: { resources: { requests: { storage: '1Gi' } } } }] } },
  Job: { spec: { template: structuredClone(tmpl) } },
  CronJob: { spec: { schedule: '@hourly', jobTemplate: { spec: { template: structuredClone(tmpl) } } } },
  PodTemplate: { template: structuredClone(tmpl) },
  Secret: { stringData: { a: 'b' } },
  ConfigMap: { data: { a: 'b' } },
  Node: { status: { capacity: { cpu: '2' } } },
  Namespace: { status: {} },
  PersistentVolume: { spec: { capacity: { storage: '1Gi' }, hostPath: { path: '/x' } }, status: {} },
  PersistentVolumeClaim: { spec: { resources: { requests: { storage: '1Gi' } } }, status: {} },
  LimitRange: { spec: { limits: [{ type: 'Container', max: { cpu: '1' } }] } },
  ResourceQuota: { spec: { hard: { pods: '10' } } },
  Endpoints: { subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }] },
  EndpointSlice: { addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.1'] }], ports: [{ port: 80 }] },
  RoleBinding: { roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'User', name: 'u' }] },
  ClusterRoleBinding: { roleRef: { kind: 'ClusterRole', name: 'r' }, subjects: [{ kind: 'Group', name: 'g' }] },
  PriorityClass: { value: 10 },
  Event: { involvedObject: { kind: 'Pod', name: 'p' } },
};

test('every registered kind: own strategy, idempotent defaults, one cell per column', () => {
  for (const r of RESOURCES) {
    const s = strategyFor(r.group, r.kind);
    assert.notEqual(s, strategyFor('example.com', 'Widget'), `${r.group}/${r.kind} has its own strategy`);
    assert.ok(s.table, `${r.kind} has a table`);
    const obj: KObject = { apiVersion: r.group ? `${r.group}/${r.version}` : r.version, kind: r.kind, metadata: { name: 'x', creationTimestamp: '2024-05-01T11:00:00Z', ...(r.namespaced ? { namespace: 'default' } : {}) }, ...structuredClone(SAMPLES[r.kind] ?? {}) };
    s.defaults?.(obj);
    const once = structuredClone(obj);
    s.defaults?.(obj);
    assert.deepEqual(obj, once, `${r.kind} defaults are idempotent`);
    s.prepareForCreate?.(obj);
    const cells = s.table!.cells(obj, NOW);
    assert.equal(cells.length, s.table!.columns.length, `${r.kind} cells`);
    assert.ok(s.table!.columns.every((c) => c.name && c.description && (c.priority === 0 || c.priority === 1)), `${r.kind} columns`);
    // validation never throws on the sample, and selectable fields work on a bare object
    assert.ok(Array.isArray(s.validate?.(obj) ?? []));
    assert.equal(typeof (s.selectableFields?.({ metadata: {} }) ?? {}), 'object');
  }
});

test('malformed fields never throw out of a strategy', () => {
  const weird: KObject = { metadata: { name: 'x', namespace: 'default' }, spec: { containers: [null, 5, 'x'], ports: [null], selector: 'nope', template: 7 }, status: 'odd', subsets: [null], data: 3 };
  for (const r of RESOURCES) {
    const s = strategyFor(r.group, r.kind);
    const obj = structuredClone(weird);
    assert.doesNotThrow(() => {
      s.defaults?.(obj);
      s.prepareForCreate?.(obj);
      s.validate?.(obj);
      s.validate?.(obj, structuredClone(weird));
      s.prepareForUpdate?.(obj, structuredClone(weird));
      s.selectableFields?.(obj);
      s.table!.cells(obj, NOW);
    }, r.kind);
  }
});

test('unknown kinds get a Name/Age table', () => {
  const s = strategyFor('example.com', 'Widget');
  assert.deepEqual(s.table!.columns, defaultStrategy.table!.columns);
  assert.deepEqual(s.table!.columns.map((c) => [c.name, c.type]), [['Name', 'string'], ['Age', 'date']]);
  assert.deepEqual(s.table!.cells({ metadata: { name: 'w', creationTimestamp: '2024-05-01T11:00:00Z' } }, NOW), ['w', '2024-05-01T11:00:00Z']);
});
