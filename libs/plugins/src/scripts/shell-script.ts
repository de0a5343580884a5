import { TaskProperties } from '../support/task-properties.js';
import { ShellTask } from './shell-task.js';

/** `io.kestra.plugin.scripts.shell.Script`: runs the rendered inline `script` through `interpreter`. */
export class ShellScriptTask extends ShellTask {
  protected async commandLines(properties: TaskProperties): Promise<string[]> {
    return [await properties.requiredString('script')];
  }
}
