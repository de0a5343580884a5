export * from './s3-storage.js';
export * from './s3-storage-options.js';
export * from './s3-storage-error.js';
export { listObjects, type ListedObject } from './s3-list-objects.js';
