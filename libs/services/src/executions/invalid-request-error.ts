/** A request that names something wrongly (a bad state, label, date or body field); `field` says which. */
export class InvalidRequestError extends Error {
  constructor(message: string, readonly field?: string) {
    super(message);
    this.name = 'InvalidRequestError';
  }
}
