// What every workload controller is built from: a client, the shared informers, an event recorder and a clock.

import type { KObject } from '../../api/strategy.js';
import type { Clock } from '../../client/clock.js';
import type { ClientSource } from '../../client/informer.js';
import type { InformerFactory } from '../../client/types.js';

/** The part of client/event-recorder.ts's EventRecorder the controllers use: never throws, never waits. */
export interface Recorder {
  event(obj: KObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

/**
 * Constructor options of every workload controller. The controller asks `informers` for the
 * informers it reads in its constructor, so construct controllers before `informers.start()`.
 */
export interface WorkloadControllerOptions {
  clientset: ClientSource;
  informers: InformerFactory;
  /** one recorder per controller, with upstream's component name (e.g. "replicaset-controller") */
  recorder: Recorder;
  /** defaults to the real clock */
  clock?: Clock;
}
