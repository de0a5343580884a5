/** A search request the repository cannot serve (unknown sort field, bad page); the API maps it to 400. */
export class InvalidQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidQueryError';
  }
}
