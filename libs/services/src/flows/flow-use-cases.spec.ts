import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlowValidationError } from '@osprey/flow-model';
import type { BroadcastMessage } from '@osprey/queue';
import { openSqliteQueue, type SqliteQueue } from '@osprey/queue/sql';
import { NotFoundError } from '@osprey/repository';
import { openSqliteRepository, type SqliteRepository } from '@osprey/repository/sql';
import { DeleteFlow } from './delete-flow.js';
import { DeployFlow } from './deploy-flow.js';
import { FlowConflictError } from './flow-conflict-error.js';
import { FlowImportError, ImportFlows } from './import-flows.js';
import { SetFlowDisabled } from './set-flow-disabled.js';
import { SyncNamespaceFlows } from './sync-namespace-flows.js';

const flow = (id: string, extra = '') => `# kept comment\nid: ${id}\nnamespace: io.osprey.unit\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.debug.Return\n    format: ok${extra}\n`;

describe('flow use cases on the embedded backend', () => {
  let dir: string;
  let repository: SqliteRepository;
  let queue: SqliteQueue;
  let messages: BroadcastMessage[];
  let deploy: DeployFlow;
  let unsubscribe: () => void;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'osprey-flows-'));
    repository = await openSqliteRepository(join(dir, 'osprey.db'));
    queue = await openSqliteQueue(join(dir, 'osprey.db'));
    messages = [];
    unsubscribe = queue.broadcast.subscribe((m) => messages.push(m));
    deploy = new DeployFlow(repository.flows, queue.broadcast);
  });
  afterEach(async () => {
    unsubscribe();
    await queue.close();
    await repository.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const changes = async (count: number) => {
    for (let i = 0; i < 100 && messages.length < count; i++) await new Promise((r) => setTimeout(r, 10));
    return messages.filter((m) => m.type === 'flowChanged');
  };

  it('DeployFlow stores revisions and publishes flowChanged only when the source changed', async () => {
    expect((await deploy.execute({ source: flow('a'), mode: 'create' })).revision).toBe(1);
    expect((await deploy.execute({ source: flow('a'), mode: 'create' })).revision).toBe(1);
    expect((await deploy.execute({ source: flow('a', ' again'), mode: 'update', namespace: 'io.osprey.unit', id: 'a' })).revision).toBe(2);
    expect(await changes(2)).toEqual([
      { type: 'flowChanged', namespace: 'io.osprey.unit', flowId: 'a' },
      { type: 'flowChanged', namespace: 'io.osprey.unit', flowId: 'a' },
    ]);
  });

  it('DeployFlow refuses preconditions of several flows where the backend keeps no precondition windows, by path', async () => {
    const joined = flow('joined', '\ntriggers:\n  - id: both\n    type: io.kestra.plugin.core.trigger.Flow\n    preconditions:\n      id: both\n      flows:\n        - { namespace: io.osprey.unit, flowId: a }\n        - { namespace: io.osprey.unit, flowId: b }');
    const kafkaLike = new DeployFlow(repository.flows, queue.broadcast, { storedPreconditions: false });
    const error = await kafkaLike.execute({ source: joined, mode: 'create' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlowValidationError);
    expect((error as FlowValidationError).violations).toEqual([expect.objectContaining({ path: 'triggers[0].preconditions', line: 12 })]);
    expect(await repository.flows.get('io.osprey.unit', 'joined')).toBeNull();
    expect((await deploy.execute({ source: joined, mode: 'create' })).revision).toBe(1);
  });

  it('DeployFlow refuses conflicting creates, renames and updates of unknown flows', async () => {
    await deploy.execute({ source: flow('a'), mode: 'create' });
    await expect(deploy.execute({ source: flow('a', ' changed'), mode: 'create' })).rejects.toThrow(FlowConflictError);
    await expect(deploy.execute({ source: flow('b'), mode: 'update', namespace: 'io.osprey.unit', id: 'a' })).rejects.toThrow(FlowConflictError);
    await expect(deploy.execute({ source: flow('c'), mode: 'update', namespace: 'io.osprey.unit', id: 'c' })).rejects.toThrow(NotFoundError);
    expect(await repository.flows.get('io.osprey.unit', 'c')).toBeNull();
  });

  it('SetFlowDisabled rewrites the source as a new revision, keeping comments', async () => {
    await deploy.execute({ source: flow('a'), mode: 'create' });
    const setDisabled = new SetFlowDisabled(repository.flows, deploy);
    const disabled = await setDisabled.execute('io.osprey.unit', 'a', true);
    expect(disabled).toMatchObject({ revision: 2, disabled: true });
    expect(disabled.source).toContain('# kept comment');
    expect(disabled.source).toMatch(/^disabled: true$/m);
    expect((await setDisabled.execute('io.osprey.unit', 'a', true)).revision).toBe(2);
    const enabled = await setDisabled.execute('io.osprey.unit', 'a', false);
    expect(enabled).toMatchObject({ revision: 3, disabled: false });
    expect(enabled.source).not.toContain('disabled');
  });

  it('DeleteFlow deletes and publishes; an unknown flow is NotFound', async () => {
    await deploy.execute({ source: flow('a'), mode: 'create' });
    const remove = new DeleteFlow(repository.flows, deploy);
    await remove.execute('io.osprey.unit', 'a');
    expect(await repository.flows.get('io.osprey.unit', 'a')).toBeNull();
    expect(await changes(2)).toHaveLength(2);
    await expect(remove.execute('io.osprey.unit', 'a')).rejects.toThrow(NotFoundError);
  });

  it('ImportFlows stores nothing when one flow is invalid or defined twice', async () => {
    const importFlows = new ImportFlows(deploy);
    const broken = { name: 'broken.yml', source: 'id: x\nnamespace: io.osprey.unit\ntasks: []\n', firstLine: 10 };
    const error = await importFlows.execute([{ name: 'a.yml', source: flow('a') }, broken]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlowImportError);
    expect((error as FlowImportError).failures).toEqual([{ file: 'broken.yml', violations: [expect.objectContaining({ path: 'tasks', line: 12 })] }]);
    expect(await repository.flows.get('io.osprey.unit', 'a')).toBeNull();

    const twice = await importFlows.execute([{ name: 'a.yml', source: flow('a') }, { name: 'b.yml', source: flow('a', ' x') }]).catch((e: unknown) => e);
    expect((twice as FlowImportError).failures[0]).toMatchObject({ file: 'b.yml', violations: [{ path: 'id', message: expect.stringContaining('a.yml') }] });
    const elsewhere = await importFlows.execute([{ name: 'a.yml', source: flow('a') }], { namespace: 'other' }).catch((e: unknown) => e);
    expect((elsewhere as FlowImportError).failures[0]!.violations[0]!.path).toBe('namespace');

    const stored = await importFlows.execute([{ name: 'a.yml', source: flow('a') }, { name: 'b.yml', source: flow('b') }]);
    expect(stored.map((f) => f.id)).toEqual(['a', 'b']);
  });

  it('SyncNamespaceFlows stores the given flows and deletes the namespace\'s others only when asked, never a child namespace\'s', async () => {
    const importFlows = new ImportFlows(deploy);
    const sync = new SyncNamespaceFlows(repository.flows, importFlows, new DeleteFlow(repository.flows, deploy));
    await deploy.execute({ source: flow('stale'), mode: 'create' });
    await deploy.execute({ source: flow('child').replace('io.osprey.unit', 'io.osprey.unit.child'), mode: 'create' });

    const kept = await sync.execute('io.osprey.unit', [{ name: 'a.yml', source: flow('a') }], { deleteMissing: false });
    expect(kept).toEqual({ stored: [expect.objectContaining({ id: 'a' })], deleted: [] });
    expect(await repository.flows.get('io.osprey.unit', 'stale')).not.toBeNull();

    const broken = await sync.execute('io.osprey.unit', [{ name: 'x.yml', source: 'id: x\nnamespace: io.osprey.unit\ntasks: []\n' }], { deleteMissing: true }).catch((e: unknown) => e);
    expect(broken).toBeInstanceOf(FlowImportError);
    expect(await repository.flows.get('io.osprey.unit', 'stale')).not.toBeNull();

    const synced = await sync.execute('io.osprey.unit', [{ name: 'a.yml', source: flow('a', ' v2') }], { deleteMissing: true });
    expect(synced.stored.map((f) => [f.id, f.revision])).toEqual([['a', 2]]);
    expect(synced.deleted.map((f) => [f.id, f.deleted])).toEqual([['stale', true]]);
    expect(await repository.flows.get('io.osprey.unit', 'stale')).toBeNull();
    expect(await repository.flows.get('io.osprey.unit.child', 'child')).not.toBeNull();

    const emptied = await sync.execute('io.osprey.unit', [], { deleteMissing: true });
    expect(emptied.deleted.map((f) => f.id)).toEqual(['a']);
  });

  it('surfaces YAML errors as FlowValidationError with a line', async () => {
    const error = await deploy.execute({ source: 'id: a\nnamespace: b\ntasks:\n  - [', mode: 'create' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlowValidationError);
    expect((error as FlowValidationError).violations[0]!.line).toEqual(expect.any(Number));
  });
});
