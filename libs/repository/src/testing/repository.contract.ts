/// <reference types="jest" />
import type { Execution, LogEntry, TaskRun } from '@osprey/flow-model';
import type { Repository, TriggerState } from '../ports.js';
import { InvalidQueryError } from '../invalid-query-error.js';
import { LogFollower } from '../log-follower.js';
import type { QueryFilter } from '../query-filter.js';
import { testExecution, testFlow, testTaskRun } from './repository-fixtures.js';

/** What a repository adapter hands the contract: a fresh, empty repository and a way to seed executions. */
export interface RepositoryUnderTest {
  repository: Repository;
  /** Writes an execution row and the given task runs, as the executor's commit does (the port has no execution write). */
  writeExecution(execution: Execution, changedTaskRuns?: TaskRun[]): Promise<void>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The guarantees every Repository adapter keeps; each adapter's spec runs this against its real server. */
export function repositoryContract(name: string, open: () => Promise<RepositoryUnderTest>): void {
  describe(`Repository contract: ${name}`, () => {
    let subject: RepositoryUnderTest;
    let repo: Repository;
    beforeEach(async () => {
      subject = await open();
      repo = subject.repository;
    });
    afterEach(async () => {
      await subject.close();
    });

    describe('flows', () => {
      it('keeps the revision when the source is unchanged and adds one when it changes', async () => {
        const flow = testFlow('company.team', 'hello');
        const first = await repo.flows.save(flow, 'source v1');
        const same = await repo.flows.save(flow, 'source v1');
        const changed = await repo.flows.save({ ...flow, description: 'v2' }, 'source v2');
        expect(first.revision).toBe(1);
        expect(same.revision).toBe(1);
        expect(changed.revision).toBe(2);
        expect((await repo.flows.get('company.team', 'hello'))?.flow.description).toBe('v2');
        expect((await repo.flows.get('company.team', 'hello', 1))?.source).toBe('source v1');
        expect((await repo.flows.revisions('company.team', 'hello')).map((f) => f.revision)).toEqual([1, 2]);
      });

      it('round-trips the parsed flow and its flags', async () => {
        const flow = { ...testFlow('company.team', 'hello', [{ key: 'team', value: 'data' }]), disabled: true };
        await repo.flows.save(flow, 'src');
        const stored = await repo.flows.get('company.team', 'hello');
        expect(stored).toMatchObject({ namespace: 'company.team', id: 'hello', revision: 1, source: 'src', disabled: true, deleted: false });
        expect(stored?.flow).toEqual({ ...flow, revision: 1 });
        expect(Number.isNaN(Date.parse(stored!.updated))).toBe(false);
      });

      it('hides a deleted flow and continues its revisions when it is saved again', async () => {
        const flow = testFlow('company.team', 'hello');
        await repo.flows.save(flow, 'v1');
        expect(await repo.flows.delete('company.team', 'hello')).toBe(true);
        expect(await repo.flows.delete('company.team', 'hello')).toBe(false);
        expect(await repo.flows.get('company.team', 'hello')).toBeNull();
        expect(await repo.flows.list()).toEqual([]);
        const again = await repo.flows.save(flow, 'v1');
        expect(again.revision).toBe(2);
        expect(await repo.flows.get('company.team', 'hello')).not.toBeNull();
      });

      it('lists the latest revision of flows in a namespace and its children only', async () => {
        await repo.flows.save(testFlow('company.team', 'a'), 'a1');
        await repo.flows.save(testFlow('company.team', 'a'), 'a2');
        await repo.flows.save(testFlow('company.team.sub', 'b'), 'b1');
        await repo.flows.save(testFlow('company.teamx', 'c'), 'c1');
        await repo.flows.save(testFlow('other', 'd'), 'd1');
        const listed = await repo.flows.list('company.team');
        expect(listed.map((f) => `${f.namespace}/${f.id}@${f.revision}`)).toEqual(['company.team/a@2', 'company.team.sub/b@1']);
        expect((await repo.flows.list()).length).toBe(4);
        expect(await repo.flows.namespaces()).toEqual(['company.team', 'company.team.sub', 'company.teamx', 'other']);
      });

      it('searches by text, namespace and labels with paging and sorting', async () => {
        for (let i = 0; i < 5; i++) await repo.flows.save(testFlow('company.team', `flow-${i}`, i % 2 === 0 ? [{ key: 'env', value: 'prod' }] : []), `s${i}`);
        await repo.flows.save(testFlow('other', 'unrelated'), 'x');
        const page1 = await repo.flows.search({ namespace: 'company', size: 2, page: 1, sort: 'id:desc' });
        expect(page1.total).toBe(5);
        expect(page1.results.map((f) => f.id)).toEqual(['flow-4', 'flow-3']);
        const page3 = await repo.flows.search({ namespace: 'company', size: 2, page: 3, sort: 'id:desc' });
        expect(page3.results.map((f) => f.id)).toEqual(['flow-0']);
        const byText = await repo.flows.search({ q: 'UNREL' });
        expect(byText.results.map((f) => f.id)).toEqual(['unrelated']);
        const byLabel = await repo.flows.search({ labels: [{ key: 'env', value: 'prod' }], sort: 'id:asc' });
        expect(byLabel.results.map((f) => f.id)).toEqual(['flow-0', 'flow-2', 'flow-4']);
        expect(byLabel.total).toBe(3);
      });

      it('rejects a sort on an unknown field', async () => {
        await expect(repo.flows.search({ sort: 'nope:asc' })).rejects.toThrow();
      });
    });

    describe('executions', () => {
      it('round-trips an execution with its task runs exactly, in order', async () => {
        const execution = testExecution('e1', { taskRuns: 3, labels: [{ key: 'k', value: 'v' }], parent: 'p1' });
        execution.outputs = { result: { a: [1, 'two', null, true] } };
        execution.trigger = { id: 'schedule', type: 'io.kestra.plugin.core.trigger.Schedule', variables: { date: '2024-05-01T10:00:00Z' } };
        await subject.writeExecution(execution, execution.taskRunList);
        expect(await repo.executions.get('e1')).toEqual(execution);
        expect(await repo.executions.get('missing')).toBeNull();
      });

      it('stores task runs as their own rows: an update touches only the changed ones', async () => {
        const execution = testExecution('e1', { taskRuns: 3 });
        await subject.writeExecution(execution, execution.taskRunList);
        const changed: TaskRun = { ...execution.taskRunList[1], outputs: { value: 'changed' } };
        const added = testTaskRun(execution, 'e1-tr3', 'task3', 'RUNNING', '2024-05-01T10:00:05.000Z');
        const next: Execution = { ...execution, version: 2, taskRunList: [execution.taskRunList[0], changed, execution.taskRunList[2], added] };
        await subject.writeExecution(next, [added, changed]);
        expect(await repo.executions.get('e1')).toEqual(next);
        // Task runs not passed as changed are kept as stored, whatever the execution's list says.
        await subject.writeExecution({ ...next, version: 3, taskRunList: [] }, []);
        const stored = await repo.executions.get('e1');
        expect(stored?.version).toBe(3);
        expect(stored?.taskRunList).toEqual(next.taskRunList);
      });

      it('searches by namespace prefix, flow, state, labels, parent and dates, newest first, without task runs', async () => {
        await subject.writeExecution(testExecution('a', { namespace: 'company.team', flowId: 'f1', state: 'SUCCESS', startDate: '2024-05-01T10:00:00.000Z', labels: [{ key: 'env', value: 'prod' }], taskRuns: 2 }));
        await subject.writeExecution(testExecution('b', { namespace: 'company.team.sub', flowId: 'f2', state: 'FAILED', startDate: '2024-05-02T10:00:00.000Z' }));
        await subject.writeExecution(testExecution('c', { namespace: 'company.teamx', flowId: 'f1', state: 'RUNNING', startDate: '2024-05-03T10:00:00.000Z', labels: [{ key: 'env', value: 'dev' }] }));
        await subject.writeExecution(testExecution('d', { namespace: 'company.team', flowId: 'f1', state: 'RUNNING', startDate: '2024-05-04T10:00:00.000Z', parent: 'a' }));
        const ids = async (query: Parameters<Repository['executions']['search']>[0]) => (await repo.executions.search(query)).results.map((e) => e.id);

        expect(await ids({})).toEqual(['d', 'c', 'b', 'a']);
        expect(await ids({ namespace: 'company.team' })).toEqual(['d', 'b', 'a']);
        expect(await ids({ namespace: 'company.team', flowId: 'f1' })).toEqual(['d', 'a']);
        expect(await ids({ state: ['SUCCESS', 'FAILED'] })).toEqual(['b', 'a']);
        expect(await ids({ labels: [{ key: 'env', value: 'prod' }] })).toEqual(['a']);
        expect(await ids({ parentExecutionId: 'a' })).toEqual(['d']);
        expect(await ids({ startDate: '2024-05-02T00:00:00.000Z', endDate: '2024-05-03T23:00:00.000Z' })).toEqual(['c', 'b']);
        expect(await ids({ startDate: '2024-05-02T12:00:00+02:00' })).toEqual(['d', 'c', 'b']);
        expect(await ids({ sort: 'state.startDate:asc' })).toEqual(['a', 'b', 'c', 'd']);

        const page = await repo.executions.search({ size: 3, page: 2 });
        expect(page.total).toBe(4);
        expect(page.results.map((e) => e.id)).toEqual(['a']);
        expect(page.results[0].taskRunList).toEqual([]);
        expect(page.results[0].inputs).toEqual({ name: 'world', count: 3 });
      });

      it('deletes an execution with its task runs', async () => {
        await subject.writeExecution(testExecution('e1', { taskRuns: 2 }));
        expect(await repo.executions.delete('e1')).toBe(true);
        expect(await repo.executions.delete('e1')).toBe(false);
        expect(await repo.executions.get('e1')).toBeNull();
        expect((await repo.taskRuns.search({ executionId: 'e1' })).total).toBe(0);
      });

      it('counts executions per day and state', async () => {
        await subject.writeExecution(testExecution('a', { state: 'SUCCESS', startDate: '2024-05-01T10:00:00.000Z' }));
        await subject.writeExecution(testExecution('b', { state: 'SUCCESS', startDate: '2024-05-01T11:00:00.000Z' }));
        await subject.writeExecution(testExecution('c', { state: 'FAILED', startDate: '2024-05-01T12:00:00.000Z' }));
        await subject.writeExecution(testExecution('d', { state: 'SUCCESS', startDate: '2024-05-02T10:00:00.000Z', flowId: 'other' }));
        await subject.writeExecution(testExecution('e', { state: 'SUCCESS', startDate: '2024-06-01T10:00:00.000Z' }));
        const stats = await repo.executions.dailyStats({ startDate: '2024-05-01T00:00:00.000Z', endDate: '2024-05-31T00:00:00.000Z' });
        expect(stats).toEqual([
          { date: '2024-05-01', state: 'FAILED', count: 1 },
          { date: '2024-05-01', state: 'SUCCESS', count: 2 },
          { date: '2024-05-02', state: 'SUCCESS', count: 1 },
        ]);
        const oneFlow = await repo.executions.dailyStats({ flowId: 'other', startDate: '2024-05-01T00:00:00.000Z', endDate: '2024-05-31T00:00:00.000Z' });
        expect(oneFlow).toEqual([{ date: '2024-05-02', state: 'SUCCESS', count: 1 }]);
      });

      it('counts executions per day and state grouped by namespace or flow, filtered by flows, states and namespace', async () => {
        const range = { startDate: '2024-05-01T00:00:00.000Z', endDate: '2024-05-31T00:00:00.000Z' };
        await subject.writeExecution(testExecution('a', { namespace: 'company.team', flowId: 'f1', state: 'SUCCESS', startDate: '2024-05-01T10:00:00.000Z' }));
        await subject.writeExecution(testExecution('b', { namespace: 'company.team', flowId: 'f1', state: 'SUCCESS', startDate: '2024-05-01T23:59:59.000Z' }));
        await subject.writeExecution(testExecution('c', { namespace: 'company.team', flowId: 'f2', state: 'FAILED', startDate: '2024-05-01T12:00:00.000Z' }));
        await subject.writeExecution(testExecution('d', { namespace: 'company.team.sub', flowId: 'f1', state: 'SUCCESS', startDate: '2024-05-02T00:00:00.000Z' }));
        await subject.writeExecution(testExecution('e', { namespace: 'other', flowId: 'f1', state: 'RUNNING', startDate: '2024-05-02T10:00:00.000Z' }));
        await subject.writeExecution(testExecution('f', { namespace: 'company.team', flowId: 'f1', state: 'SUCCESS', startDate: '2024-06-01T10:00:00.000Z' }));

        expect(await repo.executions.dailyStats({ ...range, groupBy: 'flow' })).toEqual([
          { date: '2024-05-01', namespace: 'company.team', flowId: 'f1', state: 'SUCCESS', count: 2 },
          { date: '2024-05-01', namespace: 'company.team', flowId: 'f2', state: 'FAILED', count: 1 },
          { date: '2024-05-02', namespace: 'company.team.sub', flowId: 'f1', state: 'SUCCESS', count: 1 },
          { date: '2024-05-02', namespace: 'other', flowId: 'f1', state: 'RUNNING', count: 1 },
        ]);
        expect(await repo.executions.dailyStats({ ...range, namespace: 'company', groupBy: 'namespace' })).toEqual([
          { date: '2024-05-01', namespace: 'company.team', state: 'FAILED', count: 1 },
          { date: '2024-05-01', namespace: 'company.team', state: 'SUCCESS', count: 2 },
          { date: '2024-05-02', namespace: 'company.team.sub', state: 'SUCCESS', count: 1 },
        ]);
        // With a flow id the namespace is exact: company.team.sub's f1 is another flow.
        expect(await repo.executions.dailyStats({ ...range, namespace: 'company.team', flowId: 'f1' })).toEqual([{ date: '2024-05-01', state: 'SUCCESS', count: 2 }]);
        expect(await repo.executions.dailyStats({ ...range, state: ['FAILED', 'RUNNING'] })).toEqual([
          { date: '2024-05-01', state: 'FAILED', count: 1 },
          { date: '2024-05-02', state: 'RUNNING', count: 1 },
        ]);
        const flows = [
          { namespace: 'company.team', id: 'f2' },
          { namespace: 'other', id: 'f1' },
        ];
        expect(await repo.executions.dailyStats({ ...range, flows, groupBy: 'flow' })).toEqual([
          { date: '2024-05-01', namespace: 'company.team', flowId: 'f2', state: 'FAILED', count: 1 },
          { date: '2024-05-02', namespace: 'other', flowId: 'f1', state: 'RUNNING', count: 1 },
        ]);
      });
    });

    describe('task runs', () => {
      it('counts task runs per day of their start and state, filtered like executions', async () => {
        const a = testExecution('a', { namespace: 'company.team', flowId: 'f1', taskRuns: 2, startDate: '2024-05-01T10:00:00.000Z' });
        a.taskRunList[1] = { ...a.taskRunList[1], state: { ...a.taskRunList[1].state, current: 'FAILED', startDate: '2024-05-02T00:00:01.000Z' } };
        await subject.writeExecution(a);
        await subject.writeExecution(testExecution('b', { namespace: 'other', flowId: 'f1', taskRuns: 3, startDate: '2024-05-01T11:00:00.000Z' }));
        await subject.writeExecution(testExecution('c', { namespace: 'company.team', flowId: 'f1', taskRuns: 1, startDate: '2024-06-01T10:00:00.000Z' }));
        const range = { startDate: '2024-05-01T00:00:00.000Z', endDate: '2024-05-31T00:00:00.000Z' };

        expect(await repo.taskRuns.dailyStats(range)).toEqual([
          { date: '2024-05-01', state: 'SUCCESS', count: 4 },
          { date: '2024-05-02', state: 'FAILED', count: 1 },
        ]);
        expect(await repo.taskRuns.dailyStats({ ...range, namespace: 'company' })).toEqual([
          { date: '2024-05-01', state: 'SUCCESS', count: 1 },
          { date: '2024-05-02', state: 'FAILED', count: 1 },
        ]);
        expect(await repo.taskRuns.dailyStats({ ...range, namespace: 'other', flowId: 'f1', state: ['SUCCESS'] })).toEqual([{ date: '2024-05-01', state: 'SUCCESS', count: 3 }]);
        expect(await repo.taskRuns.dailyStats({ ...range, flows: [{ namespace: 'company.team', id: 'f1' }], state: ['FAILED'] })).toEqual([{ date: '2024-05-02', state: 'FAILED', count: 1 }]);
      });

      it('searches task runs across executions by namespace, flow, execution, task, state and dates', async () => {
        const a = testExecution('a', { namespace: 'company.team', flowId: 'f1', taskRuns: 2, startDate: '2024-05-01T10:00:00.000Z' });
        a.taskRunList[1] = { ...a.taskRunList[1], state: { ...a.taskRunList[1].state, current: 'FAILED' } };
        const b = testExecution('b', { namespace: 'other', flowId: 'f2', taskRuns: 1, startDate: '2024-05-02T10:00:00.000Z' });
        await subject.writeExecution(a);
        await subject.writeExecution(b);
        const ids = async (query: Parameters<Repository['taskRuns']['search']>[0]) => (await repo.taskRuns.search(query)).results.map((t) => t.id).sort();

        expect(await ids({})).toEqual(['a-tr0', 'a-tr1', 'b-tr0']);
        expect(await ids({ namespace: 'company' })).toEqual(['a-tr0', 'a-tr1']);
        expect(await ids({ flowId: 'f2' })).toEqual(['b-tr0']);
        expect(await ids({ executionId: 'a', taskId: 'task1' })).toEqual(['a-tr1']);
        expect(await ids({ state: ['FAILED'] })).toEqual(['a-tr1']);
        expect(await ids({ startDate: '2024-05-02T00:00:00.000Z' })).toEqual(['b-tr0']);
        const page = await repo.taskRuns.search({ size: 1, sort: 'state.startDate:desc' });
        expect(page.total).toBe(3);
        expect(page.results).toEqual([b.taskRunList[0]]);
      });

      it("filters task runs on their execution's labels and parent (labels, triggerExecutionId, childFilter)", async () => {
        const f = (field: QueryFilter['field'], operation: QueryFilter['operation'], ...values: string[]): QueryFilter => ({ field, operation, values });
        await subject.writeExecution(testExecution('p', { taskRuns: 1, labels: [{ key: 'team', value: 'data' }] }));
        await subject.writeExecution(testExecution('c', { taskRuns: 2, parent: 'p', labels: [{ key: 'team', value: 'ops' }] }));
        await subject.writeExecution(testExecution('d', { taskRuns: 1, parent: 'other' }));
        const filtered = [
          { field: 'labels', operation: 'EQUALS', values: [], labels: [{ key: 'team', value: 'data' }] },
          f('triggerExecutionId', 'EQUALS', 'p'),
          f('childFilter', 'EQUALS', 'CHILD'),
        ] satisfies QueryFilter[];
        const ids = async (...filters: QueryFilter[]) => (await repo.taskRuns.search({ filters })).results.map((t) => t.id).sort();
        expect(await ids(filtered[0])).toEqual(['p-tr0']);
        expect(await ids({ field: 'labels', operation: 'NOT_EQUALS', values: [], labels: [{ key: 'team', value: 'data' }] })).toEqual(['c-tr0', 'c-tr1', 'd-tr0']);
        expect(await ids(f('labels', 'CONTAINS', 'ops'))).toEqual(['c-tr0', 'c-tr1']);
        expect(await ids(filtered[1])).toEqual(['c-tr0', 'c-tr1']);
        expect(await ids(f('triggerExecutionId', 'NOT_EQUALS', 'p'))).toEqual(['d-tr0', 'p-tr0']);
        expect(await ids(filtered[2])).toEqual(['c-tr0', 'c-tr1', 'd-tr0']);
        expect(await ids(f('childFilter', 'EQUALS', 'MAIN'))).toEqual(['p-tr0']);
        // Combined with a task run's own fields, and counted after filtering.
        const page = await repo.taskRuns.search({ filters: [filtered[2], f('executionId', 'EQUALS', 'c')], size: 1 });
        expect(page.total).toBe(2);
        expect(page.results.map((t) => t.id)).toHaveLength(1);
      });

      it("follows a change of the execution's labels and parent in the task run filters, whichever task runs the write carries", async () => {
        const label = (key: string, value: string): QueryFilter => ({ field: 'labels', operation: 'EQUALS', values: [], labels: [{ key, value }] });
        const parentIs = (id: string): QueryFilter => ({ field: 'triggerExecutionId', operation: 'EQUALS', values: [id] });
        const child: QueryFilter = { field: 'childFilter', operation: 'EQUALS', values: ['CHILD'] };
        const ids = async (...filters: QueryFilter[]) => (await repo.taskRuns.search({ filters })).results.map((t) => t.id).sort();
        const v1 = testExecution('e', { taskRuns: 3, labels: [{ key: 'team', value: 'data' }] });
        await subject.writeExecution(v1);
        expect(await ids(label('team', 'data'))).toEqual(['e-tr0', 'e-tr1', 'e-tr2']);
        expect(await ids(child)).toEqual([]);
        // The whole execution written again (as a projection of its latest state): new labels, now a subflow's.
        const v2: Execution = { ...v1, version: 2, labels: [{ key: 'team', value: 'ops' }], parent: { executionId: 'p', taskRunId: 'p-tr', namespace: v1.namespace, flowId: 'parent', wait: true, transmitFailed: true } };
        await subject.writeExecution(v2);
        expect(await ids(label('team', 'data'))).toEqual([]);
        expect(await ids(label('team', 'ops'))).toEqual(['e-tr0', 'e-tr1', 'e-tr2']);
        expect(await ids(parentIs('p'))).toEqual(['e-tr0', 'e-tr1', 'e-tr2']);
        // Only one changed task run carried: the others follow the execution's labels and parent all the same.
        const changed: TaskRun = { ...v2.taskRunList[1]!, outputs: { value: 'changed' } };
        const { parent: _parent, ...unparented } = v2;
        const v3: Execution = { ...unparented, version: 3, labels: [{ key: 'team', value: 'data' }, { key: 'env', value: 'prod' }], taskRunList: [v2.taskRunList[0]!, changed, v2.taskRunList[2]!] };
        await subject.writeExecution(v3, [changed]);
        expect(await ids(label('team', 'ops'))).toEqual([]);
        expect(await ids(label('env', 'prod'), label('team', 'data'))).toEqual(['e-tr0', 'e-tr1', 'e-tr2']);
        expect(await ids(child)).toEqual([]);
        expect(await ids(parentIs('p'))).toEqual([]);
        expect((await repo.executions.get('e'))?.taskRunList).toEqual(v3.taskRunList);
        expect((await repo.taskRuns.search({ filters: [label('env', 'prod')], size: 2 })).total).toBe(3);
      });
    });

    describe('logs', () => {
      const log = (message: string, level: LogEntry['level'], extra: Partial<LogEntry> = {}): LogEntry => ({
        namespace: 'company.team',
        flowId: 'hello',
        executionId: 'e1',
        taskId: 't1',
        taskRunId: 'tr1',
        attemptNumber: 1,
        timestamp: '2024-05-01T10:00:00.000Z',
        level,
        message,
        ...extra,
      });

      it('appends and searches logs in order, filtered by level, text and task run', async () => {
        await repo.logs.append([log('starting', 'DEBUG'), log('hello world', 'INFO'), log('careful', 'WARN', { taskRunId: 'tr2', taskId: 't2' })]);
        await repo.logs.append([log('boom', 'ERROR'), log('other execution', 'INFO', { executionId: 'e2' })]);
        const all = await repo.logs.search({ executionId: 'e1' });
        expect(all.total).toBe(4);
        expect(all.results.map((l) => l.message)).toEqual(['starting', 'hello world', 'careful', 'boom']);
        expect(all.results[1]).toEqual({ ...log('hello world', 'INFO'), seq: all.results[1].seq, id: expect.any(String) });
        expect(new Set(all.results.map((l) => l.id)).size).toBe(4);
        expect((await repo.logs.search({ executionId: 'e1', minLevel: 'WARN' })).results.map((l) => l.message)).toEqual(['careful', 'boom']);
        expect((await repo.logs.search({ q: 'world' })).results.map((l) => l.message)).toEqual(['hello world']);
        expect((await repo.logs.search({ taskRunId: 'tr2' })).results.map((l) => l.message)).toEqual(['careful']);
        expect((await repo.logs.search({ taskId: 't2' })).results.map((l) => l.message)).toEqual(['careful']);
      });

      it('counts logs per day and level from a minimum level', async () => {
        await repo.logs.append([
          log('a', 'DEBUG'),
          log('b', 'INFO'),
          log('c', 'INFO', { timestamp: '2024-05-01T23:59:59.999Z' }),
          log('d', 'ERROR', { timestamp: '2024-05-02T00:00:00.000Z' }),
          log('e', 'WARN', { namespace: 'company.team.sub', timestamp: '2024-05-02T10:00:00.000Z' }),
          log('f', 'INFO', { namespace: 'other', timestamp: '2024-05-02T10:00:00.000Z' }),
          log('g', 'INFO', { timestamp: '2024-06-01T10:00:00.000Z' }),
        ]);
        const range = { startDate: '2024-05-01T00:00:00.000Z', endDate: '2024-05-31T00:00:00.000Z' };
        expect(await repo.logs.dailyStats(range)).toEqual([
          { date: '2024-05-01', level: 'DEBUG', count: 1 },
          { date: '2024-05-01', level: 'INFO', count: 2 },
          { date: '2024-05-02', level: 'INFO', count: 1 },
          { date: '2024-05-02', level: 'WARN', count: 1 },
          { date: '2024-05-02', level: 'ERROR', count: 1 },
        ]);
        expect(await repo.logs.dailyStats({ ...range, namespace: 'company', minLevel: 'INFO' })).toEqual([
          { date: '2024-05-01', level: 'INFO', count: 2 },
          { date: '2024-05-02', level: 'WARN', count: 1 },
          { date: '2024-05-02', level: 'ERROR', count: 1 },
        ]);
        expect(await repo.logs.dailyStats({ ...range, namespace: 'company.team', flowId: 'hello', minLevel: 'WARN' })).toEqual([{ date: '2024-05-02', level: 'ERROR', count: 1 }]);
      });

      it('follows with an afterSeq cursor', async () => {
        await repo.logs.append([log('one', 'INFO'), log('two', 'INFO')]);
        const first = await repo.logs.search({ executionId: 'e1' });
        const cursor = first.results[first.results.length - 1].seq;
        expect(first.results[0].seq).toBeLessThan(cursor);
        await repo.logs.append([log('three', 'INFO')]);
        const next = await repo.logs.search({ executionId: 'e1', afterSeq: cursor });
        expect(next.results.map((l) => l.message)).toEqual(['three']);
      });

      it('a follower gets an entry written late (stamped before entries it already read) once, and nothing twice', async () => {
        const follower = new LogFollower(repo.logs, { executionId: 'e1' });
        await repo.logs.append([log('early', 'INFO', { timestamp: '2024-05-01T10:00:01.000Z' }), log('later', 'INFO', { timestamp: '2024-05-01T10:00:09.000Z' })]);
        expect((await follower.next()).map((l) => l.message)).toEqual(['early', 'later']);
        // Written now, stamped between the two: another worker's entry that reached the repository behind them.
        await repo.logs.append([log('late', 'INFO', { timestamp: '2024-05-01T10:00:05.000Z' })]);
        expect((await follower.next()).map((l) => l.message)).toEqual(['late']);
        expect(await follower.next()).toEqual([]);
        await repo.logs.append([log('last', 'INFO', { timestamp: '2024-05-01T10:00:10.000Z' }), log('other execution', 'INFO', { executionId: 'e2' })]);
        expect((await follower.next()).map((l) => l.message)).toEqual(['last']);
      });

      it('deletes the logs of one execution', async () => {
        await repo.logs.append([log('a', 'INFO'), log('b', 'INFO'), log('c', 'INFO', { executionId: 'e2' })]);
        expect(await repo.logs.deleteByExecution('e1')).toBe(2);
        expect((await repo.logs.search({})).results.map((l) => l.message)).toEqual(['c']);
      });

      it('purges the logs matching every criterion: namespace with children, or exactly with a flow, execution, levels and dates', async () => {
        const at = (second: number) => `2024-05-01T10:00:${String(second).padStart(2, '0')}.000Z`;
        await repo.logs.append([
          log('old info', 'INFO', { timestamp: at(1) }),
          log('old error', 'ERROR', { timestamp: at(2) }),
          log('child flow', 'INFO', { timestamp: at(3), namespace: 'company.team.sub', flowId: 'f2', executionId: 'e2' }),
          log('sibling', 'INFO', { timestamp: at(4), namespace: 'company.teamx', executionId: 'e3' }),
          log('recent', 'INFO', { timestamp: at(30) }),
          log('other flow', 'DEBUG', { timestamp: at(5), flowId: 'f3', executionId: 'e4' }),
        ]);
        const messages = async () => (await repo.logs.search({})).results.map((l) => l.message).sort();
        expect(await repo.logs.purge({ namespace: 'company.team', flowId: 'f3', endDate: at(20) })).toBe(1);
        expect(await repo.logs.purge({ namespace: 'company.team', levels: ['INFO', 'WARN'], startDate: at(2), endDate: at(20) })).toBe(1);
        expect(await messages()).toEqual(['old error', 'old info', 'recent', 'sibling']);
        expect(await repo.logs.purge({ executionId: 'e1', levels: ['ERROR'], endDate: at(20) })).toBe(1);
        expect(await repo.logs.purge({ namespace: 'company.team', endDate: at(20) })).toBe(1);
        expect(await messages()).toEqual(['recent', 'sibling']);
      });

      it("deletes an execution's logs narrowed to a task, task run, attempt or levels, and a flow's or one trigger's", async () => {
        await repo.logs.append([
          log('t1 info', 'INFO'),
          log('t1 error', 'ERROR'),
          log('t1 attempt 2', 'INFO', { attemptNumber: 2 }),
          log('t2 warn', 'WARN', { taskId: 't2', taskRunId: 'tr2' }),
          log('e2', 'ERROR', { executionId: 'e2' }),
          log('trigger a', 'INFO', { executionId: 'e3', triggerId: 'a' }),
          log('trigger b', 'INFO', { executionId: 'e3', triggerId: 'b' }),
          log('other flow', 'INFO', { executionId: 'e4', flowId: 'other' }),
        ]);
        const left = async () => (await repo.logs.search({})).results.map((l) => l.message).sort();
        expect(await repo.logs.deleteByQuery({ executionId: 'e1', minLevel: 'WARN' })).toBe(2);
        expect(await left()).not.toContain('t1 error');
        expect(await left()).not.toContain('t2 warn');
        expect(await repo.logs.deleteByQuery({ executionId: 'e1', taskId: 't1', attempt: 2 })).toBe(1);
        expect(await repo.logs.deleteByQuery({ executionId: 'e1', taskRunId: 'nope' })).toBe(0);
        expect(await repo.logs.deleteByQuery({ namespace: 'company.team', flowId: 'hello', triggerId: 'a' })).toBe(1);
        expect(await left()).toEqual(['e2', 'other flow', 't1 info', 'trigger b']);
        // A namespace is matched exactly: a flow of a child namespace with the same id keeps its logs.
        expect(await repo.logs.deleteByQuery({ namespace: 'company', flowId: 'hello' })).toBe(0);
        expect(await repo.logs.deleteByQuery({ namespace: 'company.team', flowId: 'hello' })).toBe(3);
        expect(await left()).toEqual(['other flow']);
      });
    });

    describe('search filters (filters[field][OPERATION]=value)', () => {
      const f = (field: QueryFilter['field'], operation: QueryFilter['operation'], ...values: string[]): QueryFilter => ({ field, operation, values });
      const labels = (operation: QueryFilter['operation'], ...pairs: [string, string][]): QueryFilter => ({
        field: 'labels',
        operation,
        values: [],
        labels: pairs.map(([key, value]) => ({ key, value })),
      });

      it('filters flows by namespace and flow id with every text operation, in the query (paging and totals count matches only)', async () => {
        await repo.flows.save(testFlow('a', 'one'), 'a1');
        await repo.flows.save(testFlow('a.b', 'two'), 'a2');
        await repo.flows.save(testFlow('ab', 'three'), 'a3');
        await repo.flows.save(testFlow('system', 'Purge'), 's1');
        await repo.flows.save(testFlow('x.a', 'one-more'), 'x1');
        const ids = async (...filters: QueryFilter[]) => (await repo.flows.search({ filters, sort: 'id:asc', size: 100 })).results.map((x) => `${x.namespace}/${x.id}`);

        expect(await ids(f('namespace', 'EQUALS', 'a'))).toEqual(['a/one']);
        expect(await ids(f('namespace', 'NOT_EQUALS', 'a'))).toEqual(['system/Purge', 'x.a/one-more', 'ab/three', 'a.b/two']);
        expect(await ids(f('namespace', 'PREFIX', 'a'))).toEqual(['a/one', 'a.b/two']);
        expect(await ids(f('namespace', 'STARTS_WITH', 'a'))).toEqual(['a/one', 'ab/three', 'a.b/two']);
        expect(await ids(f('namespace', 'ENDS_WITH', '.a'))).toEqual(['x.a/one-more']);
        expect(await ids(f('namespace', 'CONTAINS', '.'))).toEqual(['x.a/one-more', 'a.b/two']);
        expect(await ids(f('namespace', 'IN', 'a', 'ab'))).toEqual(['a/one', 'ab/three']);
        expect(await ids(f('namespace', 'NOT_IN', 'a', 'ab', 'system'))).toEqual(['x.a/one-more', 'a.b/two']);
        expect(await ids(f('namespace', 'REGEX', '^a\\.'))).toEqual(['a.b/two']);
        expect(await ids(f('namespace', 'REGEX', 'b$'))).toEqual(['ab/three', 'a.b/two']);
        expect(await ids(f('flowId', 'STARTS_WITH', 'one'))).toEqual(['a/one', 'x.a/one-more']);
        // Text operations compare case-sensitively; only q ignores case.
        expect(await ids(f('flowId', 'CONTAINS', 'purge'))).toEqual([]);
        expect(await ids(f('q', 'EQUALS', 'PURGE'))).toEqual(['system/Purge']);
        expect(await ids(f('q', 'NOT_EQUALS', 'o'))).toEqual(['system/Purge', 'ab/three']);
        expect(await ids(f('scope', 'EQUALS', 'SYSTEM'))).toEqual(['system/Purge']);
        expect((await ids(f('scope', 'EQUALS', 'USER'))).length).toBe(4);
        expect(await ids(f('scope', 'NOT_EQUALS', 'USER'))).toEqual(['system/Purge']);
        // Filters are AND-ed with each other and with the simple criteria.
        expect(await ids(f('namespace', 'STARTS_WITH', 'a'), f('flowId', 'ENDS_WITH', 'o'))).toEqual(['a.b/two']);
        expect((await repo.flows.search({ namespace: 'a', filters: [f('flowId', 'EQUALS', 'two')] })).results.map((x) => x.id)).toEqual(['two']);

        const page = await repo.flows.search({ filters: [f('namespace', 'STARTS_WITH', 'a')], sort: 'id:asc', size: 2, page: 2 });
        expect(page.total).toBe(3);
        expect(page.results.map((x) => x.id)).toEqual(['two']);
      });

      it('filters flows and executions by labels: EQUALS all, IN any, NOT_EQUALS and NOT_IN none, CONTAINS in a key or value', async () => {
        await repo.flows.save(testFlow('n', 'prod-data', [{ key: 'env', value: 'prod' }, { key: 'team', value: 'data' }]), '1');
        await repo.flows.save(testFlow('n', 'prod-web', [{ key: 'env', value: 'prod' }, { key: 'team', value: 'Web' }]), '2');
        await repo.flows.save(testFlow('n', 'dev', [{ key: 'env', value: 'dev' }]), '3');
        await repo.flows.save(testFlow('n', 'none'), '4');
        const ids = async (filter: QueryFilter) => (await repo.flows.search({ filters: [filter], sort: 'id:asc' })).results.map((x) => x.id);

        expect(await ids(labels('EQUALS', ['env', 'prod'], ['team', 'data']))).toEqual(['prod-data']);
        expect(await ids(labels('IN', ['team', 'data'], ['env', 'dev']))).toEqual(['dev', 'prod-data']);
        expect(await ids(labels('NOT_EQUALS', ['env', 'prod']))).toEqual(['dev', 'none']);
        expect(await ids(labels('NOT_IN', ['env', 'dev'], ['team', 'data']))).toEqual(['none', 'prod-web']);
        expect(await ids(f('labels', 'CONTAINS', 'web'))).toEqual(['prod-web']);
        expect(await ids(f('labels', 'CONTAINS', 'TEA'))).toEqual(['prod-data', 'prod-web']);
        // The text is looked for in keys and values, never in the syntax around them.
        expect(await ids(f('labels', 'CONTAINS', '","'))).toEqual([]);

        await subject.writeExecution(testExecution('e1', { labels: [{ key: 'env', value: 'prod' }] }));
        await subject.writeExecution(testExecution('e2', { labels: [{ key: 'env', value: 'dev' }] }));
        const executions = async (filter: QueryFilter) => (await repo.executions.search({ filters: [filter], sort: 'id:asc' })).results.map((x) => x.id);
        expect(await executions(labels('EQUALS', ['env', 'prod']))).toEqual(['e1']);
        expect(await executions(labels('NOT_IN', ['env', 'prod']))).toEqual(['e2']);
        expect(await executions(f('labels', 'CONTAINS', 'de'))).toEqual(['e2']);
      });

      it('filters executions by state, dates, parent, child filter, kind and text', async () => {
        await subject.writeExecution(testExecution('a', { flowId: 'f1', state: 'SUCCESS', startDate: '2024-05-01T10:00:00.000Z' }));
        await subject.writeExecution(testExecution('b', { flowId: 'f2', state: 'FAILED', startDate: '2024-05-02T10:00:00.000Z' }));
        await subject.writeExecution(testExecution('c', { flowId: 'f1', state: 'RUNNING', startDate: '2024-05-03T10:00:00.000Z', parent: 'a' }));
        const ids = async (...filters: QueryFilter[]) => (await repo.executions.search({ filters, sort: 'state.startDate:asc' })).results.map((x) => x.id);

        expect(await ids(f('state', 'EQUALS', 'FAILED'))).toEqual(['b']);
        expect(await ids(f('state', 'IN', 'FAILED', 'SUCCESS'))).toEqual(['a', 'b']);
        expect(await ids(f('state', 'NOT_IN', 'FAILED', 'SUCCESS'))).toEqual(['c']);
        expect(await ids(f('state', 'NOT_EQUALS', 'RUNNING'))).toEqual(['a', 'b']);
        expect(await ids(f('startDate', 'GREATER_THAN', '2024-05-02T10:00:00.000Z'))).toEqual(['c']);
        expect(await ids(f('startDate', 'GREATER_THAN_OR_EQUAL_TO', '2024-05-02T10:00:00.000Z'))).toEqual(['b', 'c']);
        expect(await ids(f('endDate', 'LESS_THAN', '2024-05-02T10:00:00.000Z'))).toEqual(['a']);
        expect(await ids(f('endDate', 'LESS_THAN_OR_EQUAL_TO', '2024-05-02T10:00:00.000Z'))).toEqual(['a', 'b']);
        expect(await ids(f('startDate', 'EQUALS', '2024-05-02T10:00:00.000Z'))).toEqual(['b']);
        expect(await ids(f('startDate', 'NOT_EQUALS', '2024-05-02T10:00:00.000Z'))).toEqual(['a', 'c']);
        expect(await ids(f('triggerExecutionId', 'EQUALS', 'a'))).toEqual(['c']);
        // Executions without a parent match every negated parent filter.
        expect(await ids(f('triggerExecutionId', 'NOT_EQUALS', 'a'))).toEqual(['a', 'b']);
        expect(await ids(f('triggerExecutionId', 'STARTS_WITH', 'a'))).toEqual(['c']);
        expect(await ids(f('childFilter', 'EQUALS', 'CHILD'))).toEqual(['c']);
        expect(await ids(f('childFilter', 'EQUALS', 'MAIN'))).toEqual(['a', 'b']);
        expect(await ids(f('childFilter', 'NOT_EQUALS', 'CHILD'))).toEqual(['a', 'b']);
        expect(await ids(f('kind', 'EQUALS', 'NORMAL'))).toEqual(['a', 'b', 'c']);
        expect(await ids(f('kind', 'IN', 'TEST', 'PLAYGROUND'))).toEqual([]);
        expect(await ids(f('flowId', 'IN', 'f2'))).toEqual(['b']);
        expect(await ids(f('q', 'EQUALS', 'F2'))).toEqual(['b']);
        const page = await repo.executions.search({ filters: [f('flowId', 'EQUALS', 'f1')], size: 1 });
        expect(page.total).toBe(2);
        expect(page.results.map((x) => x.id)).toEqual(['c']);
      });

      it('filters task runs by state, dates, execution, flow and text', async () => {
        const a = testExecution('a', { namespace: 'company.team', flowId: 'f1', taskRuns: 2, startDate: '2024-05-01T10:00:00.000Z' });
        a.taskRunList[1] = { ...a.taskRunList[1], state: { ...a.taskRunList[1].state, current: 'FAILED' } };
        const b = testExecution('b', { namespace: 'other', flowId: 'f2', taskRuns: 1, startDate: '2024-05-02T10:00:00.000Z' });
        await subject.writeExecution(a);
        await subject.writeExecution(b);
        const ids = async (...filters: QueryFilter[]) => (await repo.taskRuns.search({ filters })).results.map((t) => t.id).sort();

        expect(await ids(f('state', 'EQUALS', 'FAILED'))).toEqual(['a-tr1']);
        expect(await ids(f('executionId', 'NOT_EQUALS', 'a'))).toEqual(['b-tr0']);
        expect(await ids(f('namespace', 'PREFIX', 'company'))).toEqual(['a-tr0', 'a-tr1']);
        expect(await ids(f('startDate', 'GREATER_THAN', '2024-05-01T10:00:00.000Z'))).toEqual(['b-tr0']);
        expect(await ids(f('q', 'EQUALS', 'TASK1'))).toEqual(['a-tr1']);
        expect(await ids(f('flowId', 'EQUALS', 'f1'), f('state', 'NOT_IN', 'FAILED'))).toEqual(['a-tr0']);
      });

      it('filters logs by minimum level, trigger, execution, dates and text', async () => {
        const entry = (message: string, level: LogEntry['level'], extra: Partial<LogEntry> = {}): LogEntry => ({
          namespace: 'company.team',
          flowId: 'hello',
          executionId: 'e1',
          timestamp: '2024-05-01T10:00:00.000Z',
          level,
          message,
          ...extra,
        });
        await repo.logs.append([
          entry('debugging', 'DEBUG'),
          entry('informing', 'INFO', { timestamp: '2024-05-01T11:00:00.000Z' }),
          entry('warning', 'WARN', { executionId: 'e2', triggerId: 'every-minute', timestamp: '2024-05-01T12:00:00.000Z' }),
        ]);
        const messages = async (...filters: QueryFilter[]) => (await repo.logs.search({ filters })).results.map((l) => l.message);

        expect(await messages(f('level', 'EQUALS', 'INFO'))).toEqual(['informing', 'warning']);
        expect(await messages(f('level', 'NOT_EQUALS', 'INFO'))).toEqual(['debugging']);
        expect(await messages(f('triggerId', 'EQUALS', 'every-minute'))).toEqual(['warning']);
        expect(await messages(f('triggerId', 'NOT_EQUALS', 'every-minute'))).toEqual(['debugging', 'informing']);
        expect(await messages(f('executionId', 'IN', 'e2'))).toEqual(['warning']);
        expect(await messages(f('startDate', 'GREATER_THAN_OR_EQUAL_TO', '2024-05-01T11:00:00.000Z'), f('endDate', 'LESS_THAN', '2024-05-01T12:00:00.000Z'))).toEqual(['informing']);
        expect(await messages(f('q', 'EQUALS', 'WARN'))).toEqual(['warning']);
        expect(await messages(f('q', 'NOT_EQUALS', 'ing'))).toEqual([]);
      });

      it('refuses a filter the resource does not take, or an operation its field does not take, naming it', async () => {
        await expect(repo.flows.search({ filters: [f('state', 'EQUALS', 'FAILED')] })).rejects.toThrow(/filters\[state\]\[EQUALS\]/);
        await expect(repo.taskRuns.search({ filters: [f('level', 'EQUALS', 'INFO')] })).rejects.toThrow(/filters\[level\]\[EQUALS\]/);
        await expect(repo.executions.search({ filters: [f('namespace', 'GREATER_THAN', 'a')] })).rejects.toThrow(/namespace takes no GREATER_THAN/);
        await expect(repo.logs.search({ filters: [f('level', 'EQUALS', 'LOUD')] })).rejects.toThrow(/"LOUD" is not one of/);
      });

      it('refuses a regular expression the server cannot read as a bad query, never failing otherwise', async () => {
        await repo.flows.save(testFlow('a', 'one'), 'a1');
        // Valid JavaScript, which PostgreSQL (no named groups) and Lucene refuse; the others read it.
        for (const pattern of ['(?<n>o)ne', 'o{2,1}', '[[:alpha:]]+']) {
          for (const search of [
            () => repo.flows.search({ filters: [f('flowId', 'REGEX', pattern)] }),
            () => repo.executions.search({ filters: [f('namespace', 'REGEX', pattern)] }),
            () => repo.taskRuns.search({ filters: [f('flowId', 'REGEX', pattern)] }),
            () => repo.logs.search({ filters: [f('namespace', 'REGEX', pattern)] }),
          ]) {
            const outcome = await search().then(
              () => 'answered',
              (error: Error) => (error instanceof InvalidQueryError && /filters\[\w+\]\[REGEX\]/.test(error.message) ? 'refused' : `failed: ${error.name} ${error.message}`),
            );
            expect({ pattern, outcome }).toEqual({ pattern, outcome: expect.stringMatching(/^(answered|refused)$/) });
          }
        }
      });

      it('refuses a page whose offset is not an exact integer instead of failing in the server', async () => {
        await expect(repo.flows.search({ page: 3120706835617932288 })).rejects.toThrow(/page/);
        await expect(repo.executions.search({ page: Number.MAX_SAFE_INTEGER, size: 10 })).rejects.toThrow(/page must be at most/);
      });
    });

    describe('triggers', () => {
      const trigger = (triggerId: string, nextDate?: string, extra: Partial<TriggerState> = {}): TriggerState => ({
        namespace: 'company.team',
        flowId: 'hello',
        triggerId,
        nextDate,
        disabled: false,
        updated: '2024-05-01T00:00:00.000Z',
        ...extra,
      });
      const now = new Date('2024-05-01T12:00:00.000Z');

      it('saves, gets, lists and deletes trigger states', async () => {
        const state = trigger('t1', '2024-05-01T11:00:00.000Z', { lastDate: '2024-05-01T10:00:00.000Z', backfill: { start: '2024-04-01T00:00:00Z', current: '2024-04-02T00:00:00Z', paused: false } });
        await repo.triggers.save(state);
        await repo.triggers.save(trigger('t2'));
        await repo.triggers.save({ ...trigger('t3'), flowId: 'other' });
        expect(await repo.triggers.get('company.team', 'hello', 't1')).toEqual(state);
        expect((await repo.triggers.list({ flowId: 'hello' })).map((t) => t.triggerId)).toEqual(['t1', 't2']);
        expect((await repo.triggers.list()).length).toBe(3);
        await repo.triggers.delete('company.team', 'hello', 't1');
        expect(await repo.triggers.get('company.team', 'hello', 't1')).toBeNull();
        await repo.triggers.delete('company.team', 'hello');
        expect((await repo.triggers.list()).map((t) => t.triggerId)).toEqual(['t3']);
      });

      it('creates a trigger state only when it does not exist yet', async () => {
        await repo.triggers.create(trigger('t1', '2024-05-01T11:00:00.000Z'));
        await repo.triggers.create(trigger('t1', '2024-05-01T09:00:00.000Z'));
        expect((await repo.triggers.get('company.team', 'hello', 't1'))?.nextDate).toBe('2024-05-01T11:00:00.000Z');
        await Promise.all([repo.triggers.create(trigger('t2', '2024-05-01T10:00:00.000Z')), repo.triggers.create(trigger('t2', '2024-05-01T08:00:00.000Z'))]);
        expect((await repo.triggers.list()).filter((t) => t.triggerId === 't2')).toHaveLength(1);
      });

      it('leases due triggers to one owner at a time', async () => {
        await repo.triggers.save(trigger('due', '2024-05-01T11:59:00.000Z'));
        await repo.triggers.save(trigger('later', '2024-05-01T13:00:00.000Z'));
        await repo.triggers.save(trigger('off', '2024-05-01T11:00:00.000Z', { disabled: true }));
        const [a, b] = await Promise.all([repo.triggers.acquire('a', 10, 60_000, now), repo.triggers.acquire('b', 10, 60_000, now)]);
        const owned = [...a.map((t) => `a:${t.triggerId}`), ...b.map((t) => `b:${t.triggerId}`)];
        expect(owned).toHaveLength(1);
        expect(owned[0]).toMatch(/:due$/);
        const holder = a.length ? 'a' : 'b';
        expect(await repo.triggers.get('company.team', 'hello', 'due')).toMatchObject({ owner: holder, ownerUntil: now.getTime() + 60_000 });
      });

      it('never hands one trigger to two of many competing owners', async () => {
        for (let i = 0; i < 20; i++) await repo.triggers.save(trigger(`t${i}`, '2024-05-01T11:00:00.000Z'));
        const results = await Promise.all(['a', 'b', 'c', 'd'].map((owner) => repo.triggers.acquire(owner, 7, 60_000, now)));
        const ids = results.flat().map((t) => t.triggerId);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids.length).toBe(20);
      });

      it('lets another owner take a trigger whose lease expired', async () => {
        await repo.triggers.save(trigger('t1', '2024-05-01T11:00:00.000Z'));
        expect(await repo.triggers.acquire('a', 10, 1000, now)).toHaveLength(1);
        expect(await repo.triggers.acquire('b', 10, 1000, new Date(now.getTime() + 500))).toHaveLength(0);
        const taken = await repo.triggers.acquire('b', 10, 1000, new Date(now.getTime() + 1001));
        expect(taken.map((t) => t.owner)).toEqual(['b']);
        // The former owner lost it: its release is refused and stores nothing.
        expect(await repo.triggers.release('a', { ...taken[0]!, nextDate: '2030-01-01T00:00:00.000Z' }, taken[0]!)).toBe(false);
        expect((await repo.triggers.get('company.team', 'hello', 't1'))?.nextDate).toBe('2024-05-01T11:00:00.000Z');
      });

      it('stores the evaluated state on release and frees the trigger', async () => {
        await repo.triggers.save(trigger('t1', '2024-05-01T11:00:00.000Z'));
        const [held] = await repo.triggers.acquire('a', 10, 60_000, now);
        const evaluated: TriggerState = { ...held, owner: undefined, ownerUntil: undefined, lastDate: held.nextDate, nextDate: '2024-05-01T11:30:00.000Z', executionId: 'e1' };
        expect(await repo.triggers.release('a', evaluated, held!)).toBe(true);
        const stored = await repo.triggers.get('company.team', 'hello', 't1');
        expect(stored).toMatchObject({ lastDate: '2024-05-01T11:00:00.000Z', nextDate: '2024-05-01T11:30:00.000Z', executionId: 'e1' });
        expect(stored?.owner).toBeUndefined();
        expect((await repo.triggers.acquire('b', 10, 60_000, now)).map((t) => t.owner)).toEqual(['b']);
      });

      it('keeps on release what the API changed while a scheduler held the trigger', async () => {
        await repo.triggers.save(trigger('t1', '2024-05-01T11:00:00.000Z'));
        const [held] = await repo.triggers.acquire('a', 10, 60_000, now);
        // The API disables the trigger and starts a backfill while scheduler 'a' evaluates it.
        const backfill = { start: '2024-04-01T00:00:00.000Z', end: '2024-04-02T00:00:00.000Z', current: '2024-04-01T00:00:00.000Z', paused: false };
        await repo.triggers.save({ ...held!, owner: undefined, ownerUntil: undefined, disabled: true, backfill, nextDate: '2024-05-01T11:59:00.000Z', updated: '2024-05-01T12:00:01.000Z' });
        const evaluated: TriggerState = { ...held!, owner: undefined, ownerUntil: undefined, lastDate: held!.nextDate, nextDate: '2024-05-01T13:00:00.000Z', executionId: 'e1', updated: '2024-05-01T12:00:02.000Z' };
        expect(await repo.triggers.release('a', evaluated, held!)).toBe(true);
        const stored = await repo.triggers.get('company.team', 'hello', 't1');
        expect(stored).toMatchObject({ disabled: true, backfill, nextDate: '2024-05-01T11:59:00.000Z', lastDate: '2024-05-01T11:00:00.000Z', executionId: 'e1', updated: '2024-05-01T12:00:02.000Z' });
        expect(stored?.owner).toBeUndefined();
        // A disabled trigger is not acquired again.
        expect(await repo.triggers.acquire('b', 10, 60_000, new Date(now.getTime() + 1000))).toEqual([]);
      });

      it('keeps a backfill paused through the API and the progress its scheduler made', async () => {
        const backfill = { start: '2024-04-01T00:00:00.000Z', end: '2024-04-02T00:00:00.000Z', current: '2024-04-01T00:00:00.000Z', paused: false };
        await repo.triggers.save({ ...trigger('t1', '2024-05-01T11:00:00.000Z'), backfill });
        const [held] = await repo.triggers.acquire('a', 10, 60_000, now);
        await repo.triggers.save({ ...held!, owner: undefined, ownerUntil: undefined, backfill: { ...backfill, paused: true } });
        expect(await repo.triggers.release('a', { ...held!, owner: undefined, ownerUntil: undefined, backfill: { ...backfill, current: '2024-04-01T10:00:00.000Z' } }, held!)).toBe(true);
        expect((await repo.triggers.get('company.team', 'hello', 't1'))?.backfill).toEqual({ ...backfill, paused: true, current: '2024-04-01T10:00:00.000Z' });
      });

      it('keeps the lease on release when asked and does not lose ownership on save', async () => {
        await repo.triggers.save(trigger('t1', '2024-05-01T11:00:00.000Z'));
        const [held] = await repo.triggers.acquire('a', 10, 60_000, now);
        expect(await repo.triggers.release('a', { ...held!, ownerUntil: now.getTime() + 120_000 }, held!)).toBe(true);
        await repo.triggers.save({ ...held, owner: undefined, ownerUntil: undefined, disabled: false });
        expect(await repo.triggers.acquire('b', 10, 60_000, new Date(now.getTime() + 90_000))).toEqual([]);
        expect((await repo.triggers.get('company.team', 'hello', 't1'))?.owner).toBe('a');
      });

      it('unlock drops the lease and the running execution whoever holds them', async () => {
        await repo.triggers.save({ ...trigger('t1', '2024-05-01T11:00:00.000Z'), executionId: 'e1' });
        await repo.triggers.acquire('a', 10, 60_000, now);
        expect(await repo.triggers.unlock('company.team', 'hello', 't1')).toBe(true);
        const state = await repo.triggers.get('company.team', 'hello', 't1');
        expect(state?.owner).toBeUndefined();
        expect(state?.executionId).toBeUndefined();
        expect(state?.nextDate).toBe('2024-05-01T11:00:00.000Z');
        expect((await repo.triggers.acquire('b', 10, 60_000, now)).map((t) => t.owner)).toEqual(['b']);
        expect(await repo.triggers.unlock('company.team', 'hello', 'missing')).toBe(false);
      });
    });

    describe('key-value store', () => {
      it('sets, gets, lists and deletes values of any JSON type', async () => {
        await repo.kv.set('company.team', 'b', { nested: [1, 'x', null] });
        await repo.kv.set('company.team', 'a', 'text');
        await repo.kv.set('company.team', 'c', 42);
        await repo.kv.set('other', 'a', true);
        await repo.kv.set('company.team', 'c', 43);
        expect((await repo.kv.get('company.team', 'b'))?.value).toEqual({ nested: [1, 'x', null] });
        expect((await repo.kv.list('company.team')).map((e) => [e.key, e.value])).toEqual([['a', 'text'], ['b', { nested: [1, 'x', null] }], ['c', 43]]);
        expect(await repo.kv.delete('company.team', 'a')).toBe(true);
        expect(await repo.kv.delete('company.team', 'a')).toBe(false);
        expect(await repo.kv.get('company.team', 'a')).toBeNull();
        expect((await repo.kv.get('other', 'a'))?.value).toBe(true);
      });

      it('expires entries after their TTL', async () => {
        // 2 s: long enough to read the entry back before it expires on a loaded machine (150 ms was not).
        await repo.kv.set('ns', 'short', 1, 2_000);
        await repo.kv.set('ns', 'long', 2, 60_000);
        const short = await repo.kv.get('ns', 'short');
        expect(short?.value).toBe(1);
        const expiresAt = Date.parse(short!.expiresAt!);
        expect(expiresAt).toBeGreaterThan(Date.now());
        await sleep(expiresAt - Date.now() + 100);
        expect(await repo.kv.get('ns', 'short')).toBeNull();
        expect((await repo.kv.list('ns')).map((e) => e.key)).toEqual(['long']);
      });

      it('purges named keys of one namespace, expired ones only when asked, and lists every namespace and entry', async () => {
        await repo.kv.set('company.team', 'gone', 1, 1);
        await repo.kv.set('company.team', 'live', 2, 60_000);
        await repo.kv.set('company.team', 'forever', 3);
        await repo.kv.set('other', 'gone', 4, 1);
        const expiredAt = new Date(Date.parse((await repo.kv.listAll('company.team')).find((e) => e.key === 'gone')!.expiresAt!) + 1);
        while (Date.now() <= expiredAt.getTime()) await sleep(5);
        expect(await repo.kv.namespaces()).toEqual(['company.team', 'other']);
        expect((await repo.kv.listAll('company.team')).map((e) => e.key)).toEqual(['forever', 'gone', 'live']);
        expect(await repo.kv.purge('company.team', ['gone', 'live', 'forever'], expiredAt)).toBe(1);
        expect((await repo.kv.listAll('company.team')).map((e) => e.key)).toEqual(['forever', 'live']);
        expect((await repo.kv.listAll('other')).map((e) => e.key)).toEqual(['gone']);
        expect(await repo.kv.purge('company.team', ['live', 'missing'])).toBe(1);
        expect(await repo.kv.purge('company.team', [])).toBe(0);
        expect((await repo.kv.listAll('company.team')).map((e) => e.key)).toEqual(['forever']);
      });
    });

    describe('service instances', () => {
      it('records heartbeats and reaps instances that stopped beating', async () => {
        const base = { hostname: 'host', pid: 1, startedAt: '2024-05-01T10:00:00.000Z', state: 'RUNNING' as const };
        await repo.instances.heartbeat({ ...base, id: 'w1', type: 'WORKER', heartbeatAt: '2024-05-01T10:00:00.000Z' });
        await repo.instances.heartbeat({ ...base, id: 'w2', type: 'WORKER', heartbeatAt: '2024-05-01T10:00:00.000Z' });
        await repo.instances.heartbeat({ ...base, id: 'w2', type: 'WORKER', heartbeatAt: '2024-05-01T10:00:50.000Z' });
        await repo.instances.heartbeat({ ...base, id: 'e1', type: 'EXECUTOR', heartbeatAt: '2024-05-01T10:00:00.000Z', state: 'STOPPED' });
        expect((await repo.instances.list()).map((i) => i.id).sort()).toEqual(['e1', 'w1', 'w2']);
        const now = new Date('2024-05-01T10:01:00.000Z');
        const dead = await repo.instances.reapDead(30_000, now);
        expect(dead.map((i) => [i.id, i.state])).toEqual([['w1', 'DEAD']]);
        expect(await repo.instances.reapDead(30_000, now)).toEqual([]);
        const listed = await repo.instances.list();
        expect(listed.find((i) => i.id === 'w1')?.state).toBe('DEAD');
        expect(listed.find((i) => i.id === 'w2')?.state).toBe('RUNNING');
      });
    });
  });
}
