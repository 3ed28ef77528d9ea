// Tests for targetPort resolution, which pods count, and the Endpoints subsets built from them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/strategy.js';
import { findPort, shouldPodBeInEndpoints, endpointHostname } from './endpoint-ports.js';
import { desiredSubsets, subsetsEqual } from './endpoint-subsets.js';
import { rfc3339Nano } from './endpoints-controller.js';

function pod(name: string, ip: string | undefined, ready: boolean, extra: KObject = {}): KObject {
  return {
    metadata: { name, namespace: 'ns', uid: `uid-${name}`, labels: { app: 'web' }, ...(extra.metadata ?? {}) },
    spec: {
      nodeName: 'node-1',
      containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }, { name: 'dns', containerPort: 5353, protocol: 'UDP' }] }],
      ...(extra.spec ?? {}),
    },
    status: { phase: 'Running', ...(ip ? { podIP: ip } : {}), conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }], ...(extra.status ?? {}) },
  };
}

const svc = (ports: KObject[], extra: KObject = {}): KObject => ({ metadata: { name: 'web', namespace: 'ns' }, spec: { selector: { app: 'web' }, ports, ...extra } });

test('targetPort: numbers as is, names from container ports with the same protocol, unset → port', () => {
  const p = pod('a', '10.0.0.1', true);
  assert.equal(findPort(p, { port: 80, targetPort: 9090 }), 9090);
  assert.equal(findPort(p, { port: 80, targetPort: 'http' }), 8080);
  assert.equal(findPort(p, { port: 80, targetPort: 'http', protocol: 'UDP' }), undefined, 'protocol must match');
  assert.equal(findPort(p, { port: 53, targetPort: 'dns', protocol: 'UDP' }), 5353);
  assert.equal(findPort(p, { port: 80, targetPort: 'nope' }), undefined);
  assert.equal(findPort(p, { port: 80 }), 80);
  // a sidecar's (restartable init container's) port counts; a plain init container's does not
  const sc = pod('b', '10.0.0.2', true, { spec: { initContainers: [{ name: 's', restartPolicy: 'Always', ports: [{ name: 'metrics', containerPort: 9100 }] }, { name: 'i', ports: [{ name: 'init', containerPort: 1 }] }] } });
  assert.equal(findPort(sc, { port: 80, targetPort: 'metrics' }), 9100);
  assert.equal(findPort(sc, { port: 80, targetPort: 'init' }), undefined);
});

test('which pods count: an IP, not finished, not terminating unless asked', () => {
  assert.equal(shouldPodBeInEndpoints(pod('a', undefined, true), false), false);
  assert.equal(shouldPodBeInEndpoints(pod('a', '10.0.0.1', false), false), true);
  assert.equal(shouldPodBeInEndpoints(pod('a', '10.0.0.1', true, { status: { phase: 'Succeeded' } }), true), false);
  const term = pod('a', '10.0.0.1', true, { metadata: { deletionTimestamp: '2025-01-01T00:00:00Z' } });
  assert.equal(shouldPodBeInEndpoints(term, false), false);
  assert.equal(shouldPodBeInEndpoints(term, true), true);
});

test('subsets: ready and not-ready addresses, resolved ports, sorted', () => {
  const s = svc([{ name: 'web', port: 80, targetPort: 'http', protocol: 'TCP' }, { name: 'raw', port: 81, targetPort: 7000, protocol: 'TCP' }]);
  const { subsets, truncated } = desiredSubsets(s, [pod('b', '10.0.0.2', false), pod('a', '10.0.0.1', true), pod('c', undefined, true)]);
  assert.equal(truncated, false);
  assert.deepEqual(subsets, [{
    addresses: [{ ip: '10.0.0.1', nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'ns', name: 'a', uid: 'uid-a' } }],
    notReadyAddresses: [{ ip: '10.0.0.2', nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'ns', name: 'b', uid: 'uid-b' } }],
    ports: [{ name: 'raw', port: 7000, protocol: 'TCP' }, { name: 'web', port: 8080, protocol: 'TCP' }],
  }]);
});

