import type { Execution, Label } from '@osprey/flow-model';
import type { ExecutionCommands } from './execution-commands.js';
import { InvalidArgumentError } from '../invalid-argument-error.js';


/** Replaces an execution's labels (system labels stay as they are). */
export class SetExecutionLabels {
  constructor(private readonly commands: ExecutionCommands) {}

  async execute(executionId: string, labels: unknown): Promise<Execution> {
    const checked = checkLabels(labels);
    return this.apply(await this.commands.load(executionId), checked);
  }

  async apply(execution: Execution, labels: unknown): Promise<Execution> {
    await this.commands.send(execution.id, { type: 'setLabels', labels: checkLabels(labels) });
    return execution;
  }
}

/** Labels as Kestra sends them: a list of `{key, value}` with non-empty string keys, no `system.` keys. */
export function checkLabels(labels: unknown): Label[] {
  if (!Array.isArray(labels)) throw new InvalidArgumentError('labels', 'labels must be a JSON list of {"key": ..., "value": ...}');
  return labels.map((label, index) => {
    const { key, value } = (label ?? {}) as { key?: unknown; value?: unknown };
    if (typeof key !== 'string' || key === '') throw new InvalidArgumentError('labels', `labels[${index}].key must be a non-empty string`);
    if (typeof value !== 'string') throw new InvalidArgumentError('labels', `labels[${index}].value must be a string`);
    if (key.startsWith('system.')) throw new InvalidArgumentError('labels', `labels[${index}].key: system labels cannot be set`);
    return { key, value };
  });
}
