/** A request value the API cannot accept (a query parameter, a path, a header); the API answers 400 naming `field`. */
export class InvalidArgumentError extends Error {
  constructor(readonly field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'InvalidArgumentError';
  }
}
