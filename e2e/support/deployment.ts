import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OspreyProcess } from './osprey-process.js';

/**
 * How an e2e suite runs Osprey: `local` is `osprey server local` (one process); `split` is a
 * webserver, an executor and a worker as three processes on one SQLite file (plus a scheduler
 * when asked). Suites that cover the API run against both.
 */
export type Topology = 'local' | 'split';

export const TOPOLOGIES: Topology[] = ['local', 'split'];

export interface Deployment {
  topology: Topology;
  /** Base URL of the API, e.g. http://localhost:41234 */
  api: string;
  dataDir: string;
  processes: OspreyProcess[];
  stop(): Promise<void>;
}

export interface DeploymentOptions {
  /** Extra environment for every process (OSPREY_* settings). */
  env?: NodeJS.ProcessEnv;
  /** Extra arguments for every process, e.g. ['--config', file]. */
  args?: string[];
  /** Also start a scheduler in the split topology. */
  scheduler?: boolean;
}

export async function startDeployment(topology: Topology, options: DeploymentOptions = {}): Promise<Deployment> {
  const dataDir = mkdtempSync(join(tmpdir(), `osprey-${topology}-`));
  const env = { OSPREY_LOGGING_LEVEL: 'info', ...options.env };
  const processes: OspreyProcess[] = [];
  const start = (name: string, command: string[]) => {
    const p = new OspreyProcess(name, [...command, '--port', '0', '--data-dir', dataDir, ...(options.args ?? [])], env);
    processes.push(p);
    return p;
  };
  const stop = async () => {
    await Promise.all(processes.map((p) => p.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const web = topology === 'local' ? start('server', ['server', 'local']) : start('webserver', ['webserver']);
    if (topology === 'split') {
      start('executor', ['executor']);
      start('worker', ['worker']);
      if (options.scheduler) start('scheduler', ['scheduler']);
    }
    const api = String((await web.waitForLog(/listening on/)).url);
    await Promise.all(processes.map((p) => p.waitForLog(/osprey services started/)));
    return { topology, api, dataDir, processes, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
