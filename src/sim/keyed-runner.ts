// A small work queue with bounded concurrency: each key is synced by one call at a time; adds while it runs re-run it once.

export class KeyedRunner {
  /** keys waiting, in arrival order */
  private readonly pending = new Set<string>();
  private readonly running = new Set<string>();
  /** keys added again while running: synced once more afterwards */
  private readonly dirty = new Set<string>();
  private idleWaiters: (() => void)[] = [];
  private stopped = false;

  constructor(private readonly concurrency: number, private readonly sync: (key: string) => Promise<void>, private readonly onError: (key: string, err: unknown) => void = () => {}) {}

  add(key: string): void {
    if (this.stopped) return;
    if (this.running.has(key)) this.dirty.add(key);
    else this.pending.add(key);
    this.pump();
  }

  get size(): number {
    return this.pending.size + this.running.size;
  }

  /** Resolves once nothing is pending or running. */
  idle(): Promise<void> {
    return this.size === 0 ? Promise.resolve() : new Promise((r) => this.idleWaiters.push(r));
  }

  /** Drops what is pending; calls under way finish. */
  stop(): void {
    this.stopped = true;
    this.pending.clear();
    this.dirty.clear();
  }

  private pump(): void {
    while (this.running.size < this.concurrency && this.pending.size > 0) {
      const key = this.pending.values().next().value as string;
      this.pending.delete(key);
      this.running.add(key);
      this.sync(key)
        .catch((err) => this.onError(key, err))
        .finally(() => {
          this.running.delete(key);
          if (this.dirty.delete(key) && !this.stopped) this.pending.add(key);
          this.pump();
          if (this.size === 0) for (const w of this.idleWaiters.splice(0)) w();
        });
    }
  }
}
