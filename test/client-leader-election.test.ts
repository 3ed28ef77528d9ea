// Leader election against a real `k8ts server`: two electors in one process share a Lease; hand-over on stop and on lost renewals.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.js';
import type { TestServer } from './helpers/server.js';
import { waitFor } from './api-conformance.js';
import { findResource } from '../src/api/resources.js';
import type { ResourceInfo } from '../src/api/resources.js';
import type { KObject } from '../src/api/strategy.js';
import { Clientset } from '../src/client/clientset.js';
import type { ClientSource } from '../src/client/informer.js';
import { LeaderElector } from '../src/client/leader-election.js';
import type { ResourceClient } from '../src/client/types.js';

const LEASES = findResource('coordination.k8s.io', 'v1', 'leases')!;
const TIMING = { leaseDurationMs: 1000, renewDeadlineMs: 700, retryPeriodMs: 200 };
const MICRO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

/** A client that can be cut off from the server (every request fails), as a partitioned instance would be. */
class Partitionable implements ClientSource {
  down = false;
  constructor(private readonly cs: Clientset) {}
  resource(info: ResourceInfo): ResourceClient {
    const rc = this.cs.resource(info);
    const wrapped: ResourceClient = Object.create(rc);
    const fail = () => Promise.reject(new Error('connect ECONNREFUSED (test partition)'));
    wrapped.get = (ns, name) => (this.down ? fail() : rc.get(ns, name));
    wrapped.update = (obj) => (this.down ? fail() : rc.update(obj));
    wrapped.create = (ns, obj, o) => (this.down ? fail() : rc.create(ns, obj, o));
    return wrapped;
  }
}

interface Candidate {
  id: string;
  elector: LeaderElector;
  stop: AbortController;
  done: Promise<void>;
  log: string[];
  startedAt?: number;
  leaderSignal?: AbortSignal;
}

describe('leader election against k8ts server', () => {
  let s: TestServer;
  let cs: Clientset;
  const candidates: Candidate[] = [];

  before(async () => {
    s = await startServer();
    cs = await Clientset.fromKubeconfig(s.kubeconfig, 'leader-election-test');
  });

  after(async () => {
    for (const c of candidates) c.stop.abort();
    await Promise.all(candidates.map((c) => c.done));
    cs?.close();
    await s?.stop();
  });

  function candidate(id: string, name: string, client: ClientSource = cs): Candidate {
    const c = { id, stop: new AbortController(), log: [] as string[] } as Candidate;
    c.elector = new LeaderElector(client, { namespace: 'kube-system', name, identity: id, ...TIMING }, { log: () => {} });
    c.done = c.elector.run(c.stop.signal, {
      onStartedLeading: (sig) => {
        c.startedAt = Date.now();
        c.leaderSignal = sig;
        c.log.push('started');
      },
      onStoppedLeading: () => c.log.push('stopped'),
    });
    candidates.push(c);
    return c;
  }

  async function lease(name: string): Promise<KObject> {
    return cs.resource(LEASES).get('kube-system', name);
  }

  test('one leads; a clean stop releases the lease and the other takes over within the lease duration', async () => {
    const a = candidate('a', 'test-handover');
    const b = candidate('b', 'test-handover');
    await waitFor(() => a.elector.isLeader() || b.elector.isLeader(), 5000);
    const [leader, follower] = a.elector.isLeader() ? [a, b] : [b, a];

    // leadership is stable over several lease durations: renewals keep the follower out
    const before = await lease('test-handover');
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(leader.elector.isLeader(), true);
    assert.equal(follower.elector.isLeader(), false);
    assert.equal(follower.elector.getLeader(), leader.id);
    const held = await lease('test-handover');
    assert.equal(held.spec.holderIdentity, leader.id);
    assert.equal(held.spec.leaseDurationSeconds, 1);
    assert.equal(held.spec.leaseTransitions, before.spec.leaseTransitions);
    assert.equal(held.spec.acquireTime, before.spec.acquireTime);
    assert.match(held.spec.renewTime, MICRO_TIME);
    assert.match(held.spec.acquireTime, MICRO_TIME);
    assert.ok(Date.parse(held.spec.renewTime) > Date.parse(before.spec.renewTime), 'renewed');

    // clean stop: released at once (holder '', 1 s), the other candidate takes over
    const stoppedAt = Date.now();
    leader.stop.abort();
    await leader.done;
    assert.deepEqual(leader.log, ['started', 'stopped']);
    assert.equal(leader.leaderSignal?.aborted, true);
    assert.equal(leader.elector.isLeader(), false);
    await waitFor(() => follower.elector.isLeader(), 3000);
    const handover = follower.startedAt! - stoppedAt;
    assert.ok(handover < TIMING.leaseDurationMs, `handed over in ${handover} ms`);
    const taken = await lease('test-handover');
    assert.equal(taken.spec.holderIdentity, follower.id);
    assert.equal(taken.spec.leaseTransitions, held.spec.leaseTransitions + 1);
    assert.notEqual(taken.spec.acquireTime, held.spec.acquireTime);
    follower.stop.abort();
    await follower.done;
    assert.equal((await lease('test-handover')).spec.holderIdentity, '');
  });

  test('a leader that cannot renew stops leading within renewDeadline; the other takes over after expiry', async () => {
    const net = new Partitionable(cs);
    const a = candidate('p-a', 'test-partition', net);
    await waitFor(() => a.elector.isLeader(), 5000);
    const b = candidate('p-b', 'test-partition');
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(b.elector.isLeader(), false);

    const cutAt = Date.now();
    net.down = true;
    await waitFor(() => a.log.includes('stopped'), 3000, () => a.log.join(','));
    const lostAfter = Date.now() - cutAt;
    assert.ok(lostAfter <= TIMING.retryPeriodMs + TIMING.renewDeadlineMs + 300, `gave up after ${lostAfter} ms`);
    assert.equal(a.leaderSignal?.aborted, true);
    await waitFor(() => b.elector.isLeader(), 4000);
    const takeover = b.startedAt! - cutAt;
    // not before the lease (last renewed before the cut) expired
    assert.ok(takeover >= TIMING.leaseDurationMs - TIMING.retryPeriodMs - 100, `took over after ${takeover} ms`);
    assert.equal((await lease('test-partition')).spec.holderIdentity, 'p-b');

    // the partitioned one campaigns again once reachable, and stays a follower
    net.down = false;
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(a.elector.isLeader(), false);
    assert.equal(b.elector.isLeader(), true);
    assert.equal(a.elector.getLeader(), 'p-b');
  });
});
