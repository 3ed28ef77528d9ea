// WalCheckpointer: keeps SQLite's WAL checkpoints (page copies + fsync) off the event loop, in a worker thread.
//
// Contract: request() is cheap and may be called after every commit; requests made while a
// checkpoint runs are merged. A checkpoint first runs PASSIVE, concurrently with the owner's
// writes. Under steady writes that never empties the WAL, so once the WAL holds `restartFrames`
// frames the checkpointer calls pause() — the owner must then hold new writes (not block the
// event loop) — copies the few frames left, restarts the WAL and calls resume(). If the worker
// fails, resume() (when paused) and then onFailure() are called once, so the owner can fall back
// to SQLite's own blocking checkpoints.

import { once } from 'node:events';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';

export interface CheckpointHooks {
  pause(): void;
  resume(): void;
  onFailure(err: Error): void;
}

export class WalCheckpointer {
  private readonly worker: Worker;
  /** replies arrive here; request() also reads them synchronously, so a busy event loop cannot stall checkpoints */
  private readonly port: MessagePort;
  private busy = false;
  private paused = false;
  private failed = false;
  private closed = false;
  private exited = false;

  constructor(file: string, private readonly hooks: CheckpointHooks, private readonly restartFrames = 4096) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(new URL('./wal-checkpoint-worker.js', import.meta.url), { workerData: { file, port: port2 }, transferList: [port2] });
    this.worker.unref();
    this.port.on('message', (msg: { op: string; log: number }) => this.onReply(msg));
    this.port.unref();
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => {
      this.exited = true;
      this.fail(new Error(`WAL checkpoint worker exited (${code})`));
    });
  }

  request(): void {
    if (this.failed || this.closed) return;
    for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) this.onReply(m.message as { op: string; log: number });
    if (this.busy) return;
    this.busy = true;
    this.port.ref(); // a checkpoint in flight (and writes held for it) keeps the process alive
    this.port.postMessage('passive');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unpause();
    if (this.exited) return;
    const exited = once(this.worker, 'exit');
    this.worker.ref(); // keep the process alive until the worker has closed its connection
    this.port.postMessage('close');
    await exited;
  }

  private onReply(msg: { op: string; log: number }): void {
    if (msg.op === 'passive' && msg.log >= this.restartFrames && !this.closed) {
      this.paused = true;
      this.hooks.pause();
      this.port.postMessage('restart');
      return;
    }
    this.unpause();
    this.busy = false;
    this.port.unref();
  }

  private unpause(): void {
    if (!this.paused) return;
    this.paused = false;
    this.hooks.resume();
  }

  private fail(err: Error): void {
    if (this.failed || this.closed) return;
    this.failed = true;
    this.unpause();
    this.hooks.onFailure(err);
  }
}
