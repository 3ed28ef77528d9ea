// The DaemonSet controller's public face.

export { DaemonSetController } from './daemonset-controller.js';
