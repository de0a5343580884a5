import { findTask, pausedTaskRun, resumeInputs } from './flow-task.js';

const flow = {
  id: 'approve',
  namespace: 'dev',
  inputs: [{ id: 'wait', type: 'STRING' }],
  triggers: [{ id: 'wait', type: 'io.kestra.plugin.core.trigger.Schedule' }],
  tasks: [
    { id: 'start', type: 'io.kestra.plugin.core.log.Log' },
    {
      id: 'branch',
      type: 'io.kestra.plugin.core.flow.Switch',
      cases: {
        a: [
          {
            id: 'wait',
            type: 'io.kestra.plugin.core.flow.Pause',
            onResume: [
              { id: 'approved', type: 'BOOLEAN', required: true },
              { id: 'reason', type: 'STRING', defaults: 'ok' },
            ],
          },
        ],
      },
    },
  ],
  errors: [{ id: 'alert', type: 'io.kestra.plugin.core.log.Log' }],
};

describe('findTask', () => {
  it('finds tasks nested in flowable maps and in errors, not inputs or triggers of the same id', () => {
    expect(findTask(flow, 'wait')?.type).toBe('io.kestra.plugin.core.flow.Pause');
    expect(findTask(flow, 'alert')?.type).toBe('io.kestra.plugin.core.log.Log');
    expect(findTask(flow, 'missing')).toBeUndefined();
  });
});

describe('resumeInputs', () => {
  it("lists a Pause task's onResume inputs", () => {
    expect(resumeInputs(flow, 'wait').map((i) => [i.id, i.type, i.required ?? false])).toEqual([
      ['approved', 'BOOLEAN', true],
      ['reason', 'STRING', false],
    ]);
  });

  it('is empty for a task without onResume', () => {
    expect(resumeInputs(flow, 'start')).toEqual([]);
  });
});

describe('pausedTaskRun', () => {
  it('is the last paused task run', () => {
    const runs = [
      { id: '1', state: { current: 'SUCCESS' } },
      { id: '2', state: { current: 'PAUSED' } },
      { id: '3', state: { current: 'PAUSED' } },
    ];
    expect(pausedTaskRun(runs)?.id).toBe('3');
    expect(pausedTaskRun(runs.slice(0, 1))).toBeUndefined();
  });
});
