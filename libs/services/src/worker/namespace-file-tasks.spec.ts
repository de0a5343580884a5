import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newState, type Task } from '@osprey/flow-model';
import { NamespaceDeleteFilesTask, NamespaceDownloadFilesTask, NamespaceUploadFilesTask, TaskFailure, TaskPropertyError } from '@osprey/plugins';
import { openSqliteQueue, type SqliteQueue } from '@osprey/queue/sql';
import { openSqliteRepository, type SqliteRepository } from '@osprey/repository/sql';
import { openLocalStorage, type Storage } from '@osprey/storage';
import { NamespaceFiles } from '../namespaces/namespace-files.js';
import { TriggerCommands } from '../triggers/trigger-commands.js';
import { WorkerRunContext } from './worker-run-context.js';

// The namespace file tasks on the worker's own run context: local storage, SQLite repository, the real NamespaceFiles.
describe('namespace file tasks (local storage, SQLite)', () => {
  let dir: string;
  let storage: Storage;
  let repository: SqliteRepository;
  let queue: SqliteQueue;
  let files: NamespaceFiles;
  let contexts: WorkerRunContext[];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'osprey-ns-tasks-'));
    storage = openLocalStorage(join(dir, 'storage'));
    repository = await openSqliteRepository(join(dir, 'osprey.db'));
    queue = await openSqliteQueue(join(dir, 'osprey.db'));
    files = new NamespaceFiles(storage);
    contexts = [];
  });

  afterEach(async () => {
    await Promise.all(contexts.map((ctx) => ctx.cleanup()));
    await queue.close();
    await repository.close();
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function context(type: string, properties: Record<string, unknown>, logs: string[] = []): WorkerRunContext {
    const task = { id: 't', type, ...properties } as Task;
    const ctx = new WorkerRunContext({
      task,
      taskRun: { id: 'tr', executionId: 'e1', namespace: 'company.team', flowId: 'f', taskId: 't', attempts: [], state: newState(new Date()) },
      attempt: 1,
      executionId: 'e1',
      namespace: 'company.team',
      flowId: 'f',
      variables: { flow: { id: 'f', namespace: 'company.team' }, inputs: { ns: 'company.shared' } },
      render: {},
      log: (level, message) => void logs.push(`${level} ${message}`),
      storage,
      repository,
      triggers: new TriggerCommands(repository, queue.broadcast),
      signal: new AbortController().signal,
    });
    contexts.push(ctx);
    return ctx;
  }

  async function text(read: Promise<NodeJS.ReadableStream>): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of await read) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  const UPLOAD = 'io.kestra.plugin.core.namespace.UploadFiles';
  const DOWNLOAD = 'io.kestra.plugin.core.namespace.DownloadFiles';
  const DELETE = 'io.kestra.plugin.core.namespace.DeleteFiles';

  describe('UploadFiles', () => {
    it('uploads the working directory files matching the globs under destination, into the namespace named only', async () => {
      const ctx = context(UPLOAD, { namespace: '{{ inputs.ns }}', files: ['**/*.sql', 'glob:**/dbt/**', 'top.txt'], destination: 'project' });
      const work = await ctx.workingDirectory();
      await mkdir(join(work, 'a', 'dbt'), { recursive: true });
      await writeFile(join(work, 'a', 'q.sql'), 'select 1');
      await writeFile(join(work, 'a', 'dbt', 'model.yml'), 'm');
      await writeFile(join(work, 'top.txt'), 'top');
      await writeFile(join(work, 'a', 'top.txt'), 'not at the root');
      await writeFile(join(work, 'skip.csv'), 'x');
      await expect(new NamespaceUploadFilesTask().run(ctx)).resolves.toEqual({ outputs: {} });
      expect(await files.listAll('company.shared')).toEqual(['project/a/dbt/model.yml', 'project/a/q.sql', 'project/top.txt']);
      expect(await files.listAll('company.team')).toEqual([]);
      await expect(text(files.get('company.shared', 'project/a/q.sql'))).resolves.toBe('select 1');
    });

    it('uploads the kestra:// URIs of filesMap (a map or a JSON expression) at their key under destination; files as a map keeps its keys', async () => {
      const seed = context(UPLOAD, { namespace: 'x', files: [] });
      const one = await seed.storage.putFile('one.txt', 'first');
      const two = await seed.storage.putFile('two.txt', 'second');
      const logs: string[] = [];
      const map = context(UPLOAD, { namespace: 'company.team', filesMap: { 'scripts/one.py': one, 'gone.txt': `${one}.missing` }, destination: '/dest' }, logs);
      await new NamespaceUploadFilesTask().run(map);
      const json = context(UPLOAD, { namespace: 'company.team', filesMap: `{{ {"two.txt": "${two}"} | json }}` });
      await new NamespaceUploadFilesTask().run(json);
      const older = context(UPLOAD, { namespace: 'company.team', files: { '/renamed/one.txt': one } });
      await new NamespaceUploadFilesTask().run(older);
      expect(await files.listAll('company.team')).toEqual(['dest/scripts/one.py', 'renamed/one.txt', 'two.txt']);
      await expect(text(files.get('company.team', 'two.txt'))).resolves.toBe('second');
      expect(logs).toEqual(expect.arrayContaining([expect.stringMatching(/^WARN filesMap: no file at .*\.missing for 'gone\.txt': skipped$/)]));
    });

    it('on an existing file: OVERWRITE replaces it, SKIP keeps it, ERROR fails naming it', async () => {
      await files.put('company.team', 'a.txt', 'old');
      const seed = context(UPLOAD, { namespace: 'x', files: [] });
      const uri = await seed.storage.putFile('new.txt', 'new');
      await new NamespaceUploadFilesTask().run(context(UPLOAD, { namespace: 'company.team', filesMap: { 'a.txt': uri }, conflict: 'SKIP' }));
      await expect(text(files.get('company.team', 'a.txt'))).resolves.toBe('old');
      await expect(new NamespaceUploadFilesTask().run(context(UPLOAD, { namespace: 'company.team', filesMap: { 'a.txt': uri }, conflict: 'ERROR' }))).rejects.toThrow(
        new TaskFailure("File '/a.txt' already exists in namespace 'company.team' and conflict is set to ERROR"),
      );
      await new NamespaceUploadFilesTask().run(context(UPLOAD, { namespace: 'company.team', filesMap: { 'a.txt': uri } }));
      await expect(text(files.get('company.team', 'a.txt'))).resolves.toBe('new');
    });

    it('needs files or filesMap, and refuses a path that leaves the namespace', async () => {
      await expect(new NamespaceUploadFilesTask().run(context(UPLOAD, { namespace: 'company.team' }))).rejects.toThrow(TaskPropertyError);
      const seed = context(UPLOAD, { namespace: 'x', files: [] });
      const uri = await seed.storage.putFile('new.txt', 'new');
      await expect(new NamespaceUploadFilesTask().run(context(UPLOAD, { namespace: 'company.team', filesMap: { '../company/escape.txt': uri } }))).rejects.toThrow(/leaves the namespace's files/);
      expect(await files.listAll('company')).toEqual([]);
    });
  });

  describe('DownloadFiles', () => {
    it("stores the matching files of the namespace named (not its children's) and outputs their URIs by path", async () => {
      await files.put('company.shared', 'input.txt', 'in');
      await files.put('company.shared', 'sub/input.txt', 'deep');
      await files.put('company.shared', 'other.csv', 'csv');
      await files.put('company.shared.child', 'input.txt', 'child');
      const ctx = context(DOWNLOAD, { namespace: '{{ inputs.ns }}', files: '**input.txt', destination: 'dl/' });
      const result = await new NamespaceDownloadFilesTask().run(ctx);
      const out = result.outputs!['files'] as Record<string, string>;
      expect(Object.keys(out).sort()).toEqual(['/input.txt', '/sub/input.txt']);
      expect(out['/sub/input.txt']).toBe('kestra:///company/team/f/executions/e1/tasks/t/tr/dl/sub/input.txt');
      await expect(text(ctx.storage.get(out['/input.txt']!))).resolves.toBe('in');
      await expect(text(ctx.storage.get(out['/sub/input.txt']!))).resolves.toBe('deep');
      expect(ctx.metrics).toEqual([{ name: 'downloaded', type: 'counter', value: 2 }]);
    });

    it('reads a list of globs, `regex:` patterns, and outputs an empty map when nothing matches', async () => {
      await files.put('company.team', 'a/x.py', 'x');
      await files.put('company.team', 'b/y.py', 'y');
      await files.put('company.team', 'c.txt', 'c');
      const out = (await new NamespaceDownloadFilesTask().run(context(DOWNLOAD, { namespace: 'company.team', files: ['/a/*', 'regex:/b/.*\\.py'] }))).outputs!['files'];
      expect(Object.keys(out as object).sort()).toEqual(['/a/x.py', '/b/y.py']);
      expect((await new NamespaceDownloadFilesTask().run(context(DOWNLOAD, { namespace: 'company.team', files: ['nothing*'] }))).outputs).toEqual({ files: {} });
    });
  });

  describe('DeleteFiles', () => {
    it('deletes the matching files of the namespace named only, and counts them', async () => {
      await files.put('company.shared', 'keep.txt', 'k');
      await files.put('company.shared', 'tmp/a.upl', 'a');
      await files.put('company.shared', 'tmp/deeper/b.upl', 'b');
      await files.put('company.shared.child', 'c.upl', 'c');
      await files.put('company', 'd.upl', 'd');
      const ctx = context(DELETE, { namespace: '{{ inputs.ns }}', files: ['**.upl'], deleteParentFolder: true });
      await expect(new NamespaceDeleteFilesTask().run(ctx)).resolves.toEqual({ outputs: {} });
      expect(await files.listAll('company.shared')).toEqual(['keep.txt']);
      expect(await files.listAll('company.shared.child')).toEqual(['c.upl']);
      expect(await files.listAll('company')).toEqual(expect.arrayContaining(['d.upl']));
      // The emptied folder is gone: a folder exists only while it holds files.
      await expect(files.list('company.shared')).resolves.toEqual([expect.objectContaining({ fileName: 'keep.txt', type: 'File' })]);
      expect(ctx.metrics).toEqual([{ name: 'deleted', type: 'counter', value: 2 }]);
    });

    it('deletes everything with "**" and refuses a bad glob by property name', async () => {
      await files.put('company.team', 'a.txt', 'a');
      await files.put('company.team', 'x/b.txt', 'b');
      await new NamespaceDeleteFilesTask().run(context(DELETE, { namespace: 'company.team', files: '**' }));
      expect(await files.listAll('company.team')).toEqual([]);
      await expect(new NamespaceDeleteFilesTask().run(context(DELETE, { namespace: 'company.team', files: ['[abc'] }))).rejects.toThrow("Invalid property 'files': unclosed '[' in glob '[abc'");
    });
  });
});
