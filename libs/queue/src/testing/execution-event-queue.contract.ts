/// <reference types="jest" />
import type { Closable } from '../ports.js';
import { markerOf, queueTestExecution, resumeEvent, sleep, type QueueUnderTest } from './queue-fixtures.js';

const LEASE = 200;

/** The guarantees of ExecutionEventQueue (with ExecutorStore.commit, which consumes events and frees claims). */
export function executionEventQueueContract(name: string, open: () => Promise<Pick<QueueUnderTest, 'events' | 'store'> & Closable>): void {
  describe(`ExecutionEventQueue contract: ${name}`, () => {
    let queue: Pick<QueueUnderTest, 'events' | 'store'> & Closable;
    beforeEach(async () => {
      queue = await open();
    });
    afterEach(async () => {
      await queue.close();
    });

    const consume = (consumer: string, executionId: string, seqs: number[]) =>
      queue.store.commit(consumer, {
        execution: queueTestExecution(executionId),
        expectedVersion: 0,
        changedTaskRuns: [],
        jobs: [],
        events: [],
        consumed: seqs,
        cancelJobs: [],
      });

    it('claims the events of one execution in emission order, with the execution a start event carries', async () => {
      const execution = queueTestExecution('e1', ['tr1']);
      await queue.events.emit([{ executionId: 'e1', event: { type: 'start' }, execution }]);
      await queue.events.emit([resumeEvent('e1', 'a'), resumeEvent('e1', 'b')]);
      await queue.events.emit([resumeEvent('e1', 'c')]);
      const claimed = await queue.events.claim('x', 10, LEASE);
      expect(claimed.map((c) => c.event.type)).toEqual(['start', 'resume', 'resume', 'resume']);
      expect(claimed.slice(1).map(markerOf)).toEqual(['a', 'b', 'c']);
      expect(claimed[0].execution).toEqual(execution);
      expect(claimed[1].execution).toBeUndefined();
      expect(claimed.every((c) => c.executionId === 'e1')).toBe(true);
      const seqs = claimed.map((c) => c.seq);
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
      expect(new Set(seqs).size).toBe(seqs.length);
    });

    it('never hands the events of one execution to two consumers at once', async () => {
      await queue.events.emit([resumeEvent('e1', 'a')]);
      const first = await queue.events.claim('x', 10, 10_000);
      expect(first.map(markerOf)).toEqual(['a']);
      await queue.events.emit([resumeEvent('e1', 'b'), resumeEvent('e2', 'c')]);
      const second = await queue.events.claim('y', 10, 10_000);
      expect(second.map((c) => c.executionId)).toEqual(['e2']);
      expect(await queue.events.claim('x', 10, 10_000)).toEqual([]);
    });

    it('gives each execution to exactly one of several concurrent consumers', async () => {
      for (let i = 0; i < 12; i++) await queue.events.emit([resumeEvent(`e${i}`, 'a'), resumeEvent(`e${i}`, 'b')]);
      const claims = await Promise.all(['w', 'x', 'y', 'z'].map((consumer) => queue.events.claim(consumer, 5, 10_000)));
      const executions = claims.map((claimed) => [...new Set(claimed.map((c) => c.executionId))]);
      const all = executions.flat();
      expect(new Set(all).size).toBe(all.length);
      expect(all.length).toBe(12);
      for (const claimed of claims) {
        // Every claimed execution comes with all its due events.
        for (const id of new Set(claimed.map((c) => c.executionId))) {
          expect(claimed.filter((c) => c.executionId === id).map(markerOf)).toEqual(['a', 'b']);
        }
      }
    });

    it('limits a claim to maxExecutions executions, not events', async () => {
      await queue.events.emit([resumeEvent('e1', 'a'), resumeEvent('e2', 'b'), resumeEvent('e1', 'c'), resumeEvent('e3', 'd')]);
      const claimed = await queue.events.claim('x', 2, LEASE);
      expect(new Set(claimed.map((c) => c.executionId)).size).toBe(2);
      const rest = await queue.events.claim('y', 2, LEASE);
      expect(new Set(rest.map((c) => c.executionId)).size).toBe(1);
      expect([...claimed, ...rest].map(markerOf).sort()).toEqual(['a', 'b', 'c', 'd']);
      expect(claimed.filter((c) => c.executionId === 'e1').map(markerOf).concat(rest.filter((c) => c.executionId === 'e1').map(markerOf))).toEqual(['a', 'c']);
    });

    it('does not deliver a delayed event before it is due', async () => {
      const at = new Date(Date.now() + 400).toISOString();
      await queue.events.emit([resumeEvent('e1', 'later', at), resumeEvent('e2', 'now')]);
      expect(await queue.events.depth()).toBe(2);
      const early = await queue.events.claim('x', 10, 10_000);
      expect(early.map(markerOf)).toEqual(['now']);
      expect(await queue.events.claim('x', 10, 10_000)).toEqual([]);
      await sleep(450);
      const due = await queue.events.claim('x', 10, 10_000);
      expect(due.map(markerOf)).toEqual(['later']);
    });

    it('hands a claimed execution to another consumer once the claim expires', async () => {
      await queue.events.emit([resumeEvent('e1', 'a')]);
      expect((await queue.events.claim('dead', 10, LEASE)).map(markerOf)).toEqual(['a']);
      expect(await queue.events.claim('alive', 10, LEASE)).toEqual([]);
      await sleep(LEASE + 80);
      expect((await queue.events.claim('alive', 10, LEASE)).map(markerOf)).toEqual(['a']);
    });

    it('makes released executions claimable at once, but only the owner can release', async () => {
      await queue.events.emit([resumeEvent('e1', 'a')]);
      await queue.events.claim('x', 10, 10_000);
      await queue.events.release('y', ['e1']);
      expect(await queue.events.claim('y', 10, 10_000)).toEqual([]);
      await queue.events.release('x', ['e1']);
      expect((await queue.events.claim('y', 10, 10_000)).map(markerOf)).toEqual(['a']);
    });

    it('removes consumed events on commit and frees the execution for the next events', async () => {
      await queue.events.emit([resumeEvent('e1', 'a'), resumeEvent('e1', 'b')]);
      const claimed = await queue.events.claim('x', 10, 10_000);
      await queue.events.emit([resumeEvent('e1', 'c')]);
      await consume('x', 'e1', claimed.map((c) => c.seq));
      expect(await queue.events.depth()).toBe(1);
      const next = await queue.events.claim('y', 10, 10_000);
      expect(next.map(markerOf)).toEqual(['c']);
      expect(next[0].seq).toBeGreaterThan(Math.max(...claimed.map((c) => c.seq)));
    });

    it('wakes a waiting consumer when an event is emitted, and on abort', async () => {
      const started = Date.now();
      // Waits give up after 30 s: returning well before means the write or the abort woke the waiter.
      const waiting = queue.events.waitForEvents(30_000);
      await sleep(20);
      await queue.events.emit([resumeEvent('e1', 'a')]);
      await waiting;
      expect(Date.now() - started).toBeLessThan(10_000);

      const controller = new AbortController();
      const aborted = queue.events.waitForEvents(30_000, controller.signal);
      setTimeout(() => controller.abort(), 20);
      const abortedAt = Date.now();
      await aborted;
      expect(Date.now() - abortedAt).toBeLessThan(10_000);

      const timedOut = Date.now();
      await queue.events.waitForEvents(50);
      expect(Date.now() - timedOut).toBeLessThan(10_000);
    });
  });
}
