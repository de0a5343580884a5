import { afterAll, afterEach, beforeAll } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type { Task } from '@osprey/flow-model';
import { createTestRunContext, type TestKvEntry, type TestRunContext, type TestRunContextOptions } from './test-run-context.js';

/**
 * The set-up the task specs share: run contexts for one task id and type, on a temp storage folder
 * and a key-value map that every test starts empty; all disposed after each test. Registers jest
 * hooks, so call it at the top of a spec file. Test code only: not exported by the lib.
 */
export function taskContexts(task: { id: string; type: string }) {
  const contexts: TestRunContext[] = [];
  const kvStore = new Map<string, TestKvEntry>();
  let storageRoot: string;
  beforeAll(async () => {
    storageRoot = await mkdtemp(`${tmpdir()}/osprey-storage-`);
  });
  afterAll(async () => {
    await rm(storageRoot, { recursive: true, force: true });
  });
  afterEach(async () => {
    kvStore.clear();
    await Promise.all(contexts.splice(0).map((ctx) => ctx.dispose()));
  });
  return {
    kvStore,
    async context(
      properties: Record<string, unknown>,
      variables?: Record<string, unknown>,
      options: Pick<TestRunContextOptions, 'executions' | 'executionId'> = {},
    ): Promise<TestRunContext> {
      const ctx = await createTestRunContext({ task: { ...task, ...properties } as Task, variables, storageRoot, kvStore, ...options });
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
