import { S3_TASK_TYPES, type S3Family, type S3Operation } from '@osprey/flow-model';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { TaskFailure } from '../task-runner.js';
import { TaskProperties, type TaskSchema } from '../support/task-properties.js';
import { TaskAbortedError } from '../support/task-errors.js';
import type { S3TaskProperties } from './s3-task-properties.js';

/**
 * `io.kestra.plugin.aws.s3.{Upload, Download, List, Delete}` and `io.kestra.plugin.minio.{Upload, Download, List,
 * Delete}`: one object operation on an S3-compatible server with the MinIO client, the one Osprey's S3 storage uses.
 */
export class S3Task implements TaskRunner {
  constructor(
    readonly family: S3Family,
    readonly operation: S3Operation,
  ) {}

  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const definition = S3_TASK_TYPES[this.family][this.operation] as unknown as TaskSchema<S3TaskProperties>;
    const properties = new TaskProperties<S3TaskProperties>(ctx, definition);
    const { runS3Operation } = await import('./s3-operations.js');
    try {
      return await runS3Operation(ctx, this.family, this.operation, properties);
    } catch (error) {
      if (ctx.signal.aborted) throw new TaskAbortedError(ctx.signal.reason);
      if (error instanceof TaskFailure) throw error;
      const key = properties.has('key') ? ` of '${await properties.string('key')}'` : '';
      throw new TaskFailure(`S3 ${this.operation}${key} in bucket '${await properties.string('bucket')}' failed: ${(error as Error).message}`);
    }
  }
}
