import { InvalidQueryError, NotFoundError, RepositoryUnavailableError } from '@osprey/repository';
import { SearchUnavailableError } from '@osprey/repository/search';
import { BulkActionError } from '../executions/bulk-action-error.js';
import { errorResponse } from './error.filter.js';

describe('errorResponse', () => {
  it('answers 503 when the repository cannot be reached, whichever adapter said so, and names the cause', () => {
    expect(errorResponse(new RepositoryUnavailableError('connect ECONNREFUSED'))).toEqual([503, { message: 'the repository is unavailable, retry later: connect ECONNREFUSED' }]);
    expect(errorResponse(new SearchUnavailableError('search server unreachable', 503))[0]).toBe(503);
  });

  it('keeps 4xx for what the caller got wrong and 500 without details for the rest', () => {
    expect(errorResponse(new NotFoundError('flow', 'ns.f'))).toEqual([404, { message: 'flow ns.f not found' }]);
    expect(errorResponse(new InvalidQueryError('unknown sort field x'))).toEqual([400, { message: 'unknown sort field x' }]);
    expect(errorResponse(new Error('secret detail'))).toEqual([500, { message: 'internal error' }]);
  });

  it("answers a refused bulk as Kestra's BulkErrorResponse, with its 400", () => {
    expect(errorResponse(new BulkActionError('kill', [{ message: 'execution not found', invalidValue: 'x' }]))).toEqual([
      400,
      { message: 'invalid bulk kill', invalids: [{ message: 'execution not found', invalidValue: 'x' }] },
    ]);
  });
});
