export { BullmqWorkerJobQueue, type BullmqWorkerJobQueueParts } from './bullmq-worker-job-queue.js';
export { openBullmqWorkerJobQueue, type BullmqWorkerJobQueueOptions } from './open-bullmq-worker-job-queue.js';
