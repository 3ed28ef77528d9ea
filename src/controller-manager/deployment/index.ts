// The Deployment controller's public face.

export { DeploymentController } from './deployment-controller.js';
