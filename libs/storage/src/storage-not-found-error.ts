/** Reading a URI that holds no file. */
export class StorageNotFoundError extends Error {
  constructor(readonly uri: string) {
    super(`storage file ${uri} not found`);
    this.name = 'StorageNotFoundError';
  }
}
