// Tests for pod request rules: containers summed, init containers by max (sidecars add), overhead, non-zero scoring defaults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_MEMORY_REQUEST, DEFAULT_MILLI_CPU_REQUEST, podRequests } from './resource.js';

const c = (cpu?: string, memory?: string, restartPolicy?: string) => ({ name: 'x', image: 'i', ...(restartPolicy ? { restartPolicy } : {}), resources: { requests: { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) } } });

test('podRequests', () => {
  const cases = [
    { name: 'sum of containers', spec: { containers: [c('100m', '1Mi'), c('250m', '2Mi')] }, cpu: 350, mem: 3 * 2 ** 20 },
    { name: 'init container larger', spec: { containers: [c('100m')], initContainers: [c('1'), c('300m')] }, cpu: 1000, mem: 0 },
    { name: 'init container smaller', spec: { containers: [c('2')], initContainers: [c('1')] }, cpu: 2000, mem: 0 },
    // sidecar 500m runs with the containers (1500m); the later init container runs beside the sidecar (1200m)
    { name: 'sidecars', spec: { containers: [c('1')], initContainers: [c('500m', undefined, 'Always'), c('700m')] }, cpu: 1500, mem: 0 },
    { name: 'init before sidecar', spec: { containers: [c('1')], initContainers: [c('2'), c('500m', undefined, 'Always')] }, cpu: 2000, mem: 0 },
    { name: 'overhead', spec: { containers: [c('1', '1Gi')], overhead: { cpu: '250m', memory: '64Mi' } }, cpu: 1250, mem: 2 ** 30 + 64 * 2 ** 20 },
  ];
  for (const t of cases) {
    const r = podRequests({ spec: t.spec });
    assert.equal(r.milliCPU, t.cpu, t.name);
    assert.equal(r.memory, t.mem, t.name);
  }
  const nz = podRequests({ spec: { containers: [c(), c('1')] } }, true);
  assert.equal(nz.milliCPU, DEFAULT_MILLI_CPU_REQUEST + 1000);
  assert.equal(nz.memory, 2 * DEFAULT_MEMORY_REQUEST);
  const ext = podRequests({ spec: { containers: [{ name: 'g', image: 'i', resources: { requests: { 'nvidia.com/gpu': '2', 'ephemeral-storage': '1Gi' } } }] } });
  assert.equal(ext.getNamed('nvidia.com/gpu'), 2);
  assert.equal(ext.ephemeralStorage, 2 ** 30);
});
