import { InvalidArgumentError } from '../invalid-argument-error.js';
import { booleanField, flowsField, levelField, statesField, statsBody, statsDays, statsRange } from './stats-request.js';

function fieldOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidArgumentError) return error.field;
    throw error;
  }
  return undefined;
}

describe('statistics requests', () => {
  it('refuses the Kestra fields Osprey does not honour, and fields the operation does not take, by name', () => {
    expect(fieldOf(() => statsBody({ q: 'hello' }, ['namespace']))).toBe('q');
    expect(fieldOf(() => statsBody({ scope: ['USER'] }, ['namespace']))).toBe('scope');
    expect(fieldOf(() => statsBody({ namespace: 'a', flowid: 'b' }, ['namespace', 'flowId']))).toBe('flowid');
    expect(fieldOf(() => statsBody([], ['namespace']))).toBe('body');
    // Null is how clients send an unset field.
    expect(statsBody({ q: null, scope: null, namespace: 'a' }, ['namespace'])).toEqual({ q: null, scope: null, namespace: 'a' });
    expect(statsBody(undefined, ['namespace'])).toEqual({});
  });

  it('reads states, levels, flows and booleans, naming the element at fault', () => {
    expect(statesField({ state: ['SUCCESS', 'FAILED'] })).toEqual(['SUCCESS', 'FAILED']);
    expect(fieldOf(() => statesField({ state: ['SUCCESS', 'success'] }))).toBe('state[1]');
    expect(fieldOf(() => statesField({ state: 'SUCCESS' }))).toBe('state');
    expect(levelField({ logLevel: 'WARN' }, 'logLevel')).toBe('WARN');
    expect(fieldOf(() => levelField({ logLevel: 'warning' }, 'logLevel'))).toBe('logLevel');
    expect(flowsField({ flows: [{ namespace: 'a', id: 'f' }] })).toEqual([{ namespace: 'a', id: 'f' }]);
    expect(flowsField({ flows: [] })).toBeUndefined();
    expect(fieldOf(() => flowsField({ flows: [{ namespace: 'a', id: 'f' }, { id: 'g' }] }))).toBe('flows[1]');
    expect(booleanField({ namespaceOnly: true }, 'namespaceOnly')).toBe(true);
    expect(booleanField({}, 'namespaceOnly')).toBe(false);
    expect(fieldOf(() => booleanField({ namespaceOnly: 'yes' }, 'namespaceOnly'))).toBe('namespaceOnly');
  });

  it('defaults the range to the 30 days up to now and lists every UTC day it touches', () => {
    const now = new Date('2026-03-10T15:00:00.000Z');
    const range = statsRange(undefined, undefined, now);
    expect(range).toEqual({ start: new Date('2026-02-08T15:00:00.000Z'), end: now });
    const days = statsDays(range);
    expect(days).toHaveLength(31);
    expect([days[0], days[30]]).toEqual(['2026-02-08', '2026-03-10']);
    expect(statsDays(statsRange('2026-03-01T23:00:00+02:00', '2026-03-02T00:30:00Z'))).toEqual(['2026-03-01', '2026-03-02']);
  });

  it('refuses a malformed, reversed or too long range naming the field', () => {
    expect(fieldOf(() => statsRange('yesterday', undefined))).toBe('startDate');
    expect(fieldOf(() => statsRange('2026-01-02T00:00:00Z', '2026-01-01T00:00:00Z'))).toBe('startDate');
    expect(fieldOf(() => statsRange('2024-01-01T00:00:00Z', '2026-01-01T00:00:00Z'))).toBe('endDate');
  });
});
