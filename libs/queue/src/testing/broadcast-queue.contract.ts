/// <reference types="jest" />
import type { BroadcastMessage, Closable } from '../ports.js';
import { eventually, sleep, type QueueUnderTest } from './queue-fixtures.js';

/** The guarantees of BroadcastQueue: every live subscriber sees every later message, in order. */
export function broadcastQueueContract(name: string, open: () => Promise<Pick<QueueUnderTest, 'broadcast'> & Closable>): void {
  describe(`BroadcastQueue contract: ${name}`, () => {
    let queue: Pick<QueueUnderTest, 'broadcast'> & Closable;
    beforeEach(async () => {
      queue = await open();
    });
    afterEach(async () => {
      await queue.close();
    });

    const kill = (executionId: string): BroadcastMessage => ({ type: 'killTaskRuns', executionId, taskRunIds: ['tr1'] });

    it('delivers every message to every subscriber, in order', async () => {
      const a: BroadcastMessage[] = [];
      const b: BroadcastMessage[] = [];
      const stopA = queue.broadcast.subscribe((m) => a.push(m));
      const stopB = queue.broadcast.subscribe((m) => b.push(m));
      await queue.broadcast.publish(kill('e1'));
      await queue.broadcast.publish({ type: 'flowChanged', namespace: 'company.team', flowId: 'hello' });
      await queue.broadcast.publish({ type: 'triggerChanged', namespace: 'company.team', flowId: 'hello', triggerId: 'daily' });
      const expected = [kill('e1'), { type: 'flowChanged', namespace: 'company.team', flowId: 'hello' }, { type: 'triggerChanged', namespace: 'company.team', flowId: 'hello', triggerId: 'daily' }];
      await eventually(() => {
        expect(a).toEqual(expected);
        expect(b).toEqual(expected);
      });
      stopA();
      stopB();
    });

    it('delivers only messages published after subscribing, until unsubscribed', async () => {
      await queue.broadcast.publish(kill('before'));
      const seen: BroadcastMessage[] = [];
      const stop = queue.broadcast.subscribe((m) => seen.push(m));
      await queue.broadcast.publish(kill('during'));
      await eventually(() => expect(seen).toEqual([kill('during')]));
      stop();
      await queue.broadcast.publish(kill('after'));
      await sleep(300);
      expect(seen).toEqual([kill('during')]);
    });
  });
}
