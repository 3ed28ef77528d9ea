// Periodic store compaction: each tick compacts to the revision seen one tick earlier (upstream compacts every 5 minutes).

import type { Store } from '../storage/store.js';

export class Compactor {
  private timer?: NodeJS.Timeout;
  private lastSeen = 0;

  constructor(private readonly store: Store, private readonly intervalMs = 5 * 60_000) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Compacts to the revision recorded at the previous tick, so clients keep one interval of history. */
  async tick(): Promise<void> {
    try {
      const target = this.lastSeen;
      this.lastSeen = await this.store.currentRevision();
      if (target > 0 && target > (await this.store.compactedRevision())) await this.store.compact(target);
    } catch (err) {
      console.error(`compaction failed: ${(err as Error).message}`);
    }
  }
}
