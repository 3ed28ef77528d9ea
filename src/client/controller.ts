// Runs a Reconciler on a work queue with N workers (controller-runtime's controller loop).

import type { Reconciler, WorkQueue } from './types.js';

/** Thrown by reconcile() when retrying cannot help (bad spec, …): logged once, the key is not retried. */
export class TerminalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TerminalError';
  }
}

export interface RunControllerOptions {
  /** concurrent reconciles (each key is still reconciled by one worker at a time); default 1 */
  workers?: number;
  /** aborting shuts the queue down: in-flight reconciles finish, no new one starts, then runController resolves */
  signal: AbortSignal;
  /** where errors go (default console.error) */
  log?: (message: string) => void;
}

/**
 * Workers loop get → reconcile → done. A success forgets the key's backoff; a returned
 * {requeueAfterMs} forgets it and adds the key again after that delay; a throw re-adds it rate-limited
 * (logged with the controller name and key); a TerminalError is logged and forgotten.
 * Resolves when the queue is shut down and every worker has stopped.
 */
export async function runController(reconciler: Reconciler, queue: WorkQueue<string>, opts: RunControllerOptions): Promise<void> {
  const { signal } = opts;
  const log = opts.log ?? ((m: string) => console.error(m));
  const onAbort = () => queue.shutDown();
  if (signal.aborted) queue.shutDown();
  else signal.addEventListener('abort', onAbort, { once: true });
  const worker = async () => {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      if (signal.aborted) {
        // stopping: start no new reconcile
        queue.done(key);
        continue;
      }
      try {
        const result = await reconciler.reconcile(key);
        queue.forget(key);
        if (result && result.requeueAfterMs !== undefined) queue.addAfter(key, result.requeueAfterMs);
      } catch (err) {
        if (err instanceof TerminalError) {
          log(`${reconciler.name}: ${key}: ${err.message} (not retried)`);
          queue.forget(key);
        } else {
          if (!signal.aborted) log(`${reconciler.name}: ${key}: ${(err as Error)?.message ?? String(err)}`);
          queue.addRateLimited(key);
        }
      } finally {
        queue.done(key);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, opts.workers ?? 1) }, worker));
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
