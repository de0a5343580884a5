/** Values of outputs that name a file of the internal storage (`kestra:///...`), which the UI offers to preview and download. */

export const STORAGE_PREFIX = 'kestra:///';

export function isStorageUri(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(STORAGE_PREFIX) && value.length > STORAGE_PREFIX.length;
}

export function storageFileName(uri: string): string {
  return uri.slice(uri.lastIndexOf('/') + 1);
}

/** API paths of an execution file's download and preview; both take the URI as the `path` query parameter. */
export function executionFilePaths(executionId: string): { download: string; preview: string } {
  const base = `/api/v1/executions/${encodeURIComponent(executionId)}/file`;
  return { download: base, preview: `${base}/preview` };
}
