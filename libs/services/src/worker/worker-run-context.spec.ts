import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newState, type Task } from '@osprey/flow-model';
import { openSqliteQueue, type SqliteQueue } from '@osprey/queue/sql';
import { openSqliteRepository, type SqliteRepository } from '@osprey/repository/sql';
import { openLocalStorage, type Storage } from '@osprey/storage';
import { NamespaceFiles } from '../namespaces/namespace-files.js';
import { TriggerCommands } from '../triggers/trigger-commands.js';
import { WorkerRunContext } from './worker-run-context.js';

describe('WorkerRunContext expressions over internal storage and namespace files', () => {
  let dir: string;
  let storage: Storage;
  let repository: SqliteRepository;
  let queue: SqliteQueue;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'osprey-run-context-'));
    storage = openLocalStorage(join(dir, 'storage'));
    repository = await openSqliteRepository(join(dir, 'osprey.db'));
    queue = await openSqliteQueue(join(dir, 'osprey.db'));
    const files = new NamespaceFiles(storage);
    await files.put('company.team', 'data/a.txt', 'hello');
    await files.put('company.team', 'empty.txt', '');
    await files.put('company.other', 'secret.txt', 'not yours');
  });

  afterEach(async () => {
    await queue.close();
    await repository.close();
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function context(): WorkerRunContext {
    const task: Task = { id: 't', type: 'io.kestra.plugin.core.log.Log' } as Task;
    const now = new Date();
    return new WorkerRunContext({
      task,
      taskRun: { id: 'tr', executionId: 'e1', namespace: 'company.team', flowId: 'f', taskId: 't', attempts: [], state: newState(now) },
      attempt: 1,
      executionId: 'e1',
      namespace: 'company.team',
      flowId: 'f',
      variables: { flow: { id: 'f', namespace: 'company.team' } },
      render: {},
      log: () => undefined,
      storage,
      repository,
      triggers: new TriggerCommands(repository, queue.broadcast),
      signal: new AbortController().signal,
    });
  }

  it("read() of a plain path reads the flow's namespace file; fileURI() names it for fileSize()", async () => {
    const ctx = context();
    await expect(ctx.renderString("{{ read('data/a.txt') }} {{ read('/data/a.txt') }} {{ fileSize(fileURI('data/a.txt')) }} {{ read(fileURI('data/a.txt')) }}")).resolves.toBe('hello hello 5 hello');
  });

  it('fileExists() and isFileEmpty() answer for namespace files and execution files', async () => {
    const ctx = context();
    const uri = await ctx.storage.putFile('out.txt', 'abc');
    await expect(ctx.renderString(`{{ fileExists('empty.txt') }} {{ isFileEmpty('empty.txt') }} {{ fileExists('data') }} {{ fileExists('nope.txt') }} {{ fileSize('${uri}') }}`)).resolves.toBe('true true false false 3');
  });

  it("refuses a namespace file that does not exist and files of another namespace, naming them", async () => {
    const ctx = context();
    await expect(ctx.renderString("{{ read('nope.txt') }}")).rejects.toThrow(/namespace company.team has no file nope.txt/);
    await expect(ctx.renderString("{{ read('kestra:///company/other/_files/secret.txt') }}")).rejects.toThrow(/only files of namespace prefix/);
    await expect(ctx.renderString("{{ fileSize('kestra:///company/other/_files/secret.txt') }}")).rejects.toThrow(/only files of namespace prefix/);
    await expect(ctx.renderString("{{ read('../other/secret.txt') }}")).rejects.toThrow(/leaves the namespace's files/);
  });

  it("lists the namespace's files at any depth for namespaceFiles, and only its own", async () => {
    await expect(context().namespaceFiles.list()).resolves.toEqual(['data/a.txt', 'empty.txt']);
  });
});
