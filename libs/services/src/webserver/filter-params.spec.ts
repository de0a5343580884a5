import { InvalidArgumentError } from '../invalid-argument-error.js';
import { readSearchQuery, type SearchQuerySpec } from './filter-params.js';
import { pageParams } from './query-params.js';

const FLOWS: SearchQuerySpec = { resource: 'flow', params: ['q', 'namespace', 'page'] };
const EXECUTIONS: SearchQuerySpec = { resource: 'execution', params: ['namespace'] };

function refusal(run: () => unknown): InvalidArgumentError {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidArgumentError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('readSearchQuery', () => {
  it('reads filters[field][OPERATION]=value beside the simple parameters', () => {
    const read = readSearchQuery({ 'filters[namespace][EQUALS]': 'a', 'filters[flowId][STARTS_WITH]': 'hel', namespace: 'x', page: '2' }, FLOWS);
    expect(read.filters).toEqual([
      { field: 'namespace', operation: 'EQUALS', values: ['a'] },
      { field: 'flowId', operation: 'STARTS_WITH', values: ['hel'] },
    ]);
    expect(read.params).toEqual({ namespace: 'x', page: '2' });
  });

  it('reads the nested objects an extended query parser makes of the same keys', () => {
    expect(readSearchQuery({ filters: { namespace: { PREFIX: 'company' } } }, FLOWS).filters).toEqual([{ field: 'namespace', operation: 'PREFIX', values: ['company'] }]);
  });

  it('splits IN and NOT_IN lists given comma-separated or repeated, and upper-cases enumerations', () => {
    const read = readSearchQuery({ 'filters[state][IN]': ['failed,Success', 'KILLED'], 'filters[namespace][NOT_IN]': 'a,b' }, EXECUTIONS);
    expect(read.filters).toEqual([
      { field: 'state', operation: 'IN', values: ['FAILED', 'SUCCESS', 'KILLED'] },
      { field: 'namespace', operation: 'NOT_IN', values: ['a', 'b'] },
    ]);
  });

  it('reads labels as a map or as key:value texts, and CONTAINS as a plain text', () => {
    const read = readSearchQuery({ 'filters[labels][EQUALS][env]': 'prod', 'filters[labels][EQUALS][team]': 'data', 'filters[labels][IN]': 'a:1,b:2', 'filters[labels][CONTAINS]': 'pro' }, FLOWS);
    expect(read.filters).toEqual([
      { field: 'labels', operation: 'EQUALS', values: [], labels: [{ key: 'env', value: 'prod' }, { key: 'team', value: 'data' }] },
      { field: 'labels', operation: 'IN', values: [], labels: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }] },
      { field: 'labels', operation: 'CONTAINS', values: ['pro'] },
    ]);
  });

  it('normalises dates to UTC instants and turns timeRange into a startDate bound from the given clock', () => {
    const now = new Date('2024-05-02T00:00:00.000Z');
    const read = readSearchQuery({ 'filters[endDate][LESS_THAN]': '2024-05-01T12:00:00+02:00', 'filters[timeRange][EQUALS]': 'P1D' }, EXECUTIONS, now);
    expect(read.filters).toEqual([
      { field: 'endDate', operation: 'LESS_THAN', values: ['2024-05-01T10:00:00.000Z'] },
      { field: 'startDate', operation: 'GREATER_THAN_OR_EQUAL_TO', values: ['2024-05-01T00:00:00.000Z'] },
    ]);
  });

  it('refuses an unknown query parameter by name', () => {
    const error = refusal(() => readSearchQuery({ namespase: 'a' }, FLOWS));
    expect(error.field).toBe('namespase');
    expect(error.message).toMatch(/unknown query parameter "namespase"; this endpoint takes q, namespace, page, filters\[field\]\[OPERATION\]/);
  });

  it('refuses a field the resource does not filter on, an unknown field and an unknown operation', () => {
    expect(refusal(() => readSearchQuery({ 'filters[state][EQUALS]': 'FAILED' }, FLOWS))).toMatchObject({ field: 'filters[state][EQUALS]', message: expect.stringMatching(/does not filter on state/) });
    expect(refusal(() => readSearchQuery({ 'filters[nope][EQUALS]': 'x' }, FLOWS))).toMatchObject({ field: 'filters[nope][EQUALS]', message: expect.stringMatching(/unknown filter field "nope"/) });
    expect(refusal(() => readSearchQuery({ 'filters[namespace][LIKE]': 'x' }, FLOWS))).toMatchObject({ field: 'filters[namespace][LIKE]', message: expect.stringMatching(/unknown operation "LIKE"/) });
  });

  it('refuses an operation the field does not take', () => {
    const error = refusal(() => readSearchQuery({ 'filters[q][CONTAINS]': 'x' }, FLOWS));
    expect(error.field).toBe('filters[q][CONTAINS]');
    expect(error.message).toMatch(/q does not take CONTAINS; it takes EQUALS, NOT_EQUALS/);
  });

  it('refuses malformed filter keys and values, naming the parameter', () => {
    expect(refusal(() => readSearchQuery({ 'filters[namespace]': 'a' }, FLOWS)).field).toBe('filters[namespace]');
    expect(refusal(() => readSearchQuery({ 'filters[namespace][EQUALS][x]': 'a' }, FLOWS)).message).toMatch(/only labels take/);
    expect(refusal(() => readSearchQuery({ 'filters[namespace][EQUALS]': '' }, FLOWS)).message).toMatch(/give a value/);
    expect(refusal(() => readSearchQuery({ 'filters[namespace][EQUALS]': ['a', 'b'] }, FLOWS)).message).toMatch(/given 2 times/);
    expect(refusal(() => readSearchQuery({ 'filters[namespace][REGEX]': '(' }, FLOWS)).message).toMatch(/not a regular expression/);
    expect(refusal(() => readSearchQuery({ 'filters[state][EQUALS]': 'DONE' }, EXECUTIONS)).message).toMatch(/"DONE" is not one of CREATED/);
    expect(refusal(() => readSearchQuery({ 'filters[startDate][GREATER_THAN]': 'yesterday' }, EXECUTIONS)).message).toMatch(/not an ISO-8601 date-time/);
    expect(refusal(() => readSearchQuery({ 'filters[timeRange][EQUALS]': '1 day' }, EXECUTIONS)).message).toMatch(/ISO-8601 duration/);
    expect(refusal(() => readSearchQuery({ 'filters[labels][EQUALS]': 'nocolon' }, FLOWS)).message).toMatch(/must be key:value/);
  });

  it('refuses filters on an endpoint that takes none', () => {
    expect(refusal(() => readSearchQuery({ 'filters[namespace][EQUALS]': 'a' }, { params: ['q'] })).message).toMatch(/takes no filters/);
  });
});

