// The CronJob controller's public face.

export { CronJobController } from './cronjob-controller.js';
