// Leader election on a coordination.k8s.io/v1 Lease (client-go's leaderelection with a LeaseLock).

import { findResource } from '../api/resources.js';
import type { KObject } from '../api/strategy.js';
import type { Clock } from './clock.js';
import { realClock } from './clock.js';
import { isConflict, isNotFound } from './rest-client.js';
import type { LeaderElectionConfig, ResourceClient } from './types.js';
import type { ClientSource } from './informer.js';

const LEASES = findResource('coordination.k8s.io', 'v1', 'leases')!;

export interface LeaderCallbacks {
  /** called on becoming leader; leaderSignal aborts when leadership ends (lost, or run's signal aborted) */
  onStartedLeading(leaderSignal: AbortSignal): void | Promise<void>;
  /** called once after every leadership term, after leaderSignal aborted (and the lease was released on a clean stop) */
  onStoppedLeading(): void;
  /** the observed holder changed ('' when nobody holds the lease) */
  onNewLeader?(identity: string): void;
}

export interface LeaderElectorOptions {
  clock?: Clock;
  log?: (message: string) => void;
}

/** MicroTime as the API writes it: RFC 3339 with 6 fractional digits, UTC. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/**
 * Contracts (client-go's semantics):
 * - the lease is taken when absent, released (holderIdentity ''), or expired: renewTime + leaseDurationSeconds < now;
 *   taking it from another holder (or after a release) increments leaseTransitions and sets acquireTime;
 * - the leader renews every retryPeriod; if no renewal succeeds within renewDeadline (or another holder
 *   shows up) it stops leading: leaderSignal aborts, onStoppedLeading runs, and it becomes a candidate again;
 * - on a clean stop (run's signal aborts) a leader releases the lease (holderIdentity '', leaseDurationSeconds 1)
 *   so another candidate takes over at its next retry;
 * - expiry compares the lease's renewTime with this machine's clock: candidates' clocks must agree
 *   (to well within leaseDuration − renewDeadline).
 */
export class LeaderElector {
  private readonly leases: ResourceClient;
  private readonly clock: Clock;
  private readonly log: (m: string) => void;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private leading = false;
  private observedHolder = '';
  /** the lease as our last successful write left it */
  private lease?: KObject;
  private callbacks?: LeaderCallbacks;

