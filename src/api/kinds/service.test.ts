// Tests for the Service strategy: defaults, validation wording, update normalisation, table cells.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serviceStrategy } from './service.js';
import { causeToString } from '../validation/field.js';
import type { KObject } from '../strategy.js';

const NOW = new Date('2024-05-01T12:00:00Z');

function svc(spec: KObject): KObject {
  const s: KObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default', creationTimestamp: '2024-05-01T10:00:00Z' }, spec };
  serviceStrategy.defaults!(s);
  return s;
}

const errs = (s: KObject, old?: KObject) => serviceStrategy.validate!(s, old).map(causeToString);

test('defaults', () => {
  const s = svc({ selector: { app: 'web' }, ports: [{ port: 80 }, { port: 443, targetPort: 'https', name: 'b' }] });
  assert.equal(s.spec.type, 'ClusterIP');
  assert.equal(s.spec.sessionAffinity, 'None');
  assert.equal(s.spec.internalTrafficPolicy, 'Cluster');
  assert.equal(s.spec.ipFamilyPolicy, 'SingleStack');
  assert.deepEqual(s.spec.ipFamilies, ['IPv4']);
  assert.deepEqual(s.spec.ports[0], { port: 80, protocol: 'TCP', targetPort: 80 });
  assert.equal(s.spec.ports[1].targetPort, 'https');
  assert.equal(s.spec.externalTrafficPolicy, undefined);
  assert.deepEqual(s.status, { loadBalancer: {} });
  const np = svc({ type: 'NodePort', ports: [{ port: 80 }] });
  assert.equal(np.spec.externalTrafficPolicy, 'Cluster');
  const lb = svc({ type: 'LoadBalancer', ports: [{ port: 80 }] });
  assert.equal(lb.spec.allocateLoadBalancerNodePorts, true);
  const aff = svc({ sessionAffinity: 'ClientIP', ports: [{ port: 80 }] });
  assert.deepEqual(aff.spec.sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } });
  const headless = svc({ clusterIP: 'None' });
  assert.deepEqual(headless.spec.clusterIPs, ['None']);
  assert.equal(headless.spec.ipFamilyPolicy, 'RequireDualStack');
  const again = structuredClone(s);
  serviceStrategy.defaults!(again);
  assert.deepEqual(again, s);
});

test('validation', () => {
  assert.deepEqual(errs(svc({ selector: { app: 'web' }, ports: [{ port: 80 }] })), []);
  assert.deepEqual(errs(svc({ clusterIP: 'None' })), []);
  assert.deepEqual(errs(svc({ type: 'ExternalName', externalName: 'example.com' })), []);
  assert.deepEqual(errs(svc({})), ['spec.ports: Required value']);
  assert.deepEqual(errs(svc({ type: 'Magic', ports: [{ port: 80 }] })), ['spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"']);
  const e = errs(svc({ ports: [{ port: 0 }, { port: 80, protocol: 'XTP' }] }));
  assert.ok(e.includes('spec.ports[0].name: Required value'), e.join('\n'));
  assert.ok(e.includes('spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive'));
  assert.ok(e.includes('spec.ports[1].protocol: Unsupported value: "XTP": supported values: "SCTP", "TCP", "UDP"'));
  assert.deepEqual(errs(svc({ ports: [{ port: 80, nodePort: 30001 }] })), ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]);
  assert.deepEqual(errs(svc({ ports: [{ port: 80, name: 'a' }, { port: 80, name: 'b' }] })), [
    'spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}',
  ]);
});

test('cluster IP is immutable; omitted allocated values are kept', () => {
  const old = svc({ ports: [{ port: 80 }] });
  old.spec.clusterIP = '10.96.0.10';
  old.spec.clusterIPs = ['10.96.0.10'];
  const changed = svc({ clusterIP: '10.96.0.11', ports: [{ port: 80 }] });
  serviceStrategy.prepareForUpdate!(changed, old);
  assert.deepEqual(errs(changed, old), ['spec.clusterIPs[0]: Invalid value: []string{"10.96.0.11"}: may not change once set']);
  const omitted = svc({ ports: [{ port: 80 }] });
  serviceStrategy.prepareForUpdate!(omitted, old);
  assert.equal(omitted.spec.clusterIP, '10.96.0.10');
  assert.deepEqual(errs(omitted, old), []);
  const oldNP = svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] });
  const newNP = svc({ type: 'NodePort', ports: [{ port: 80 }] });
  serviceStrategy.prepareForUpdate!(newNP, oldNP);
  assert.equal(newNP.spec.ports[0].nodePort, 30080);
  // switching to ExternalName drops what no longer applies
  const ext = structuredClone(old);
  ext.spec.type = 'ExternalName';
  ext.spec.externalName = 'example.com';
  serviceStrategy.prepareForUpdate!(ext, old);
  assert.equal(ext.spec.clusterIP, undefined);
  assert.equal(ext.spec.ipFamilyPolicy, undefined);
  assert.deepEqual(errs(ext, old), []);
});

test('table cells', () => {
  const t = serviceStrategy.table!;
  assert.deepEqual(t.columns.map((c) => c.name), ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector']);
  const s = svc({ type: 'NodePort', selector: { app: 'web' }, clusterIP: '10.96.0.10', ports: [{ port: 80, nodePort: 30080 }, { port: 53, protocol: 'UDP', name: 'dns' }] });
  assert.deepEqual(t.cells(s, NOW), ['web', 'NodePort', '10.96.0.10', '<none>', '80:30080/TCP,53/UDP', '120m', 'app=web']);
  const lb = svc({ type: 'LoadBalancer', ports: [{ port: 80 }] });
  assert.equal(t.cells(lb, NOW)[3], '<pending>');
  lb.status.loadBalancer.ingress = [{ ip: '1.2.3.4' }];
  assert.equal(t.cells(lb, NOW)[3], '1.2.3.4');
  assert.deepEqual(t.cells(svc({ type: 'ExternalName', externalName: 'example.com' }), NOW).slice(1, 5), ['ExternalName', '<none>', 'example.com', '<none>']);
});
