/** One execution a bulk action refused, as Kestra's BulkErrorResponse lists it. */
export interface BulkInvalid {
  message: string;
  invalidValue: string;
}

/** A bulk action refused whole because some of its executions cannot take it: nothing was changed. */
export class BulkActionError extends Error {
  constructor(
    readonly action: string,
    readonly invalids: BulkInvalid[],
  ) {
    super(`invalid bulk ${action}`);
    this.name = 'BulkActionError';
  }
}
