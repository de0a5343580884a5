import { RepositoryUnavailableError } from '../repository-unavailable-error.js';

/**
 * The search server could not be reached or refused the work for now (connection refused, timeout, 429, 5xx).
 * A caller that projects a queue (the indexer) retries and must not commit its offsets.
 */
export class SearchUnavailableError extends RepositoryUnavailableError {
  constructor(
    message: string,
    readonly statusCode?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SearchUnavailableError';
  }
}
