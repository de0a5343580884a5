/** One rejected document of a bulk request. */
export interface SearchBulkFailure {
  index: string;
  id?: string;
  status: number;
  type: string;
  reason: string;
}

/**
 * Some documents of a bulk write were rejected (other than by an older redelivered version, which is expected).
 * `retryable` is true when every failure is transient (429, 5xx): writing the same batch again may succeed.
 */
export class SearchBulkError extends Error {
  readonly retryable: boolean;

  constructor(readonly failures: SearchBulkFailure[]) {
    const first = failures[0];
    super(`${failures.length} document(s) rejected by the search server; first: ${first ? `${first.index}/${first.id ?? '?'}: ${first.status} ${first.type}: ${first.reason}` : 'none'}`);
    this.name = 'SearchBulkError';
    this.retryable = failures.every((failure) => failure.status === 429 || failure.status >= 500);
  }
}
