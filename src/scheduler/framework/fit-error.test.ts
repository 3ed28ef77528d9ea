// Tests for FitError: upstream's FailedScheduling wording (counts per reason, sorted; PreFilter and PostFilter parts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Diagnosis, FitError } from './fit-error.js';
import { Status } from './status.js';

test('reasons are counted over nodes and sorted', () => {
  const d = new Diagnosis();
  d.nodeToStatus.set('a', Status.unschedulable('Insufficient cpu'));
  d.nodeToStatus.set('b', Status.unschedulable('Insufficient cpu', 'Insufficient memory'));
  d.nodeToStatus.set('c', Status.unresolvable("node(s) didn't match Pod's node affinity/selector"));
  d.nodeToStatus.set('d', Status.unresolvable('node(s) had untolerated taint {dedicated: gpu}'));
  assert.equal(new FitError('default/p', 4, d).message(), "0/4 nodes are available: 1 Insufficient memory, 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {dedicated: gpu}, 2 Insufficient cpu.");
  d.postFilterMsg = 'preemption: 0/4 nodes are available: 4 No preemption victims found for incoming pod.';
  assert.match(new FitError('default/p', 4, d).message(), /2 Insufficient cpu\. preemption: 0\/4 nodes are available: 4 No preemption victims found for incoming pod\.$/);
});

test('a PreFilter rejection replaces the per-node reasons; absent nodes count with their status', () => {
  const d = new Diagnosis();
  d.preFilterMsg = 'invalid pod affinity term';
  d.nodeToStatus.set('a', Status.unresolvable('invalid pod affinity term'));
  assert.equal(new FitError('p', 2, d).message(), '0/2 nodes are available: invalid pod affinity term.');
  const e = new Diagnosis();
  e.nodeToStatus.set('a', Status.unschedulable('Too many pods'));
  e.absentNodesStatus = Status.unresolvable('node is filtered out by the prefilter result');
  assert.equal(new FitError('p', 3, e).message(), '0/3 nodes are available: 1 Too many pods, 2 node is filtered out by the prefilter result.');
});
