// The ReplicationController controller's public face.

export { ReplicationManager } from './replication-manager.js';
