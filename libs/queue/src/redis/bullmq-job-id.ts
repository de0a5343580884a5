/**
 * BullMQ refuses custom job ids that contain `:` or look like integers, and a WorkerJob id is `${taskRunId}:${attempt}`:
 * the BullMQ id escapes `%` and `:` and always starts with `job-` (never an integer, never a queue key like `meta`).
 */
export function toBullmqJobId(workerJobId: string): string {
  return `job-${workerJobId.replaceAll('%', '%25').replaceAll(':', '%3A')}`;
}

