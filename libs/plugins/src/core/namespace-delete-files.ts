import { NAMESPACE_DELETE_FILES_TASK } from '@osprey/flow-model';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { matchingNamespaceFiles } from '../support/namespace-file-match.js';
import { TaskProperties } from '../support/task-properties.js';

/**
 * `io.kestra.plugin.core.namespace.DeleteFiles`: deletes the files of `namespace` matching `files`. A folder exists
 * only while it holds files, so the folders it empties are gone too, as Kestra's `deleteParentFolder: true` does.
 */
export class NamespaceDeleteFilesTask implements TaskRunner {
  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const properties = new TaskProperties(ctx, NAMESPACE_DELETE_FILES_TASK);
    const namespace = await properties.string('namespace');
    const patterns = await properties.stringList('files');
    // Rendered for its check alone: the storage keeps no empty folder whichever it says.
    await properties.boolean('deleteParentFolder', false);
    const store = ctx.namespaceFilesOf(namespace);
    let deleted = 0;
    for (const path of await matchingNamespaceFiles(store, patterns, 'files')) {
      if (await store.delete(path)) {
        deleted++;
        ctx.logger.debug(`Deleted /${path}`);
      }
    }
    ctx.metric({ name: 'deleted', type: 'counter', value: deleted });
    return { outputs: {} };
  }
}
