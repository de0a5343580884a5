import type { Flow, Trigger } from '../flow/flow.js';
import type { Execution } from '../execution/execution.js';
import { newState, type StateType } from '../execution/state.js';
import { matchFlowTriggers, type FlowTriggerOptions } from './flow-trigger.js';

const NOW = new Date('2026-03-02T10:00:00.000Z'); // a Monday

function ended(flowId: string, state: StateType = 'SUCCESS', overrides: Partial<Execution> = {}): Execution {
  return { id: `e-${flowId}`, namespace: 'company.team', flowId, flowRevision: 1, state: newState(NOW, state), labels: [], inputs: {}, taskRunList: [], version: 1, ...overrides };
}

function downstream(trigger: Partial<Trigger>): Flow {
  return { id: 'downstream', namespace: 'company.team', tasks: [], triggers: [{ id: 'on-upstream', type: 'io.kestra.plugin.core.trigger.Flow', ...trigger }] } as unknown as Flow;
}

function fired(flow: Flow, execution: Execution, options: Partial<FlowTriggerOptions> = {}, variables: Record<string, unknown> = {}) {
  return matchFlowTriggers([flow], execution, variables, { now: NOW, ...options });
}

describe('matchFlowTriggers', () => {
  it('does not fire when a time condition on the ended execution does not hold', () => {
    const flow = downstream({ conditions: [{ type: 'io.kestra.plugin.core.condition.Weekend' }] });
    // The upstream was scheduled on a Monday: `trigger.date` is what Weekend reads.
    const result = fired(flow, ended('upstream'), {}, { trigger: { date: '2026-03-02T09:00:00Z' } });
    expect(result.matches).toEqual([]);
    expect(fired(flow, ended('upstream'), {}, { trigger: { date: '2026-03-07T09:00:00Z' } }).matches).toHaveLength(1);
  });

  it('reports a condition that cannot be evaluated and does not fire', () => {
    const flow = downstream({ conditions: [{ type: 'io.kestra.plugin.core.condition.DayWeek', dayOfWeek: 'MONDAY' }] });
    const result = fired(flow, ended('upstream'));
    expect(result.matches).toEqual([]);
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]!.error.message).toMatch(/DayWeek/);
  });

  it('does not fire a trigger disabled through the API', () => {
    const flow = downstream({});
    expect(fired(flow, ended('upstream')).matches).toHaveLength(1);
    expect(fired(flow, ended('upstream'), { isDisabled: (f, t) => f.id === 'downstream' && t.id === 'on-upstream' }).matches).toEqual([]);
  });

  it('fires a precondition of one flow only within its daily time window', () => {
    const flow = downstream({
      preconditions: { id: 'pre', flows: [{ namespace: 'company.team', flowId: 'upstream', states: ['SUCCESS'] }], timeWindow: { type: 'DAILY_TIME_WINDOW', startTime: '06:00:00', endTime: '09:00:00' } },
    });
    expect(fired(flow, ended('upstream')).matches).toEqual([]);
    expect(fired(flow, ended('upstream'), { now: new Date('2026-03-02T07:00:00Z') }).matches).toHaveLength(1);
    expect(fired(flow, ended('upstream', 'FAILED'), { now: new Date('2026-03-02T07:00:00Z') }).matches).toEqual([]);
    expect(fired(flow, ended('other'), { now: new Date('2026-03-02T07:00:00Z') }).matches).toEqual([]);
  });

  it('never fires on one of several listed flows, which would need all of them', () => {
    const flow = downstream({ preconditions: { id: 'pre', flows: [{ namespace: 'company.team', flowId: 'a' }, { namespace: 'company.team', flowId: 'b' }] } });
    const result = fired(flow, ended('a'));
    expect(result.matches).toEqual([]);
    expect(result.failures[0]!.error.message).toMatch(/several conditions/);
  });

  it('applies where filters and upstream labels', () => {
    const where = (type: string, value: string, field = 'NAMESPACE') => downstream({ preconditions: { id: 'pre', where: [{ id: 'w', filters: [{ field, type, value }] }] } });
    expect(fired(where('STARTS_WITH', 'company'), ended('x')).matches).toHaveLength(1);
    expect(fired(where('EQUAL_TO', 'other'), ended('x')).matches).toEqual([]);
    expect(fired(where('REGEX', 'comp.*', 'NAMESPACE'), ended('x')).matches).toHaveLength(1);
    expect(fired(where('REGEX', 'comp', 'NAMESPACE'), ended('x')).matches).toEqual([]);
    expect(fired(where('IS_TRUE', "{{ outputs.ok }}", 'EXPRESSION'), ended('x'), {}, { outputs: { ok: true } }).matches).toHaveLength(1);
    const labelled = downstream({ preconditions: { id: 'pre', flows: [{ namespace: 'company.team', labels: { team: 'data' } }] } });
    expect(fired(labelled, ended('x')).matches).toEqual([]);
    expect(fired(labelled, ended('x', 'SUCCESS', { labels: [{ key: 'team', value: 'data' }] })).matches).toHaveLength(1);
  });

  it("gives the started execution the trigger's labels, rendered with the ended execution", () => {
    const flow = downstream({ labels: { from: '{{ flow.id }}', team: 'data' } });
    expect(fired(flow, ended('upstream'), {}, { flow: { id: 'upstream' } }).matches[0]!.labels).toEqual([
      { key: 'from', value: 'upstream' },
      { key: 'team', value: 'data' },
    ]);
    expect(fired(downstream({ labels: [{ key: 'k', value: 'v' }] }), ended('upstream')).matches[0]!.labels).toEqual([{ key: 'k', value: 'v' }]);
  });

  it('evaluates a legacy MultipleCondition of one condition', () => {
    const flow = downstream({
      conditions: [{ type: 'io.kestra.plugin.core.condition.MultipleCondition', id: 'm', conditions: { only: { type: 'io.kestra.plugin.core.condition.ExecutionFlow', namespace: 'company.team', flowId: 'a' } } }],
    });
    expect(fired(flow, ended('a')).matches).toHaveLength(1);
    expect(fired(flow, ended('b')).matches).toEqual([]);
  });
});