test('pods resolving different ports land in different subsets; pods resolving none are left out', () => {
  const s = svc([{ name: 'web', port: 80, targetPort: 'http', protocol: 'TCP' }]);
  const other = pod('x', '10.0.0.9', true, { spec: { containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 9999 }] }] } });
  const none = pod('y', '10.0.0.8', true, { spec: { containers: [{ name: 'c' }] } });
  const { subsets } = desiredSubsets(s, [pod('a', '10.0.0.1', true), other, none]);
  assert.equal(subsets.length, 2);
  assert.deepEqual(subsets.map((x) => x.ports[0].port).sort(), [8080, 9999]);
  assert.ok(!JSON.stringify(subsets).includes('10.0.0.8'));
});

test('publishNotReadyAddresses makes every address ready and keeps terminating pods', () => {
  const s = svc([{ port: 80, targetPort: 8080, protocol: 'TCP' }], { publishNotReadyAddresses: true });
  const term = pod('t', '10.0.0.3', false, { metadata: { deletionTimestamp: '2025-01-01T00:00:00Z' } });
  const { subsets } = desiredSubsets(s, [pod('b', '10.0.0.2', false), term]);
  assert.equal(subsets[0].addresses.length, 2);
  assert.equal(subsets[0].notReadyAddresses, undefined);
  assert.deepEqual(subsets[0].ports, [{ port: 8080, protocol: 'TCP' }], 'an unnamed port stays unnamed');
  // without it a terminating pod is gone
  assert.equal(desiredSubsets(svc([{ port: 80, targetPort: 8080 }]), [term]).subsets.length, 0);
});

test('headless Service without ports: port-less subsets; hostname from hostname+subdomain', () => {
  const s = svc([], { clusterIP: 'None' });
  const p = pod('a', '10.0.0.1', true, { spec: { hostname: 'a-host', subdomain: 'web' } });
  assert.equal(endpointHostname(p, s), 'a-host');
  assert.equal(endpointHostname(pod('b', '10.0.0.2', true, { spec: { hostname: 'b', subdomain: 'other' } }), s), undefined);
  const { subsets } = desiredSubsets(s, [p]);
  assert.deepEqual(subsets, [{ addresses: [{ ip: '10.0.0.1', hostname: 'a-host', nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'ns', name: 'a', uid: 'uid-a' } }] }]);
  // a non-headless Service without ports gets nothing
  assert.equal(desiredSubsets(svc([]), [p]).subsets.length, 0);
});

test('over capacity: truncated, ready addresses kept first', () => {
  const s = svc([{ port: 80, targetPort: 8080, protocol: 'TCP' }]);
  const pods = [pod('r1', '10.0.1.1', true), pod('n1', '10.0.0.1', false), pod('r2', '10.0.1.2', true)];
  const { subsets, truncated } = desiredSubsets(s, pods, 2);
  assert.equal(truncated, true);
  assert.equal(subsets[0].addresses.length, 2);
  assert.equal(subsets[0].notReadyAddresses, undefined);
});

test('subsets compare by meaning; trigger time is written as Go RFC3339Nano', () => {
  const a = [{ addresses: [{ ip: '1.1.1.1', targetRef: { kind: 'Pod', name: 'a', namespace: 'ns', uid: 'u' } }], ports: [{ port: 80, protocol: 'TCP' }] }];
  const b = [{ ports: [{ protocol: 'TCP', port: 80 }], addresses: [{ targetRef: { uid: 'u', name: 'a', namespace: 'ns', kind: 'Pod' }, ip: '1.1.1.1' }], notReadyAddresses: [] }];
  assert.equal(subsetsEqual(a, b), true);
  assert.equal(subsetsEqual(a, []), false);
  assert.equal(subsetsEqual(undefined, []), true);
  assert.equal(rfc3339Nano(Date.parse('2025-01-01T00:00:00.120Z')), '2025-01-01T00:00:00.12Z');
  assert.equal(rfc3339Nano(Date.parse('2025-01-01T00:00:00.000Z')), '2025-01-01T00:00:00Z');
});
