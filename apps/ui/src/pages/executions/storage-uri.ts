/** Values of outputs that name a file of the internal storage (`kestra:///...`), which the UI offers to preview and download. */

export const STORAGE_PREFIX = 'kestra:///';

export function isStorageUri(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(STORAGE_PREFIX) && value.length > STORAGE_PREFIX.length;
}

export function storageFileName(uri: string): string {
  return uri.slice(uri.lastIndexOf('/') + 1);
}

/** API paths (relative to /api/v1) of an execution file's download and preview. */
export function executionFilePaths(executionId: string, uri: string): { download: string; preview: string } {
  const id = encodeURIComponent(executionId);
  const path = encodeURIComponent(uri);
  return { download: `/executions/${id}/file?path=${path}`, preview: `/executions/${id}/file/preview?path=${path}` };
}
