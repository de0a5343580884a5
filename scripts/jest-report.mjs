// Reads the totals of a jest run from its --json report, for the `tests: N passed, M failed` line of `npm test`.
import { readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Passed and failed tests of the report at `path` (suites that crashed count as failures; a missing report, i.e.
 * jest crashed, counts as one; a non-zero exit without a failure counts as one), then removes the report's folder.
 */
export function jestTotals(path, exitStatus) {
  let passed = 0;
  let failed = 0;
  try {
    const summary = JSON.parse(readFileSync(path, 'utf8'));
    passed = summary.numPassedTests;
    failed = summary.numFailedTests + (summary.numRuntimeErrorTestSuites ?? 0);
  } catch {
    failed = 1; // jest crashed before writing its report
  }
  rmSync(dirname(path), { recursive: true, force: true });
  if (exitStatus !== 0 && failed === 0) failed = 1;
  return { passed, failed };
}
