import type { Execution } from '@osprey/flow-model';
import { NotFoundError } from '@osprey/repository';
import { waitForExecutionEnd } from './wait-for-end.js';

function execution(state: string): Execution {
  return { id: 'e1', state: { current: state } } as unknown as Execution;
}

/** A repository read answering the given states in turn (the last one again once they run out), counting reads. */
function reads(...states: (string | null)[]) {
  let calls = 0;
  const read = async () => {
    const state = states[Math.min(calls++, states.length - 1)];
    return state === null ? null : execution(state!);
  };
  return { read, calls: () => calls };
}

describe('waitForExecutionEnd', () => {
  it('answers the execution once it ended, reading it again while it runs (absent at first: not written yet)', async () => {
    const repo = reads(null, 'CREATED', 'RUNNING', 'SUCCESS');
    const ended = await waitForExecutionEnd('e1', repo.read, new AbortController().signal);
    expect(ended?.state.current).toBe('SUCCESS');
    expect(repo.calls()).toBe(4);
  });

  it('answers a paused execution: only a person resumes it', async () => {
    const ended = await waitForExecutionEnd('e1', reads('RUNNING', 'PAUSED').read, new AbortController().signal);
    expect(ended?.state.current).toBe('PAUSED');
  });

  it('stops reading when the client went away', async () => {
    const repo = reads('RUNNING');
    const client = new AbortController();
    const waiting = waitForExecutionEnd('e1', repo.read, client.signal);
    setTimeout(() => client.abort(), 100);
    await expect(waiting).resolves.toBeUndefined();
    const after = repo.calls();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(repo.calls()).toBe(after);
  });

  it('fails with NotFoundError when the execution is deleted while waited for', async () => {
    await expect(waitForExecutionEnd('e1', reads('RUNNING', null).read, new AbortController().signal)).rejects.toBeInstanceOf(NotFoundError);
  });
});
