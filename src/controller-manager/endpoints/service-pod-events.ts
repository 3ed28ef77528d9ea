// The informer handlers both endpoints controllers use: a Service key is queued when the Service or a pod it selects changes.

import type { KObject } from '../../api/strategy.js';
import type { Clock } from '../../client/clock.js';
import { keyOf } from '../../client/object-key.js';
import type { Informer, WorkQueue } from '../../client/types.js';
import { endpointFingerprint, podTriggerTime, servicesSelecting } from './endpoint-ports.js';
import type { TriggerTimes } from './trigger-times.js';

export interface ServicePodEvents {
  services: Informer;
  pods: Informer;
  triggers: TriggerTimes;
  clock: Clock;
  /** when a pod's readiness changes, date the trigger by the pod's own condition time (Endpoints does) */
  readinessTriggerTime?: (old: KObject, pod: KObject) => boolean;
}

export function registerServicePodEvents(queue: WorkQueue<string>, e: ServicePodEvents): void {
  const enqueue = (key: string, at: number) => {
    e.triggers.record(key, at);
    queue.add(key);
  };
  e.services.addEventHandler({
    onAdd: (s) => enqueue(keyOf(s), Date.parse(s.metadata?.creationTimestamp ?? '')),
    onUpdate: (_, s) => enqueue(keyOf(s), e.clock.now()),
    onDelete: (s) => {
      e.triggers.forget(keyOf(s));
      queue.add(keyOf(s));
    },
  });
  const forPod = (pod: KObject, at: number) => {
    for (const k of servicesSelecting(e.services.lister.listNamespace(pod.metadata.namespace), pod)) enqueue(k, at);
  };
  e.pods.addEventHandler({
    onAdd: (p) => forPod(p, podTriggerTime(p)),
    onUpdate: (old, p) => {
      const labelsChanged = JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(p.metadata?.labels ?? {});
      if (!labelsChanged && endpointFingerprint(old) === endpointFingerprint(p)) return;
      const at = e.readinessTriggerTime?.(old, p) ? podTriggerTime(p) : e.clock.now();
      forPod(p, at);
      if (labelsChanged) forPod(old, at);
    },
    onDelete: (p) => forPod(p, e.clock.now()),
  });
}
