import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { NAMESPACE_FILE_CONFLICTS, NAMESPACE_UPLOAD_FILES_TASK } from '@osprey/flow-model';
import { StorageNotFoundError } from '@osprey/storage';
import { TaskFailure, type NamespaceFileStore, type RunContext, type TaskRunner, type TaskRunnerResult } from '../task-runner.js';
import { pathMatcher } from '../support/glob-match.js';
import { isPlainObject, TaskProperties, toText } from '../support/task-properties.js';
import { TaskPropertyError } from '../support/task-errors.js';

type Conflict = (typeof NAMESPACE_FILE_CONFLICTS)[number];

/**
 * `io.kestra.plugin.core.namespace.UploadFiles`: writes files into `namespace`'s files, under `destination`: the files
 * of the working directory matching the globs of `files` (at their path in it), and the kestra:// URIs of `filesMap`
 * (at their key). `files` written as a map is the older form of `filesMap`, its keys taken as they are.
 */
export class NamespaceUploadFilesTask implements TaskRunner {
  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const properties = new TaskProperties(ctx, NAMESPACE_UPLOAD_FILES_TASK);
    const namespace = await properties.string('namespace');
    const rendered = await properties.string('destination');
    const destination = rendered === undefined ? '/' : rendered.startsWith('/') ? rendered : `/${rendered}`;
    const conflict: Conflict = (await properties.enumValue('conflict', NAMESPACE_FILE_CONFLICTS)) ?? 'OVERWRITE';
    if (!properties.has('files') && !properties.has('filesMap')) throw new TaskPropertyError('files', 'files or filesMap is required');
    const store = ctx.namespaceFilesOf(namespace);
    const upload = new Uploader(ctx, store, namespace, conflict);

    const files = properties.raw('files');
    if (isPlainObject(files)) {
      await upload.uris(await properties.map('files'), '', 'files');
    } else if (files !== undefined) {
      const directory = await ctx.workingDirectory();
      for (const relative of await matchingDirectoryFiles(directory, (await properties.stringList('files')) ?? [])) {
        await upload.put(under(destination, relative), createReadStream(path.join(directory, ...relative.split('/'))));
      }
    }
    if (properties.has('filesMap')) await upload.uris(await properties.map('filesMap'), destination, 'filesMap');
    return { outputs: {} };
  }
}

class Uploader {
  constructor(
    private readonly ctx: RunContext,
    private readonly store: NamespaceFileStore,
    private readonly namespace: string,
    private readonly conflict: Conflict,
  ) {}

  /** Target path -> kestra:// URI; a URI with no file behind it is skipped (as Kestra does), with a warning. */
  async uris(map: Record<string, unknown> | undefined, destination: string, property: string): Promise<void> {
    for (const [target, uri] of Object.entries(map ?? {})) {
      if (typeof uri !== 'string') throw new TaskPropertyError(property, `${property} must be a map of target path to kestra:// URI, got ${toText(uri)} for '${target}'`);
      let content: Readable;
      try {
        content = await this.ctx.storage.get(uri.trim());
      } catch (error) {
        if (!(error instanceof StorageNotFoundError)) throw error;
        this.ctx.logger.warn(`${property}: no file at ${uri} for '${target}': skipped`);
        continue;
      }
      await this.put(destination === '' ? target : under(destination, target), content);
    }
  }

  async put(target: string, content: Readable): Promise<void> {
    if (this.conflict !== 'OVERWRITE' && (await this.store.exists(target))) {
      content.destroy();
      if (this.conflict === 'ERROR') throw new TaskFailure(`File '${target}' already exists in namespace '${this.namespace}' and conflict is set to ERROR`);
      this.ctx.logger.debug(`File '${target}' already exists in namespace '${this.namespace}' and conflict is set to SKIP. Skipping.`);
      return;
    }
    await this.store.put(target, content);
    this.ctx.logger.debug(`File '${target}' added to namespace '${this.namespace}'.`);
  }
}

/** `relative` inside the folder `destination`, both `/`-separated. */
function under(destination: string, relative: string): string {
  return `${destination.replace(/\/+$/, '')}/${relative.replace(/^\/+/, '')}`;
}

/**
 * The regular files of `directory` (symbolic links are not followed) whose path in it matches a pattern, each pattern
 * rooted at the folder as Kestra's working directory roots it; `/`-separated relative paths, in order.
 */
async function matchingDirectoryFiles(directory: string, patterns: string[]): Promise<string[]> {
  let matches: (path: string) => boolean;
  try {
    matches = pathMatcher(patterns, 'root');
  } catch (error) {
    if (error instanceof SyntaxError) throw new TaskPropertyError('files', error.message);
    throw error;
  }
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(directory, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .filter(matches)
    .sort();
}
