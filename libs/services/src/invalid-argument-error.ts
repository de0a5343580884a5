/** A request value the API cannot accept (a query parameter, a path, a header); the API answers 400 naming `field`. */
export class InvalidArgumentError extends Error {
  constructor(readonly field: string, message: string) {
    // Messages that already start with the field's name read fine as they are.
    super(message.startsWith(field) ? message : `${field}: ${message}`);
    this.name = 'InvalidArgumentError';
  }
}
