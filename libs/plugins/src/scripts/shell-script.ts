import { SHELL_SCRIPT_TASK, type PropertiesOf } from '@osprey/flow-model';
import { TaskProperties } from '../support/task-properties.js';
import { ShellTask } from './shell-task.js';

/** `io.kestra.plugin.scripts.shell.Script`: runs the rendered inline `script` through `interpreter`. */
export class ShellScriptTask extends ShellTask<PropertiesOf<typeof SHELL_SCRIPT_TASK>> {
  protected readonly type = SHELL_SCRIPT_TASK;

  protected async commandLines(properties: TaskProperties<PropertiesOf<typeof SHELL_SCRIPT_TASK>>): Promise<string[]> {
    return [await properties.string('script')];
  }
}
