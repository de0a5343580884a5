import { setTimeout as wait } from 'node:timers/promises';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { isTerminated, parseFlow, type Execution, type Flow } from '@osprey/flow-model';
import { loadPlugins } from '@osprey/plugins';
import { EXECUTION_EVENT_QUEUE, WORKER_JOB_QUEUE, type ExecutionEventQueue, type WorkerJobQueue } from '@osprey/queue';
import { REPOSITORY, type Repository } from '@osprey/repository';
import { loadConfig, type Logger } from '@osprey/server';
import { TriggerExecution } from '../executions/trigger-execution.js';
import { createOspreyApp } from '../nest/create-osprey-app.js';
import { FlowTestTimeoutError } from './flow-test-timeout-error.js';

export { FlowTestTimeoutError } from './flow-test-timeout-error.js';

export interface FlowTestRequest {
  flowFile: string;
  /** Folder whose flows are deployed first (subflows, flows with Flow triggers). */
  flowsDir?: string;
  inputs: Record<string, unknown>;
  timeoutMs?: number;
  logger: Logger;
  /** Plugins whose task types the flows use (the configuration's `plugins`), loaded before the flows are read. */
  plugins?: readonly string[];
}

export interface FlowTestResult {
  execution: Execution;
  /** Executions of other flows the run started, in the order they ended. */
  triggered: Execution[];
}

/**
 * Runs one flow to its end on a throw-away embedded backend, with an executor and a worker in this
 * process: what `osprey flow test` prints. Invalid flows and inputs throw before anything runs.
 */
export async function runFlowTest(request: FlowTestRequest): Promise<FlowTestResult> {
  const plugins = [...(request.plugins ?? [])];
  if (plugins.length > 0) await loadPlugins(plugins);
  const mainSource = await readFile(request.flowFile, 'utf8');
  const main = parseFlow(mainSource, { fileName: request.flowFile });
  const others = request.flowsDir ? await readFlows(request.flowsDir, resolve(request.flowFile), request.logger) : [];

  const dataDir = await mkdtemp(join(tmpdir(), 'osprey-flow-test-'));
  const config = loadConfig({ env: {}, overrides: { dataDir, 'worker.leaseMs': 15_000, plugins } });
  // The executor and worker modules on a throw-away SQLite backend, their queue transport connected as in a server;
  // the application never listens on HTTP.
  const app = await createOspreyApp({ config, roles: ['executor', 'worker'], logger: request.logger }).catch(async (error: unknown) => {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  });
  try {
    const repo = app.get<Repository>(REPOSITORY);
    for (const { flow, source } of others) await repo.flows.save(flow, source);
    await repo.flows.save(main, mainSource);
    // The services start with the application's bootstrap hook and the transport, once the flows are there.
    await app.init();
    await app.startAllMicroservices();
    const created = await app.get(TriggerExecution).execute({ namespace: main.namespace, flowId: main.id, inputs: request.inputs });
    const queues = { events: app.get<ExecutionEventQueue>(EXECUTION_EVENT_QUEUE), jobs: app.get<WorkerJobQueue>(WORKER_JOB_QUEUE) };
    const execution = await waitForEnd(repo, queues, created.id, request.timeoutMs ?? 120_000);
    const all = await repo.executions.search({ size: 10_000 });
    const triggered: Execution[] = [];
    for (const summary of all.results) {
      if (summary.id === execution.id) continue;
      const full = await repo.executions.get(summary.id);
      if (full) triggered.push(full);
    }
    triggered.sort((a, b) => (a.state.endDate ?? '').localeCompare(b.state.endDate ?? ''));
    return { execution, triggered };
  } finally {
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function readFlows(dir: string, exclude: string, logger: Logger): Promise<{ flow: Flow; source: string }[]> {
  const flows: { flow: Flow; source: string }[] = [];
  for (const name of (await readdir(dir)).sort()) {
    const path = resolve(dir, name);
    if (path === exclude || !['.yaml', '.yml'].includes(extname(name))) continue;
    const source = await readFile(path, 'utf8');
    try {
      flows.push({ flow: parseFlow(source, { fileName: path }), source });
    } catch (error) {
      logger.warn({ file: path, err: error }, 'flow skipped: it does not validate');
    }
  }
  return flows;
}

/** How often a flow test looks whether its execution ended. */
const END_POLL_MS = 20;

/**
 * Over when the execution ended (or waits on a Pause that only a person can resume), every execution
 * it started ended too, and no event or job is left.
 */
async function waitForEnd(
  repository: Repository,
  { events, jobs }: { events: ExecutionEventQueue; jobs: WorkerJobQueue },
  id: string,
  timeoutMs: number,
): Promise<Execution> {
  const deadline = Date.now() + timeoutMs;
  let execution: Execution | null = null;
  while (Date.now() < deadline) {
    execution = await repository.executions.get(id);
    if (execution && (isTerminated(execution.state.current) || execution.state.current === 'PAUSED')) {
      const [pendingEvents, jobDepth] = await Promise.all([events.depth(), jobs.depth()]);
      if (pendingEvents === 0 && jobDepth.pending === 0 && jobDepth.running === 0) {
        const open = await repository.executions.search({ state: ['CREATED', 'RUNNING', 'RESTARTED', 'KILLING', 'QUEUED'], size: 1 });
        if (open.total === 0) return execution;
      }
    }
    await wait(END_POLL_MS);
  }
  throw new FlowTestTimeoutError(execution, timeoutMs);
}
