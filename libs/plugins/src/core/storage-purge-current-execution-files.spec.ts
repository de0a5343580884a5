import { describe, expect, it } from '@jest/globals';
import { taskContexts } from '../testing/task-contexts.fixture.js';
import { StoragePurgeCurrentExecutionFilesTask } from './storage-purge-current-execution-files.js';

const { context } = taskContexts({ id: 'purge', type: 'io.kestra.plugin.core.storage.PurgeCurrentExecutionFiles' });

describe('StoragePurgeCurrentExecutionFilesTask', () => {
  it('deletes every file of the current execution and only those', async () => {
    const a = await context({}, undefined, { executionId: 'exec-a', taskRunId: 'tr1' });
    const b = await context({}, undefined, { executionId: 'exec-b' });
    const first = await a.storage.putFile('one.txt', '1');
    const second = await (await context({}, undefined, { executionId: 'exec-a', taskRunId: 'tr2' })).storage.putFile('dir/two.txt', '2');
    const other = await b.storage.putFile('three.txt', '3');

    const purge = await context({}, undefined, { executionId: 'exec-a', taskRunId: 'tr3' });
    const uris = (await new StoragePurgeCurrentExecutionFilesTask().run(purge)).outputs?.['uris'] as string[];
    expect([...uris].sort()).toEqual([first, second].sort());
    await expect(a.storage.size(first)).rejects.toThrow();
    expect(await b.storage.size(other)).toBe(1);
    expect((await new StoragePurgeCurrentExecutionFilesTask().run(purge)).outputs).toEqual({ uris: [] });
  });

});
