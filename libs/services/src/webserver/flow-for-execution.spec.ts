import { parseFlow, type StoredFlow } from '@osprey/flow-model';
import { flowForExecution } from './flow-for-execution.js';

const SOURCE = `id: f
namespace: io.osprey.tests
inputs:
  - id: who
    type: STRING
tasks:
  - id: each
    type: io.kestra.core.tasks.flows.EachSequential
    value: [1, 2]
    tasks:
      - id: sub
        type: io.kestra.core.tasks.flows.Flow
        namespace: io.osprey.other
        flowId: leaf
        revision: 3
    errors:
      - id: wait
        type: io.kestra.plugin.core.flow.Pause
        onResume:
          - id: ok
            type: BOOLEAN
finally:
  - id: last
    type: io.kestra.plugin.core.log.Log
    message: "{{ inputs.who }}"
triggers:
  - id: every
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "0 * * * *"
`;

const stored = (overrides: Partial<StoredFlow> = {}): StoredFlow => ({
  namespace: 'io.osprey.tests',
  id: 'f',
  revision: 4,
  source: SOURCE,
  disabled: false,
  deleted: false,
  updated: '2026-01-01T00:00:00.000Z',
  flow: parseFlow(SOURCE),
  ...overrides,
});

describe('flowForExecution', () => {
  it('keeps ids and types of every task tree, with children, resume inputs and subflow targets, under aliases too', () => {
    const json = flowForExecution(stored());
    expect(json).toEqual({
      id: 'f',
      namespace: 'io.osprey.tests',
      revision: 4,
      inputs: [expect.objectContaining({ id: 'who', type: 'STRING' })],
      tasks: [
        {
          id: 'each',
          type: 'io.kestra.core.tasks.flows.EachSequential',
          tasks: [
            { id: 'sub', type: 'io.kestra.core.tasks.flows.Flow', subflowId: { namespace: 'io.osprey.other', flowId: 'leaf', revision: 3 } },
            { id: 'wait', type: 'io.kestra.plugin.core.flow.Pause', inputs: [expect.objectContaining({ id: 'ok', type: 'BOOLEAN' })] },
          ],
        },
      ],
      errors: [],
      finally: [{ id: 'last', type: 'io.kestra.plugin.core.log.Log' }],
      afterExecution: [],
      triggers: [{ id: 'every', type: 'io.kestra.plugin.core.trigger.Schedule' }],
      disabled: false,
      deleted: false,
    });
    expect(JSON.stringify(json)).not.toContain('inputs.who');
  });

  it('is disabled when the flow says so or when it was disabled through the API', () => {
    expect(flowForExecution(stored({ disabled: true })).disabled).toBe(true);
    expect(flowForExecution(stored({ flow: { ...parseFlow(SOURCE), disabled: true } })).disabled).toBe(true);
  });
});
