// The Job controller's public face.

export { JobController } from './job-controller.js';
