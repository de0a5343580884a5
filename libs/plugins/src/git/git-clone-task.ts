import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { GIT_CLONE_TASK } from '@osprey/flow-model';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { TaskFailure } from '../task-runner.js';
import { TaskProperties } from '../support/task-properties.js';
import { TaskAbortedError, TaskPropertyError } from '../support/task-errors.js';

/**
 * `io.kestra.plugin.git.Clone`: clones an HTTP(S) repository into the working directory with isomorphic-git (a
 * pure-JavaScript git: no git binary on the worker), checking out a branch, a tag or a commit; outputs `directory`.
 * Inside a WorkingDirectory the next tasks see the files.
 */
export class GitCloneTask implements TaskRunner {
  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const properties = new TaskProperties(ctx, GIT_CLONE_TASK);
    const url = await properties.string('url');
    if (!/^https?:\/\//i.test(url)) throw new TaskPropertyError('url', `'${url}' is not an http:// or https:// URL: only HTTP(S) remotes are implemented`);
    const root = await ctx.workingDirectory();
    const relative = await properties.string('directory');
    const dir = relative === undefined ? root : path.resolve(root, relative);
    if (dir !== root && !dir.startsWith(`${root}${path.sep}`)) throw new TaskPropertyError('directory', `'${relative}' leaves the working directory`);
    await mkdir(dir, { recursive: true });
    if ((await readdir(dir)).length > 0) throw new TaskPropertyError('directory', `'${relative ?? '.'}' is not empty: clone into an empty directory`);

    const commit = await properties.string('commit');
    const tag = commit === undefined ? await properties.string('tag') : undefined;
    const branch = await properties.string('branch');
    const depth = commit !== undefined || tag !== undefined ? undefined : Number((await properties.string('depth')) ?? 1);
    if (depth !== undefined && (!Number.isInteger(depth) || depth < 1)) throw new TaskPropertyError('depth', `must be a positive integer, got ${depth}`);
    const username = await properties.string('username');
    const password = await properties.string('password');
    const { default: git } = await import('isomorphic-git');
    const { default: http } = await import('isomorphic-git/http/node');
    const fs = await import('node:fs');
    const onProgress = () => {
      // isomorphic-git has no cancellation: a killed task stops between two progress events.
      if (ctx.signal.aborted) throw new TaskAbortedError(ctx.signal.reason);
    };
    try {
      ctx.logger.info(`Cloning ${redact(url)} into ${dir}`);
      await git.clone({
        fs,
        http,
        dir,
        url,
        ...(branch !== undefined && commit === undefined && tag === undefined ? { ref: branch } : {}),
        singleBranch: !(await properties.boolean('cloneAllBranches', true)),
        noTags: await properties.boolean('noTags', false),
        ...(depth !== undefined ? { depth } : {}),
        ...(username !== undefined || password !== undefined ? { onAuth: () => ({ username: username ?? '', password: password ?? '' }) } : {}),
        onProgress,
      });
      if (commit !== undefined) {
        const oid = await git.expandOid({ fs, dir, oid: commit }).catch(() => {
          throw new TaskFailure(`Cannot resolve commit SHA: ${commit}`);
        });
        await git.checkout({ fs, dir, ref: oid, force: true });
        ctx.logger.info(`Checked out commit ${oid} (detached HEAD)`);
      } else if (tag !== undefined) {
        const oid = await git.resolveRef({ fs, dir, ref: `refs/tags/${tag}` }).catch(() => {
          throw new TaskFailure(`Cannot resolve tag: ${tag}`);
        });
        const target = await git.readTag({ fs, dir, oid }).then((annotated) => annotated.tag.object, () => oid);
        await git.checkout({ fs, dir, ref: target, force: true });
        ctx.logger.info(`Checked out tag ${tag} at commit ${target}`);
      }
    } catch (error) {
      if (ctx.signal.aborted) throw new TaskAbortedError(ctx.signal.reason);
      if (error instanceof TaskFailure) throw error;
      throw new TaskFailure(`git clone of ${redact(url)} failed: ${(error as Error).message}`);
    }
    return { outputs: { directory: dir } };
  }
}

/** The URL without credentials written in it. */
function redact(url: string): string {
  return url.replace(/\/\/[^/@]*@/, '//***@');
}
