// Smoke test of the in-memory bench fixture: every pod is bound and a rate is reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSchedulerBench } from './bench-fixture.js';

test('bench fixture schedules every pod', async () => {
  const r = await runSchedulerBench({ nodes: 150, pods: 300 });
  assert.equal(r.scheduled, 300);
  assert.ok(r.podsPerSecond > 0);
});
