import { taskStates } from './task-states.js';

const run = (taskId: string, current: string, start: string) => ({ taskId, state: { current, startDate: `2026-01-01T00:00:0${start}Z` } });

describe('taskStates', () => {
  it("takes each task's latest run", () => {
    expect(taskStates([run('a', 'FAILED', '1'), run('a', 'SUCCESS', '3'), run('b', 'SUCCESS', '2')])).toEqual({ a: 'SUCCESS', b: 'SUCCESS' });
  });

  it('shows a task as active while one of its runs is, even if a later one ended', () => {
    expect(taskStates([run('body', 'RUNNING', '1'), run('body', 'SUCCESS', '2')])).toEqual({ body: 'RUNNING' });
    expect(taskStates([run('body', 'SUCCESS', '1'), run('body', 'RUNNING', '2'), run('body', 'SUCCESS', '3')])).toEqual({ body: 'RUNNING' });
  });
});
