import { FlowValidationError, parseFlow, type StoredFlow, type Violation } from '@osprey/flow-model';
import type { DeployFlow } from './deploy-flow.js';
import type { FlowSourceFile } from './flow-archive.js';
import { shiftViolations } from './validate-flows.js';

export interface FlowImportFailure {
  file: string;
  violations: Violation[];
}

/** An import with invalid flows: nothing was stored; every failing file is listed. */
export class FlowImportError extends Error {
  constructor(readonly failures: FlowImportFailure[]) {
    super(`import refused, nothing was stored: ${failures.length === 1 ? '1 file is' : `${failures.length} files are`} invalid (${failures.map((f) => f.file).join(', ')})`);
    this.name = 'FlowImportError';
  }
}

/**
 * Imports many flows at once (a ZIP of sources or a multi-document YAML). Every flow is validated before any is
 * stored, so an import with one broken file stores nothing; then each is deployed (created or revised).
 */
export class ImportFlows {
  constructor(private readonly deploy: DeployFlow) {}

  /** `namespace`: every flow must be in it (a namespace sync). */
  async execute(files: FlowSourceFile[], options: { namespace?: string } = {}): Promise<StoredFlow[]> {
    const failures: FlowImportFailure[] = [];
    const seen = new Map<string, string>();
    for (const file of files) {
      try {
        const flow = parseFlow(file.source, { fileName: file.name });
        const key = `${flow.namespace}.${flow.id}`;
        if (options.namespace !== undefined && flow.namespace !== options.namespace) {
          failures.push({ file: file.name, violations: [{ path: 'namespace', message: `must be ${options.namespace}, is ${flow.namespace}` }] });
          continue;
        }
        const first = seen.get(key);
        if (first) failures.push({ file: file.name, violations: [{ path: 'id', message: `flow ${key} is also defined in ${first}` }] });
        else seen.set(key, file.name);
      } catch (error) {
        if (!(error instanceof FlowValidationError)) throw error;
        failures.push({ file: file.name, violations: shiftViolations(error.violations, (file.firstLine ?? 1) - 1) });
      }
    }
    if (failures.length > 0) throw new FlowImportError(failures);
    const stored: StoredFlow[] = [];
    for (const file of files) stored.push(await this.deploy.execute({ source: file.source, fileName: file.name, mode: 'upsert' }));
    return stored;
  }
}
