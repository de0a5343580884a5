/** The search server answered a request with an error that retrying will not fix (a bad query, a bad mapping). */
export class SearchRequestError extends Error {
  constructor(
    readonly statusCode: number,
    readonly type: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`search server answered ${statusCode} ${type}: ${reason}`, options);
    this.name = 'SearchRequestError';
  }
}
