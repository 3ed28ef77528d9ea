// Per-Service "last change trigger time": the earliest unsynced change (pod or Service) behind the next endpoints write.

/**
 * Handlers record(key, ms) for each change they enqueue; the reconcile that writes takes() the
 * earliest time recorded since its last write (upstream's TriggerTimeTracker, by object timestamps).
 */
export class TriggerTimes {
  private readonly pending = new Map<string, number>();

  record(key: string, ms: number): void {
    if (!Number.isFinite(ms)) return;
    const prev = this.pending.get(key);
    if (prev === undefined || ms < prev) this.pending.set(key, ms);
  }

  /** the earliest pending time (and forgets it), or undefined */
  take(key: string): number | undefined {
    const t = this.pending.get(key);
    this.pending.delete(key);
    return t;
  }

  peek(key: string): number | undefined {
    return this.pending.get(key);
  }

  forget(key: string): void {
    this.pending.delete(key);
  }
}
