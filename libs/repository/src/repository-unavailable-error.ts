import { BackendUnavailableError } from '@osprey/flow-model';

/**
 * The repository's server cannot be reached or refuses work for now (connection refused, timeout, overload): the
 * same request may succeed later, and nothing was written. The API maps it to 503; callers may retry or fall back.
 */
export class RepositoryUnavailableError extends BackendUnavailableError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RepositoryUnavailableError';
  }
}
