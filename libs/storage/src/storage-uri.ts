import { StoragePathError } from './ports.js';

export const STORAGE_SCHEME = 'kestra:///';

/**
 * Splits a `kestra:///a/b/c` URI into its path segments, rejecting anything that could leave the storage root:
 * another scheme, `.`/`..` or empty segments (so no absolute path either), backslashes and NUL bytes.
 * Segments are kept literally (no percent-decoding), so `%2e%2e` is a plain file name, never a parent.
 */
export function storageSegments(uri: string, options: { allowRoot?: boolean } = {}): string[] {
  if (typeof uri !== 'string' || !uri.startsWith(STORAGE_SCHEME)) {
    throw new StoragePathError(String(uri), `must start with ${STORAGE_SCHEME}`);
  }
  const path = uri.slice(STORAGE_SCHEME.length).replace(/\/$/, '');
  if (path === '') {
    if (options.allowRoot) return [];
    throw new StoragePathError(uri, 'must name a path below the root');
  }
  const segments = path.split('/');
  for (const segment of segments) {
    if (segment === '') throw new StoragePathError(uri, 'empty path segment');
    if (segment === '.' || segment === '..') throw new StoragePathError(uri, `"${segment}" segments are not allowed`);
    if (segment.includes('\\') || segment.includes('\0')) throw new StoragePathError(uri, 'backslashes and NUL bytes are not allowed');
  }
  return segments;
}

export function storageUri(segments: readonly string[]): string {
  return STORAGE_SCHEME + segments.join('/');
}

/** The prefix of an execution's files: `kestra:///<namespace as path>/<flow>/executions/<id>/`. */
export function executionStoragePrefix(execution: { namespace: string; flowId: string; id: string }): string {
  return `${STORAGE_SCHEME}${execution.namespace.replace(/\./g, '/')}/${execution.flowId}/executions/${execution.id}/`;
}
