import { many, pageOf, parseLabels, pick, timeRangeQuery, withParams } from './list-query.js';

describe('withParams', () => {
  it('sets, replaces and removes keys and goes back to the first page', () => {
    const next = withParams(new URLSearchParams('namespace=a&page=3&state=FAILED'), { namespace: 'b', state: ['RUNNING', 'PAUSED'], flowId: '' });
    expect(next.toString()).toBe('namespace=b&state=RUNNING&state=PAUSED');
  });

  it('keeps the page when the page itself is updated', () => {
    expect(withParams(new URLSearchParams('q=x'), { page: '2' }).toString()).toBe('q=x&page=2');
  });
});

describe('pageOf', () => {
  it('reads page and size with defaults for missing or invalid values', () => {
    expect(pageOf(new URLSearchParams('page=2&size=50'))).toEqual({ page: 2, size: 50 });
    expect(pageOf(new URLSearchParams('page=-1&size=abc'), 10)).toEqual({ page: 1, size: 10 });
    expect(pageOf(new URLSearchParams('size=5000'))).toEqual({ page: 1, size: 25 });
  });
});

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

describe('pick and many', () => {
  it('picks non-empty single values', () => {
    expect(pick(new URLSearchParams('namespace=dev&flowId=&other=1'), ['namespace', 'flowId'])).toEqual({ namespace: 'dev' });
  });

  it('reads repeated and comma-separated values', () => {
    expect(many(new URLSearchParams('state=FAILED,KILLED&state=RUNNING'), 'state')).toEqual(['FAILED', 'KILLED', 'RUNNING']);
  });
});

describe('parseLabels', () => {
  it('keeps key:value pairs and drops malformed ones', () => {
    expect(parseLabels('team:data, nocolon,env:prod\n :x')).toEqual(['team:data', 'env:prod']);
  });
});
