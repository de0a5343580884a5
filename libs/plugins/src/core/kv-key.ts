import { TaskPropertyError } from '../support/task-errors.js';

// Kestra's rule for KV keys, so that keys stay valid file names and URL path segments.
const KEY = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/;

/** Checks a rendered KV key. */
export function validateKvKey(key: string): string {
  if (!KEY.test(key)) {
    throw new TaskPropertyError(
      'key',
      `'${key}' must start with a letter or digit and contain only letters, digits, dots, underscores and hyphens`,
    );
  }
  return key;
}
