import { abortableDelay } from './abortable-delay.js';
import { TaskAbortedError } from './task-errors.js';

describe('abortableDelay', () => {
  it('resolves after the delay', async () => {
    await expect(abortableDelay(5, new AbortController().signal)).resolves.toBeUndefined();
    await expect(abortableDelay(0, new AbortController().signal)).resolves.toBeUndefined();
  });

  it('rejects with TaskAbortedError as soon as the signal aborts, however long the delay', async () => {
    const controller = new AbortController();
    const waiting = abortableDelay(3_000_000_000, controller.signal);
    controller.abort(new Error('killed'));
    await expect(waiting).rejects.toBeInstanceOf(TaskAbortedError);
    await expect(abortableDelay(5, controller.signal)).rejects.toBeInstanceOf(TaskAbortedError);
  });
});