  constructor(client: ClientSource, private readonly config: LeaderElectionConfig, opts: LeaderElectorOptions = {}) {
    this.leases = client.resource(LEASES);
    this.clock = opts.clock ?? realClock;
    this.log = opts.log ?? ((m) => console.error(m));
    this.leaseDurationMs = config.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = config.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = config.retryPeriodMs ?? 2_000;
    if (!(this.leaseDurationMs > this.renewDeadlineMs)) throw new Error('leader election: leaseDuration must be greater than renewDeadline');
    if (!(this.renewDeadlineMs > this.retryPeriodMs * 1.2)) throw new Error('leader election: renewDeadline must be greater than retryPeriod × 1.2');
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** the holder last seen on the lease ('' if none) */
  getLeader(): string {
    return this.observedHolder;
  }

  /** Campaigns, leads, renews, until signal aborts; resolves after releasing the lease and onStoppedLeading. */
  async run(signal: AbortSignal, callbacks: LeaderCallbacks): Promise<void> {
    this.callbacks = callbacks;
    while (!signal.aborted) {
      // campaign: retry with jitter (retryPeriod × [1, 2.2)) until we hold the lease
      let acquired = false;
      while (!signal.aborted && !(acquired = await this.attempt(this.retryPeriodMs))) {
        await this.sleep(this.retryPeriodMs * (1 + Math.random() * 1.2), signal);
      }
      if (signal.aborted) {
        // stopped while the winning attempt was in flight: hand the lease back
        if (acquired) await this.release();
        return;
      }
      this.leading = true;
      this.log(`leader election: ${this.config.identity} became leader of ${this.config.namespace}/${this.config.name}`);
      const term = new AbortController();
      try {
        const p = callbacks.onStartedLeading(term.signal);
        if (p) p.catch((err) => this.log(`leader election: onStartedLeading: ${(err as Error)?.message ?? err}`));
      } catch (err) {
        this.log(`leader election: onStartedLeading: ${(err as Error)?.message ?? err}`);
      }
      const lost = await this.renewLoop(signal);
      this.leading = false;
      term.abort();
      if (lost) this.log(`leader election: ${this.config.identity} lost ${this.config.namespace}/${this.config.name}`);
      else await this.release();
      try {
        callbacks.onStoppedLeading();
      } catch (err) {
        this.log(`leader election: onStoppedLeading: ${(err as Error)?.message ?? err}`);
      }
    }
  }

  /** renews every retryPeriod; returns true when leadership was lost, false when signal aborted */
  private async renewLoop(signal: AbortSignal): Promise<boolean> {
    for (;;) {
      await this.sleep(this.retryPeriodMs, signal);
      if (signal.aborted) return false;
      const deadline = this.clock.now() + this.renewDeadlineMs;
      let renewed = false;
      for (;;) {
        const left = deadline - this.clock.now();
        if (left <= 0) break;
        const r = await this.attempt(left);
        if (signal.aborted) return false;
        if (r) {
          renewed = true;
          break;
        }
        if (this.observedHolder !== this.config.identity && this.observedHolder !== '') return true;
        await this.sleep(Math.min(this.retryPeriodMs, Math.max(0, deadline - this.clock.now())), signal);
        if (signal.aborted) return false;
      }
      if (!renewed) return true;
    }
  }

  /** one tryAcquireOrRenew, given up (false) after timeoutMs */
  private attempt(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const t = this.clock.setTimer(() => resolve(false), timeoutMs);
      this.tryAcquireOrRenew().then(
        (ok) => {
          t.cancel();
          resolve(ok);
        },
        (err) => {
          t.cancel();
          this.log(`leader election: ${this.config.namespace}/${this.config.name}: ${(err as Error)?.message ?? err}`);
          resolve(false);
        },
      );
    });
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const { namespace, name, identity } = this.config;
    const durationSeconds = Math.max(1, Math.ceil(this.leaseDurationMs / 1000));
    let current: KObject;
    try {
      current = await this.leases.get(namespace, name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      const now = microTime(this.clock.now());
      const lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace }, spec: { holderIdentity: identity, leaseDurationSeconds: durationSeconds, acquireTime: now, renewTime: now, leaseTransitions: 0 } };
      try {
        this.lease = await this.leases.create(namespace, lease);
      } catch (e) {
        if (isConflict(e)) return false;
        throw e;
      }
      this.observe(identity);
      return true;
    }
    const spec: KObject = current.spec ?? {};
    const holder = String(spec.holderIdentity ?? '');
    this.observe(holder);
    const now = this.clock.now();
    const renewed = Date.parse(spec.renewTime ?? spec.acquireTime ?? '');
    const expired = holder === '' || !Number.isFinite(renewed) || renewed + Number(spec.leaseDurationSeconds ?? 0) * 1000 < now;
    if (holder !== identity && !expired) return false;
    const mine = holder === identity;
    const next: KObject = {
      ...current,
      spec: {
        ...spec,
        holderIdentity: identity,
        leaseDurationSeconds: durationSeconds,
        renewTime: microTime(now),
        acquireTime: mine && spec.acquireTime ? spec.acquireTime : microTime(now),
        leaseTransitions: mine ? Number(spec.leaseTransitions ?? 0) : Number(spec.leaseTransitions ?? 0) + 1,
      },
    };
    try {
      this.lease = await this.leases.update(next);
    } catch (err) {
      if (isConflict(err)) return false;
      throw err;
    }
    this.observe(identity);
    return true;
  }

  /** gives the lease up at once: holder '', duration 1 s (best effort: a conflict means someone else has it) */
  private async release(): Promise<void> {
    const lease = this.lease;
    if (!lease) return;
    const now = microTime(this.clock.now());
    const spec = { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now, acquireTime: now };
    try {
      this.lease = await this.leases.update({ ...lease, spec });
      this.observe('');
    } catch (err) {
      if (!isConflict(err) && !isNotFound(err)) this.log(`leader election: release ${this.config.namespace}/${this.config.name}: ${(err as Error)?.message ?? err}`);
    }
  }

  private observe(holder: string): void {
    if (holder === this.observedHolder) return;
    this.observedHolder = holder;
    try {
      this.callbacks?.onNewLeader?.(holder);
    } catch (err) {
      this.log(`leader election: onNewLeader: ${(err as Error)?.message ?? err}`);
    }
  }

  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        t.cancel();
        signal.removeEventListener('abort', done);
        resolve();
      };
      const t = this.clock.setTimer(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
