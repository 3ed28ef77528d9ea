// DefaultBinder: binds a pod by POSTing a Binding to the pods/binding subresource.

import { findResource } from '../../../api/resources.js';
import type { CycleState } from '../../framework/cycle-state.js';
import type { BindPlugin, Handle } from '../../framework/interfaces.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { Status } from '../../framework/status.js';

const PODS = findResource('', 'v1', 'pods')!;

export class DefaultBinder implements BindPlugin {
  static readonly NAME = 'DefaultBinder';
  readonly name = DefaultBinder.NAME;

  constructor(private readonly handle: Handle) {}

  /** Error (the pod is retried) when the API refuses, e.g. the pod is gone or already bound. */
  async bind(_state: CycleState, pod: PodInfo, nodeName: string): Promise<Status> {
    const cs = this.handle.clientset;
    if (!cs) return Status.error('DefaultBinder needs a clientset');
    const binding = {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: pod.name, namespace: pod.namespace, ...(pod.uid ? { uid: pod.uid } : {}) },
      target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
    };
    try {
      await cs.resource(PODS).createSubresource(pod.namespace, pod.name, 'binding', binding);
      return Status.SUCCESS;
    } catch (e) {
      return Status.error(e as Error);
    }
  }
}
