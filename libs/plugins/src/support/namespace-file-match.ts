import type { NamespaceFileStore } from '../task-runner.js';
import { pathMatcher } from './glob-match.js';
import { TaskPropertyError } from './task-errors.js';

/**
 * The files of a namespace whose `/`-rooted path matches one of `patterns` (Kestra's
 * `Namespace.findAllFilesMatching(PathMatcherPredicate.matches(...))`), in path order.
 */
export async function matchingNamespaceFiles(files: NamespaceFileStore, patterns: readonly string[], property: string): Promise<string[]> {
  let matches: (path: string) => boolean;
  try {
    matches = pathMatcher(patterns);
  } catch (error) {
    if (error instanceof SyntaxError) throw new TaskPropertyError(property, error.message);
    throw error;
  }
  return (await files.list()).filter(matches);
}
