// The ReplicaSet controller's public face.

export { ReplicaSetController } from './replicaset-controller.js';
