/** The extension of a stored file's name (`.csv`), or `.tmp` when it has none, as Kestra names derived files. */
export function storageExtension(uri: string): string {
  const name = uri.slice(uri.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot) : '.tmp';
}
