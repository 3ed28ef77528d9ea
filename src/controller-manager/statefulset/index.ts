// The StatefulSet controller's public face.

export { StatefulSetController } from './statefulset-controller.js';
