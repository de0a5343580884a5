import type { Flow, Trigger } from '../flow/flow.js';
import type { Execution } from '../execution/execution.js';
import { newState, type StateType } from '../execution/state.js';
import { conditionWindowKey, type StoredConditionWindow } from './condition-window.js';
import { conditionWindowKeys, matchFlowTriggers, meetsConditionWindows, type FlowTriggerOptions } from './flow-trigger.js';

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

  it('does not fire a trigger disabled as the text "true", and fires one with "false"', () => {
    expect(fired(downstream({ disabled: 'true' }), ended('upstream')).matches).toEqual([]);
    expect(fired(downstream({ disabled: 'false' }), ended('upstream')).matches).toHaveLength(1);
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

  it('fails a precondition of several flows where the backend keeps no windows, rather than fire on one of them', () => {
    const flow = downstream({ preconditions: { id: 'pre', flows: [{ namespace: 'company.team', flowId: 'a' }, { namespace: 'company.team', flowId: 'b' }] } });
    const result = fired(flow, ended('a'));
    expect(result.matches).toEqual([]);
    expect(result.failures[0]!.error.message).toMatch(/results stored across executions/);
  });

  describe('preconditions of several conditions, with stored windows', () => {
    const both = (extra: Record<string, unknown> = {}) =>
      downstream({ preconditions: { id: 'pre', flows: [{ namespace: 'company.team', flowId: 'a' }, { namespace: 'company.team', flowId: 'b' }], ...extra } });

    /** Applies the writes of each evaluation to an in-memory store, as the executor's commit does. */
    function store() {
      const windows = new Map<string, StoredConditionWindow>();
      return {
        windows,
        run(flow: Flow, execution: Execution, now = NOW) {
          const result = matchFlowTriggers([flow], execution, {}, { now, conditionWindows: windows });
          for (const write of result.conditionWindows) {
            const key = conditionWindowKey(write.namespace, write.flowId, write.conditionId);
            expect(windows.get(key)?.version ?? 0).toBe(write.expectedVersion);
            if (write.window) windows.set(key, { window: write.window, version: write.expectedVersion + 1 });
            else windows.delete(key);
          }
          return result;
        },
      };
    }

    it('lists the keys of the windows the executor must load', () => {
      expect(conditionWindowKeys([both()], 'SUCCESS')).toEqual([conditionWindowKey('company.team', 'downstream', 'on-upstream.pre')]);
      expect(conditionWindowKeys([both()], 'RUNNING')).toEqual([]);
      expect(conditionWindowKeys([downstream({ preconditions: { id: 'pre', flows: [{ namespace: 'company.team', flowId: 'a' }] } })], 'SUCCESS')).toEqual([]);
    });

    it('tells whether an execution meets a condition of a stored window, which alone can change one or fire through one', () => {
      expect(meetsConditionWindows(both(), ended('a'), {})).toBe(true);
      expect(meetsConditionWindows(both(), ended('other'), {})).toBe(false);
      // Not a state the trigger listens to, or a precondition of one condition (decided without a stored window).
      expect(meetsConditionWindows(both(), ended('a', 'RUNNING'), {})).toBe(false);
      expect(meetsConditionWindows(downstream({ preconditions: { id: 'pre', flows: [{ namespace: 'company.team', flowId: 'a' }] } }), ended('a'), {})).toBe(false);
      // An execution meeting none adds nothing to a window and fires nothing through it.
      const s = store();
      s.run(both(), ended('a'));
      expect(s.run(both(), ended('other')).conditionWindows).toEqual([]);
      expect(s.run(both(), ended('other')).matches).toEqual([]);
    });

    it('fires once both flows ended within the window, with the last execution as trigger, then starts over', () => {
      const s = store();
      const first = s.run(both(), ended('a'));
      expect(first.matches).toEqual([]);
      expect(first.conditionWindows).toEqual([
        { namespace: 'company.team', flowId: 'downstream', conditionId: 'on-upstream.pre', expectedVersion: 0, window: expect.objectContaining({ results: { condition_1: true } }) },
      ]);
      // The same flow ending again changes nothing: a result counts once.
      expect(s.run(both(), ended('a', 'SUCCESS', { id: 'e-a2' })).conditionWindows).toEqual([]);
      const second = s.run(both(), ended('b'));
      expect(second.matches).toHaveLength(1);
      expect(second.matches[0]!.variables).toMatchObject({ executionId: 'e-b', flowId: 'b' });
      expect(second.conditionWindows).toEqual([expect.objectContaining({ expectedVersion: 1, window: null })]);
      expect(s.windows.size).toBe(0);
      expect(s.run(both(), ended('b', 'SUCCESS', { id: 'e-b2' })).matches).toEqual([]);
    });

    it('does not count an execution outside the trigger states, nor one of an unlisted flow', () => {
      const s = store();
      const flow = downstream({ states: ['SUCCESS'], preconditions: { id: 'pre', flows: [{ namespace: 'company.team', flowId: 'a' }, { namespace: 'company.team', flowId: 'b' }] } });
      expect(s.run(flow, ended('a', 'FAILED')).conditionWindows).toEqual([]);
      expect(s.run(flow, ended('c')).conditionWindows).toEqual([]);
      expect(s.run(flow, ended('b')).matches).toEqual([]);
    });

    it('keeps the results after firing with resetOnSuccess: false, firing on each later execution in the window', () => {
      const s = store();
      const flow = both({ resetOnSuccess: false });
      s.run(flow, ended('a'));
      expect(s.run(flow, ended('b')).matches).toHaveLength(1);
      expect(s.windows.size).toBe(1);
      expect(s.run(flow, ended('a', 'SUCCESS', { id: 'e-a2' })).matches).toHaveLength(1);
      expect(s.run(flow, ended('unlisted')).matches).toEqual([]);
    });

    it('forgets results of an ended window: a new window starts with the next execution', () => {
      const s = store();
      const flow = both({ timeWindow: { type: 'DURATION_WINDOW', window: 'PT1H' } });
      s.run(flow, ended('a'), new Date('2026-03-02T10:10:00Z'));
      const later = s.run(flow, ended('b'), new Date('2026-03-02T11:05:00Z'));
      expect(later.matches).toEqual([]);
      expect(later.conditionWindows).toEqual([expect.objectContaining({ expectedVersion: 1, window: expect.objectContaining({ start: Date.parse('2026-03-02T11:00:00Z'), results: { condition_2: true } }) })]);
    });

    it('purges an expired window when the execution meets none of the conditions', () => {
      const s = store();
      const flow = both({ timeWindow: { type: 'SLIDING_WINDOW', window: 'PT10M' } });
      s.run(flow, ended('a'));
      expect(s.run(flow, ended('c'), new Date(NOW.getTime() + 3_600_000)).conditionWindows).toEqual([expect.objectContaining({ window: null })]);
      expect(s.windows.size).toBe(0);
    });

    it('evaluates nothing outside a daily time window', () => {
      const s = store();
      const flow = both({ timeWindow: { type: 'DAILY_TIME_WINDOW', startTime: '06:00:00', endTime: '09:00:00' } });
      expect(s.run(flow, ended('a')).conditionWindows).toEqual([]);
      s.run(flow, ended('a'), new Date('2026-03-02T07:00:00Z'));
      expect(s.run(flow, ended('b'), new Date('2026-03-02T08:00:00Z')).matches).toHaveLength(1);
    });

    it('names where filters as condition_<n>_<id> and a legacy MultipleCondition by its map keys', () => {
      const s = store();
      const where = downstream({
        preconditions: { id: 'pre', flows: [{ namespace: 'company.team', flowId: 'a' }], where: [{ id: 'bee', filters: [{ field: 'FLOW_ID', type: 'EQUAL_TO', value: 'b' }] }] },
      });
      expect(s.run(where, ended('b')).conditionWindows[0]!.window!.results).toEqual({ condition_2_bee: true });
      const legacy = downstream({
        conditions: [
          {
            type: 'io.kestra.plugin.core.condition.MultipleCondition',
            id: 'multi',
            conditions: { first: { type: 'io.kestra.plugin.core.condition.ExecutionFlow', namespace: 'company.team', flowId: 'a' }, second: { type: 'io.kestra.plugin.core.condition.ExecutionFlow', namespace: 'company.team', flowId: 'b' } },
          },
        ],
      });
      const result = s.run(legacy, ended('a'));
      expect(result.conditionWindows[0]).toMatchObject({ conditionId: 'on-upstream.multi', window: { results: { first: true } } });
      expect(s.run(legacy, ended('b')).matches).toHaveLength(1);
    });
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
