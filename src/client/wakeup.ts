// A wake-up signal for level-based loops: wait() returns on wake(), after a timeout, or on abort.

export class Wakeup {
  private pending?: () => void;
  private woken = false;

  /** Wakes the waiter now, or makes the next wait() return at once. */
  wake(): void {
    this.woken = true;
    this.pending?.();
  }

  wait(ms: number, signal: AbortSignal): Promise<void> {
    if (this.woken || signal.aborted) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.pending = undefined;
        this.woken = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.pending = done;
    });
  }
}
