// WalCheckpointer: moves SQLite's WAL checkpoints (page copies + fsync) off the event loop, into a worker thread.
//
// Contract: request() is cheap and may be called after every commit; requests made while a
// checkpoint runs are merged. Checkpoints are PASSIVE: they never block the writer, so under
// sustained writes the WAL may grow until a pause lets a checkpoint finish (SQLite then restarts
// it). If the worker cannot start, `onFailure` is called once so the owner can fall back to
// SQLite's own (blocking) automatic checkpoints.

import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

export class WalCheckpointer {
  private readonly worker: Worker;
  private busy = false;
  private failed = false;
  private closed = false;
  private exited = false;

  constructor(file: string, onFailure: (err: Error) => void) {
    this.worker = new Worker(new URL('./wal-checkpoint-worker.js', import.meta.url), { workerData: { file } });
    this.worker.unref();
    this.worker.on('message', () => { this.busy = false; });
    const fail = (err: Error) => {
      if (this.failed || this.closed) return;
      this.failed = true;
      onFailure(err);
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => {
      this.exited = true;
      fail(new Error(`WAL checkpoint worker exited (${code})`));
    });
  }

  request(): void {
    if (this.busy || this.failed || this.closed) return;
    this.busy = true;
    this.worker.postMessage('checkpoint');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.exited) return;
    const exited = once(this.worker, 'exit');
    this.worker.ref(); // keep the process alive until the worker has closed its connection
    this.worker.postMessage('close');
    await exited;
  }
}
