/**
 * A search request the repository cannot serve (unknown sort field, bad page, a filter it does not take); the API
 * maps it to 400, naming `parameter` when the request came from one.
 */
export class InvalidQueryError extends Error {
  constructor(
    message: string,
    readonly parameter?: string,
  ) {
    super(message);
    this.name = 'InvalidQueryError';
  }
}
