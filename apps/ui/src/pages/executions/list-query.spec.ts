import { many, parseLabels, timeRangeQuery } from './list-query.js';

describe('timeRangeQuery', () => {
  const now = Date.parse('2026-03-10T12:00:00.000Z');

  it('turns a relative range into a start date', () => {
    expect(timeRangeQuery(new URLSearchParams('range=24h'), now)).toEqual({ startDate: '2026-03-09T12:00:00.000Z' });
    expect(timeRangeQuery(new URLSearchParams('range=7d'), now)).toEqual({ startDate: '2026-03-03T12:00:00.000Z' });
  });

  it('passes a custom range through as ISO dates', () => {
    expect(timeRangeQuery(new URLSearchParams('range=custom&from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z'), now)).toEqual({
      startDate: '2026-03-01T00:00:00.000Z',
      endDate: '2026-03-02T00:00:00.000Z',
    });
    expect(timeRangeQuery(new URLSearchParams('range=custom&from=nonsense'), now)).toEqual({ startDate: undefined, endDate: undefined });
  });

  it('uses the default range when none is given, and no bound for all', () => {
    expect(timeRangeQuery(new URLSearchParams(''), now, '1h')).toEqual({ startDate: '2026-03-10T11:00:00.000Z' });
    expect(timeRangeQuery(new URLSearchParams('range=all'), now, '1h')).toEqual({});
  });
});

describe('many', () => {
  it('reads repeated and comma-separated values', () => {
    expect(many(new URLSearchParams('state=FAILED,KILLED&state=RUNNING'), 'state')).toEqual(['FAILED', 'KILLED', 'RUNNING']);
  });
});

describe('parseLabels', () => {
  it('keeps key:value pairs and drops malformed ones', () => {
    expect(parseLabels('team:data, nocolon,env:prod\n :x')).toEqual(['team:data', 'env:prod']);
  });
});
