/** The bucket cannot be used as configured (missing and not to be created, invalid options, refused access). */
export class S3StorageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'S3StorageError';
  }
}
