// Controller expectations (upstream's UIDTrackingControllerExpectations): creates and deletes in flight per controller key.

import type { Clock } from '../../client/clock.js';

/** upstream's ExpectationsTimeout: an expectation older than this is treated as satisfied */
export const EXPECTATIONS_TTL_MS = 5 * 60_000;

interface Record {
  add: number;
  /** keys ("namespace/name") of dependents whose deletion was requested and not yet seen */
  dels: Set<string>;
  at: number;
}

/**
 * A controller records how many creates and which deletes it issued before issuing them, and
 * the informer handlers record what they observe. While expectations are unmet the controller
 * must not create or delete again for that key (its cache may not show its own writes yet), so a
 * burst of reconciles never double-creates. Expectations lapse after EXPECTATIONS_TTL_MS.
 */
export class Expectations {
  private readonly records = new Map<string, Record>();

  constructor(private readonly clock: Clock, private readonly ttlMs = EXPECTATIONS_TTL_MS) {}

  /** true when no creates or deletes are outstanding for the key (or they expired) */
  satisfied(key: string): boolean {
    const r = this.records.get(key);
    if (!r) return true;
    if (r.add <= 0 && r.dels.size === 0) return true;
    return this.clock.now() - r.at > this.ttlMs;
  }

  /** sets (replaces) the expectation: n creates outstanding */
  expectCreations(key: string, n: number): void {
    this.records.set(key, { add: n, dels: new Set(), at: this.clock.now() });
  }

  /** sets (replaces) the expectation: these dependents' deletions outstanding */
  expectDeletions(key: string, depKeys: string[]): void {
    this.records.set(key, { add: 0, dels: new Set(depKeys), at: this.clock.now() });
  }

  /** sets (replaces) the expectation: n creates and these dependents' deletions outstanding */
  expect(key: string, creates: number, depKeys: string[]): void {
    this.records.set(key, { add: creates, dels: new Set(depKeys), at: this.clock.now() });
  }

  /** one create seen (or one that will never be seen because it failed or was skipped) */
  creationObserved(key: string): void {
    const r = this.records.get(key);
    if (r && r.add > 0) r.add--;
  }

  /** a dependent's deletion seen (or its delete failed); unknown dependents are ignored */
  deletionObserved(key: string, depKey: string): void {
    this.records.get(key)?.dels.delete(depKey);
  }

  delete(key: string): void {
    this.records.delete(key);
  }
}
