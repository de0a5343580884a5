/// <reference types="jest" />
import { conditionWindowInboxKey, conditionWindowKey, type ConditionWindow, type ConditionWindowWrite, type Execution } from '@osprey/flow-model';
import { ConditionWindowConflictError, VersionConflictError, type Closable, type ExecutorCommit } from '../ports.js';
import { markerOf, preconditionResultEvent, queueTestExecution, queueTestJob, queueTestTaskRun, resumeEvent, sleep, type QueueUnderTest } from './queue-fixtures.js';

/** The guarantees of ExecutorStore: one decision is written all or nothing, under an optimistic version check. */
export function executorStoreContract(name: string, open: () => Promise<Pick<QueueUnderTest, 'store' | 'events' | 'jobs'> & Closable>): void {
  describe(`ExecutorStore contract: ${name}`, () => {
    let queue: Pick<QueueUnderTest, 'store' | 'events' | 'jobs'> & Closable;
    beforeEach(async () => {
      queue = await open();
    });
    afterEach(async () => {
      await queue.close();
    });

    const decision = (execution: Execution, expectedVersion: number, extra: Partial<ExecutorCommit> = {}): ExecutorCommit => ({
      execution,
      expectedVersion,
      changedTaskRuns: execution.taskRunList,
      jobs: [],
      events: [],
      consumed: [],
      cancelJobs: [],
      ...extra,
    });

    it('creates an execution and loads it back with its task runs', async () => {
      const execution = queueTestExecution('e1', ['tr1', 'tr2']);
      await queue.store.commit('x', decision(execution, 0));
      expect(await queue.store.load('e1')).toEqual(execution);
      expect(await queue.store.load('missing')).toBeNull();
    });

    it('updates only the changed task runs and keeps the others as stored', async () => {
      const execution = queueTestExecution('e1', ['tr1', 'tr2']);
      await queue.store.commit('x', decision(execution, 0));
      const tr2 = { ...execution.taskRunList[1], state: { ...execution.taskRunList[1].state, current: 'RUNNING' as const } };
      const tr3 = queueTestTaskRun('e1', 'tr3');
      const next: Execution = { ...execution, version: 2, taskRunList: [execution.taskRunList[0], tr2, tr3] };
      await queue.store.commit('x', decision(next, 1, { changedTaskRuns: [tr3, tr2] }));
      expect(await queue.store.load('e1')).toEqual(next);
    });

    it('rejects a stale version with VersionConflictError and writes nothing', async () => {
      await queue.events.emit([resumeEvent('e1', 'a')]);
      const claimed = await queue.events.claim('x', 10, 10_000);
      const execution = queueTestExecution('e1', ['tr1']);
      await queue.store.commit('other', decision(execution, 0));

      const stale = decision({ ...queueTestExecution('e1', ['tr1', 'tr2']), version: 2 }, 5, {
        jobs: [queueTestJob('e1', 'tr2')],
        events: [resumeEvent('e1', 'should-not-exist')],
        consumed: claimed.map((c) => c.seq),
      });
      const error = await queue.store.commit('x', stale).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(VersionConflictError);
      expect(error).toMatchObject({ executionId: 'e1', expected: 5, actual: 1 });
      await expect(queue.store.commit('x', decision(execution, 0))).rejects.toBeInstanceOf(VersionConflictError);
      await expect(queue.store.commit('x', decision({ ...execution, id: 'new' }, 3))).rejects.toBeInstanceOf(VersionConflictError);

      expect(await queue.store.load('e1')).toEqual(execution);
      expect(await queue.store.load('new')).toBeNull();
      expect(await queue.jobs.depth()).toEqual({ pending: 0, running: 0 });
      expect(await queue.events.depth()).toBe(1);
      // The claim was not released either: another consumer still cannot take the execution.
      expect(await queue.events.claim('y', 10, 10_000)).toEqual([]);
    });

    it('writes jobs and events, consumes the claimed events and frees the execution, in one commit', async () => {
      await queue.events.emit([resumeEvent('e1', 'a'), resumeEvent('e1', 'b')]);
      const claimed = await queue.events.claim('x', 10, 10_000);
      await queue.events.emit([resumeEvent('e1', 'arrived-meanwhile')]);
      const execution = queueTestExecution('e1', ['tr1']);
      const job = queueTestJob('e1', 'tr1');
      // Far enough ahead that a loaded machine does not reach it before the first claim below.
      const retryAt = Date.now() + 3000;
      await queue.store.commit(
        'x',
        decision(execution, 0, {
          jobs: [job],
          events: [resumeEvent('child', 'started'), resumeEvent('e1', 'retry', new Date(retryAt).toISOString())],
          consumed: claimed.map((c) => c.seq),
        }),
      );
      expect(await queue.events.depth()).toBe(3);
      const [lease] = await queue.jobs.take('w1', 10, 10_000);
      expect(lease.job).toEqual(job);
      const next = await queue.events.claim('y', 10, 10_000);
      expect(next.map(markerOf).sort()).toEqual(['arrived-meanwhile', 'started']);
      await queue.events.release('y', ['e1']);
      await sleep(Math.max(0, retryAt + 50 - Date.now()));
      expect((await queue.events.claim('z', 10, 10_000)).map(markerOf)).toEqual(['arrived-meanwhile', 'retry']);
    });

    it('tells with each claimed event the version of its execution as stored', async () => {
      await queue.events.emit([resumeEvent('e1', 'before')]);
      expect((await queue.events.claim('x', 10, 60_000))[0]?.storedVersion).toBeUndefined();
      await queue.events.release('x', ['e1']);
      const claimed = await queue.events.claim('x', 10, 60_000);
      await queue.store.commit('x', decision(queueTestExecution('e1', [], 4), 0, { consumed: claimed.map((c) => c.seq) }));
      await queue.events.emit([resumeEvent('e1', 'after')]);
      const next = await queue.events.claim('y', 10, 60_000);
      expect(next.map((c) => [markerOf(c), c.storedVersion])).toEqual([['after', 4]]);
    });

    it('drops the pending delayed events of an execution that ended, and only those', async () => {
      const execution = queueTestExecution('e1');
      const later = new Date(Date.now() + 60_000).toISOString();
      await queue.store.commit('x', decision(execution, 0, { events: [resumeEvent('e1', 'timer', later), resumeEvent('e2', 'other-timer', later)] }));
      expect(await queue.events.depth()).toBe(2);
      const ended: Execution = { ...execution, version: 2, state: { ...execution.state, current: 'SUCCESS', endDate: new Date().toISOString() } };
      await queue.store.commit('x', decision(ended, 1, { changedTaskRuns: [], events: [resumeEvent('e3', 'for-another-execution')] }));
      expect(await queue.events.depth()).toBe(2);
      const claimed = await queue.events.claim('c', 10, 1000);
      expect(claimed.map((c) => markerOf(c))).toEqual(['for-another-execution']);
    });

    it('delivers, once due, a delayed start that an ended execution sent for a new one, with the execution it carries', async () => {
      // A retry in a new execution: the retried execution ends in the same commit that sends its successor.
      const execution = queueTestExecution('e1');
      await queue.store.commit('x', decision(execution, 0));
      const due = Date.now() + 300;
      const successor = queueTestExecution('e2', [], 0);
      const ended: Execution = { ...execution, version: 2, state: { ...execution.state, current: 'RETRIED', endDate: new Date().toISOString() } };
      await queue.store.commit('x', decision(ended, 1, { changedTaskRuns: [], events: [{ executionId: 'e2', event: { type: 'start' }, execution: successor, deliverAt: new Date(due).toISOString() }] }));
      let claimed: Awaited<ReturnType<typeof queue.events.claim>> = [];
      for (const until = Date.now() + 20_000; claimed.length === 0 && Date.now() < until; ) {
        claimed = await queue.events.claim('c', 10, 60_000);
        if (claimed.length === 0) await sleep(100);
      }
      expect(Date.now()).toBeGreaterThanOrEqual(due);
      expect(claimed.map((c) => [c.executionId, c.event.type, c.execution?.id])).toEqual([['e2', 'start', 'e2']]);
    }, 30_000);

    it('acknowledges events that cannot be applied and frees their execution', async () => {
      await queue.events.emit([resumeEvent('gone', 'a'), resumeEvent('gone', 'b')]);
      const claimed = await queue.events.claim('x', 10, 60_000);
      await queue.store.acknowledge('x', 'gone', claimed.map((c) => c.seq));
      expect(await queue.events.depth()).toBe(0);
      await queue.events.emit([resumeEvent('gone', 'c')]);
      expect((await queue.events.claim('y', 10, 60_000)).map((c) => markerOf(c))).toEqual(['c']);
    });

    it('removes the queued jobs of cancelled task runs', async () => {
      const execution = queueTestExecution('e1', ['tr1', 'tr2', 'tr3']);
      await queue.store.commit('x', decision(execution, 0, { jobs: [queueTestJob('e1', 'tr1'), queueTestJob('e1', 'tr2'), queueTestJob('e1', 'tr3')] }));
      const [running] = await queue.jobs.take('w1', 1, 10_000);
      await queue.store.commit('x', decision({ ...execution, version: 2 }, 1, { changedTaskRuns: [], cancelJobs: [running.job.taskRun.id, 'tr2'] }));
      const rest = await queue.jobs.take('w2', 10, 10_000);
      expect(rest.map((l) => l.job.taskRun.id)).toEqual(['tr3']);
      expect(await queue.jobs.renew('w1', [running.job.id], 10_000)).toEqual([]);
    });

    describe('precondition windows', () => {
      const window = (conditionId: string, end: number, results: Record<string, true>): ConditionWindow => ({ namespace: 'company.team', flowId: 'downstream', conditionId, start: end - 60_000, end, results });
      const write = (w: ConditionWindow | null, conditionId: string, expectedVersion: number): ConditionWindowWrite => ({ namespace: 'company.team', flowId: 'downstream', conditionId, expectedVersion, window: w });
      const key = (conditionId: string) => conditionWindowKey('company.team', 'downstream', conditionId);
      const later = () => Date.now() + 3_600_000;

      it('stores, replaces and deletes a window with the decision, each under its version', async () => {
        if (!queue.store.keepsConditionWindows) return expect(queue.store.keepsConditionWindows).toBe(false);
        const first = window('t.pre', later(), { condition_1: true });
        const execution = queueTestExecution('e1');
        await queue.store.commit('x', decision(execution, 0, { conditionWindows: [write(first, 't.pre', 0)] }));
        expect(await queue.store.loadConditionWindows([key('t.pre'), key('absent')])).toEqual(new Map([[key('t.pre'), { window: first, version: 1 }]]));
        const both = { ...first, results: { condition_1: true as const, condition_2: true as const } };
        await queue.store.commit('x', decision({ ...execution, version: 2 }, 1, { changedTaskRuns: [], conditionWindows: [write(both, 't.pre', 1)] }));
        expect((await queue.store.loadConditionWindows([key('t.pre')])).get(key('t.pre'))).toEqual({ window: both, version: 2 });
        await queue.store.commit('x', decision({ ...execution, version: 3 }, 2, { changedTaskRuns: [], conditionWindows: [write(null, 't.pre', 2)] }));
        expect(await queue.store.loadConditionWindows([key('t.pre')])).toEqual(new Map());
      });

      it('refuses a decision whose window changed since it was read, writing nothing of it', async () => {
        if (!queue.store.keepsConditionWindows) return expect(queue.store.keepsConditionWindows).toBe(false);
        const stored = window('t.pre', later(), { condition_1: true });
        await queue.store.commit('x', decision(queueTestExecution('e0'), 0, { conditionWindows: [write(stored, 't.pre', 0)] }));
        await queue.events.emit([resumeEvent('e1', 'a')]);
        const claimed = await queue.events.claim('x', 10, 60_000);
        const both = { ...stored, results: { condition_1: true as const, condition_2: true as const } };
        // Another decision read no window (version 0) and another one read version 1 but the window is at 1 still:
        // the first must fail (a concurrent first insert), as must an update or delete from a stale version.
        for (const stale of [write(both, 't.pre', 0), write(both, 't.pre', 2), write(null, 't.pre', 5)]) {
          const error = await queue.store
            .commit('x', decision(queueTestExecution('e1'), 0, { events: [resumeEvent('e9', 'fired')], consumed: claimed.map((c) => c.seq), conditionWindows: [stale] }))
            .catch((e: unknown) => e);
          expect(error).toBeInstanceOf(ConditionWindowConflictError);
          expect(error).toMatchObject({ key: key('t.pre'), expected: stale.expectedVersion, actual: 1 });
        }
        expect(await queue.store.load('e1')).toBeNull();
        expect(await queue.events.depth()).toBe(1);
        expect(await queue.events.claim('y', 10, 60_000)).toEqual([]);
        expect((await queue.store.loadConditionWindows([key('t.pre')])).get(key('t.pre'))).toEqual({ window: stored, version: 1 });
      });

      it('purges the windows that ended, keeping the one the decision replaces', async () => {
        if (!queue.store.keepsConditionWindows) return expect(queue.store.keepsConditionWindows).toBe(false);
        const now = Date.now();
        const ended = window('ended', now - 1000, { condition_1: true });
        const replaced = window('replaced', now - 1000, { condition_1: true });
        const open = window('open', later(), { condition_2: true });
        await queue.store.commit('x', decision(queueTestExecution('e1'), 0, { conditionWindows: [write(ended, 'ended', 0), write(replaced, 'replaced', 0), write(open, 'open', 0)] }));
        const fresh = window('replaced', later(), { condition_2: true });
        await queue.store.commit('x', decision(queueTestExecution('e2'), 0, { conditionWindows: [write(fresh, 'replaced', 1)], purgeConditionWindowsBefore: now }));
        const left = await queue.store.loadConditionWindows([key('ended'), key('replaced'), key('open')]);
        expect([...left.keys()].sort()).toEqual([key('open'), key('replaced')]);
        expect(left.get(key('replaced'))).toEqual({ window: fresh, version: 2 });
      });

      const inbox = conditionWindowInboxKey('company.team', 'downstream');

      it('commits the precondition results claimed under a flow\'s window inbox key: windows, started executions, acks', async () => {
        if (!queue.store.keepsConditionWindows) return expect(queue.store.keepsConditionWindows).toBe(false);
        await queue.events.emit([preconditionResultEvent('up-1'), preconditionResultEvent('up-2')]);
        const claimed = await queue.events.claim('x', 10, 60_000);
        expect(claimed.map((c) => [c.executionId, c.event.type])).toEqual([[inbox, 'preconditionResult'], [inbox, 'preconditionResult']]);
        const gathered = window('t.pre', later(), { condition_1: true, condition_2: true });
        const fired = queueTestExecution('fired', [], 0);
        await queue.store.commitConditionWindows('x', {
          key: inbox,
          conditionWindows: [write(gathered, 't.pre', 0)],
          events: [{ executionId: 'fired', event: { type: 'start' }, execution: fired }],
          consumed: claimed.map((c) => c.seq),
        });
        expect(await queue.store.loadConditionWindows([key('t.pre')])).toEqual(new Map([[key('t.pre'), { window: gathered, version: 1 }]]));
        const next = await queue.events.claim('y', 10, 60_000);
        expect(next.map((c) => [c.executionId, c.event.type, c.execution?.id])).toEqual([['fired', 'start', 'fired']]);
        // The key is free again: a later result is claimed at once.
        await queue.events.emit([preconditionResultEvent('up-3')]);
        expect((await queue.events.claim('z', 10, 60_000)).map((c) => c.executionId)).toEqual([inbox]);
      });

      it('refuses a commit of precondition results whose window changed since it was read, writing nothing of it', async () => {
        if (!queue.store.keepsConditionWindows) return expect(queue.store.keepsConditionWindows).toBe(false);
        const stored = window('t.pre', later(), { condition_1: true });
        await queue.events.emit([preconditionResultEvent('up-1')]);
        let claimed = await queue.events.claim('x', 10, 60_000);
        await queue.store.commitConditionWindows('x', { key: inbox, conditionWindows: [write(stored, 't.pre', 0)], events: [], consumed: claimed.map((c) => c.seq) });
        await queue.events.emit([preconditionResultEvent('up-2')]);
        claimed = await queue.events.claim('x', 10, 60_000);
        const both = { ...stored, results: { condition_1: true as const, condition_2: true as const } };
        const error = await queue.store
          .commitConditionWindows('x', { key: inbox, conditionWindows: [write(both, 't.pre', 0)], events: [resumeEvent('fired', 'start')], consumed: claimed.map((c) => c.seq) })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConditionWindowConflictError);
        expect(error).toMatchObject({ key: key('t.pre'), expected: 0, actual: 1 });
        expect((await queue.store.loadConditionWindows([key('t.pre')])).get(key('t.pre'))).toEqual({ window: stored, version: 1 });
        expect(await queue.events.depth()).toBe(1);
        // Still claimed by x: nobody else takes the result until x releases it.
        expect(await queue.events.claim('y', 10, 60_000)).toEqual([]);
        await queue.events.release('x', [inbox]);
        expect((await queue.events.claim('y', 10, 60_000)).map((c) => c.executionId)).toEqual([inbox]);
      });
    });
  });
}
