import { SHELL_COMMANDS_TASK, type PropertiesOf } from '@osprey/flow-model';
import { TaskProperties } from '../support/task-properties.js';
import { TaskPropertyError } from '../support/task-errors.js';
import { ShellTask } from './shell-task.js';

/** `io.kestra.plugin.scripts.shell.Commands`: runs the rendered `commands`, one per line, through `interpreter`. */
export class ShellCommandsTask extends ShellTask<PropertiesOf<typeof SHELL_COMMANDS_TASK>> {
  protected readonly type = SHELL_COMMANDS_TASK;

  protected async commandLines(properties: TaskProperties<PropertiesOf<typeof SHELL_COMMANDS_TASK>>): Promise<string[]> {
    const commands = await properties.stringList('commands');
    if (commands.length === 0) throw new TaskPropertyError('commands', 'is required');
    return commands;
  }
}
