import { afterAll, afterEach, beforeAll } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type { Task } from '@osprey/flow-model';
import { join } from 'node:path';
import { openSqliteRepository, type SqliteRepository } from '@osprey/repository/sql';
import { createTestRunContext, type TestKvEntry, type TestRunContext, type TestRunContextOptions } from './test-run-context.js';

export interface TaskContextsOptions {
  /** Keeps KV in a real SQLite repository (a file in the storage folder, kept across the file's tests) instead of the in-memory map. */
  sqlite?: boolean;
  /** Renders with the flow model's expression engine. */
  expressions?: TestRunContextOptions['expressions'];
}

/**
 * The set-up the task specs share: run contexts for one task id and type, on a temp storage folder
 * and a key-value map that every test starts empty; all disposed after each test. Registers jest
 * hooks, so call it at the top of a spec file. Test code only: not exported by the lib.
 */
export function taskContexts(task: { id: string; type: string }, options: TaskContextsOptions = {}) {
  const contexts: TestRunContext[] = [];
  const kvStore = new Map<string, TestKvEntry>();
  let storageRoot: string;
  let repository: SqliteRepository | undefined;
  beforeAll(async () => {
    storageRoot = await mkdtemp(`${tmpdir()}/osprey-storage-`);
    if (options.sqlite) repository = await openSqliteRepository(join(storageRoot, 'osprey.db'));
  });
  afterAll(async () => {
    await repository?.close();
    await rm(storageRoot, { recursive: true, force: true });
  });
  afterEach(async () => {
    kvStore.clear();
    await Promise.all(contexts.splice(0).map((ctx) => ctx.dispose()));
  });
  return {
    kvStore,
    /** The SQLite repository (with `sqlite: true`). */
    repository: () => repository!,
    async context(
      properties: Record<string, unknown>,
      variables?: Record<string, unknown>,
      overrides: Partial<Pick<TestRunContextOptions, 'namespace' | 'flowId' | 'executionId' | 'taskRunId' | 'taskRunValue' | 'executions'>> = {},
    ): Promise<TestRunContext> {
      const ctx = await createTestRunContext({
        task: { ...task, ...properties } as Task,
        variables,
        storageRoot,
        kvStore,
        ...(repository ? { kv: repository.kv, repository } : {}),
        ...(options.expressions ? { expressions: options.expressions } : {}),
        ...overrides,
      });
      contexts.push(ctx);
      return ctx;
    },
    /** A stored file's content as text. */
    async read(ctx: TestRunContext, uri: string): Promise<string> {
      const chunks: Buffer[] = [];
      for await (const chunk of await ctx.storage.get(uri)) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}
