import { TaskProperties } from '../support/task-properties.js';
import { TaskPropertyError } from '../support/task-errors.js';
import { ShellTask } from './shell-task.js';

/** `io.kestra.plugin.scripts.shell.Commands`: runs the rendered `commands`, one per line, through `interpreter`. */
export class ShellCommandsTask extends ShellTask {
  protected async commandLines(properties: TaskProperties): Promise<string[]> {
    const commands = await properties.stringList('commands');
    if (!commands || commands.length === 0) throw new TaskPropertyError('commands', 'is required');
    return commands;
  }
}
