import { createReadStream } from 'node:fs';
import type { Execution } from '@osprey/flow-model';
import { newId } from '@osprey/server';
import type { ExecutionFiles } from './execution-files.js';
import type { TriggerExecution, TriggerExecutionCommand } from './trigger-execution.js';

export interface UploadedInputFile {
  /** The input id (the multipart field name). */
  inputId: string;
  fileName: string;
  /** A temporary file holding the upload. */
  path: string;
}

/**
 * Starts an execution whose FILE inputs were uploaded: the files go to the execution's storage prefix first and the
 * inputs get their `kestra:///` URIs. If the execution cannot start (bad inputs, disabled flow), the files go again.
 */
export class StartExecutionWithFiles {
  constructor(
    private readonly trigger: TriggerExecution,
    private readonly files: ExecutionFiles,
  ) {}

  async execute(command: TriggerExecutionCommand, uploads: UploadedInputFile[]): Promise<Execution> {
    if (uploads.length === 0) return this.trigger.execute(command);
    const target = { namespace: command.namespace, flowId: command.flowId, id: command.executionId ?? newId() };
    const inputs: Record<string, unknown> = { ...(command.inputs ?? {}) };
    try {
      for (const upload of uploads) {
        inputs[upload.inputId] = await this.files.putInput(target, upload.inputId, upload.fileName, createReadStream(upload.path));
      }
      return await this.trigger.execute({ ...command, inputs, executionId: target.id });
    } catch (error) {
      // Cleanup on a failed start: its error is what the caller needs, and files of no execution are never read.
      await this.files.deleteAll(target).catch(() => undefined);
      throw error;
    }
  }
}