describe('pageParams', () => {
  it('refuses a page whose offset is no exact integer, the case that made SQLite fail with a datatype mismatch', () => {
    expect(refusal(() => pageParams('3120706835617932288', undefined, undefined)).field).toBe('page');
    const error = refusal(() => pageParams(String(Math.floor(Number.MAX_SAFE_INTEGER / 10) + 1), '10', undefined));
    expect(error.message).toMatch(/page must be at most 900719925474099 with size 10/);
    expect(pageParams(String(Math.floor(Number.MAX_SAFE_INTEGER / 10)), '10', undefined)).toEqual({ page: 900719925474099, size: 10 });
  });

  it('refuses sizes and pages out of range or not integers', () => {
    expect(refusal(() => pageParams(undefined, '0', undefined)).field).toBe('size');
    expect(refusal(() => pageParams(undefined, '10001', undefined)).message).toMatch(/size must be at most 10000/);
    expect(refusal(() => pageParams(undefined, '1001', undefined, 1000)).message).toMatch(/at most 1000/);
    expect(refusal(() => pageParams('0', undefined, undefined)).field).toBe('page');
    expect(refusal(() => pageParams('1.5', undefined, undefined)).field).toBe('page');
    expect(refusal(() => pageParams('-1', undefined, undefined)).field).toBe('page');
  });
});

describe('pageParams sorts', () => {
  it('keeps every sort given, repeated or comma-separated, in order', () => {
    expect(pageParams(undefined, undefined, ['namespace:asc', 'id:desc,revision'])).toEqual({ sort: 'namespace:asc,id:desc,revision' });
  });
});

describe("Kestra's older simple parameters", () => {
  const spec: SearchQuerySpec = { resource: 'execution', params: [], legacy: { childFilter: { field: 'childFilter', operation: 'EQUALS' }, q: { field: 'q', operation: 'EQUALS' } } };

  it('reads them as the filters they stand for', () => {
    expect(readSearchQuery({ childFilter: 'main', q: 'etl' }, spec).filters).toEqual([
      { field: 'childFilter', operation: 'EQUALS', values: ['MAIN'] },
      { field: 'q', operation: 'EQUALS', values: ['etl'] },
    ]);
  });

  it('refuses one whose value the filter cannot take', () => {
    expect(refusal(() => readSearchQuery({ childFilter: 'ORPHAN' }, spec)).message).toMatch(/"ORPHAN" is not one of CHILD, MAIN/);
  });
});
