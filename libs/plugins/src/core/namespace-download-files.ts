import { NAMESPACE_DOWNLOAD_FILES_TASK } from '@osprey/flow-model';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { matchingNamespaceFiles } from '../support/namespace-file-match.js';
import { TaskProperties } from '../support/task-properties.js';

/**
 * `io.kestra.plugin.core.namespace.DownloadFiles`: copies the files of `namespace` matching `files` into the
 * execution's storage, under `destination`. Outputs `files`: each file's `/`-rooted path to its kestra:// URI.
 */
export class NamespaceDownloadFilesTask implements TaskRunner {
  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const properties = new TaskProperties(ctx, NAMESPACE_DOWNLOAD_FILES_TASK);
    const namespace = await properties.string('namespace');
    const patterns = await properties.stringList('files');
    const destination = ((await properties.string('destination')) ?? '').replace(/^\/+/, '');
    const store = ctx.namespaceFilesOf(namespace);
    const files: Record<string, string> = {};
    for (const path of await matchingNamespaceFiles(store, patterns, 'files')) {
      const name = destination === '' ? path : `${destination.replace(/\/+$/, '')}/${path}`;
      files[`/${path}`] = await ctx.storage.putFile(name, await store.get(path));
      ctx.logger.debug(`Downloaded ${files[`/${path}`]}`);
    }
    ctx.metric({ name: 'downloaded', type: 'counter', value: Object.keys(files).length });
    return { outputs: { files } };
  }
}
