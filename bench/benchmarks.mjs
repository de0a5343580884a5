// The benchmarks. Each deploys its flows through the API, drives the server, waits for the ends by reading
// the database (the SQLite file, or the SQL server with --backend), and derives every duration from the dates
// the server itself recorded.
import { setTimeout as sleep } from 'node:timers/promises';
import { forEachFlow, NAMESPACE, sequentialFlow, twoTaskFlow } from './flows.mjs';
import { machineCpuTicks, RssSampler } from './server-process.mjs';
import { dateMs, mean, percentile } from './stats.mjs';

/**
 * @typedef {{ server: import('./server-process.mjs').ServerProcess, api: import('./api-client.mjs').ApiClient,
 *   db: import('./db-reader.mjs').DbReader, quick: boolean, timeoutMs: number, log: (line: string) => void }} BenchContext
 * @typedef {{ label: string, metrics: Record<string, number>, peakRss: number, failed: number, notes: string[] }} CaseResult
 */

/** Runs `body` with the server's RSS sampled every 50 ms; returns its result with the peak. */
async function measured(ctx, body) {
  const sampler = await RssSampler.start(ctx.server, 50);
  const cpuBefore = await ctx.server.cpuMs();
  const machineBefore = await machineCpuTicks();
  const t0 = Date.now();
  try {
    const result = await body();
    const machineAfter = await machineCpuTicks();
    const cpu = {
      busyMs: (await ctx.server.cpuMs()) - cpuBefore,
      wallMs: Date.now() - t0,
      // Share of all cores busy (server, harness and anything else on the machine).
      machineBusy: (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total),
    };
    return { ...result, cpu, peakRss: await sampler.stop() };
  } catch (error) {
    await sampler.stop();
    throw error;
  }
}

/**
 * Runs a case `count` times (a shared 2-core machine is noisy) and returns the round with the median
 * `key`, with the range of `key` over the rounds, the worst failures and the highest peak RSS.
 */
async function rounds(count, key, runRound) {
  const all = [];
  for (let round = 0; round < count; round++) {
    all.push(await runRound(round));
    if (round + 1 < count) await sleep(500);
  }
  const sorted = [...all].sort((a, b) => a.metrics[key] - b.metrics[key]);
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  return [
    {
      ...median,
      rounds: count,
      range: { key, min: sorted[0].metrics[key], max: sorted[sorted.length - 1].metrics[key] },
      failed: Math.max(...all.map((r) => r.failed)),
      notes: [...new Set(all.flatMap((r) => r.notes))],
      peakRss: Math.max(...all.map((r) => r.peakRss)),
    },
  ];
}

/** Runs `count` calls of `fn` with at most `concurrency` in flight. */
async function pool(count, concurrency, fn) {
  let next = 0;
  const lanes = Array.from({ length: Math.min(count, concurrency) }, async () => {
    while (next < count) await fn(next++);
  });
  await Promise.all(lanes);
}

function notSuccessful(executions) {
  return executions.filter((e) => e.state !== 'SUCCESS').length;
}

function historyDate(histories, state) {
  return dateMs(histories?.find((h) => h.state === state)?.date);
}

/** 1. Throughput: N two-task executions created as fast as the API takes them. */
async function throughput(ctx) {
  const count = ctx.quick ? 100 : 1000;
  const concurrency = 32;
  return rounds(ctx.quick ? 1 : 3, 'executionsPerSecond', async (round) => {
    const flowId = `two-tasks-throughput-${round}`;
    await ctx.api.deployFlow(twoTaskFlow(flowId));
    return measured(ctx, async () => {
      const firstTrigger = Date.now();
      await pool(count, concurrency, () => ctx.api.trigger(NAMESPACE, flowId));
      const lastTriggered = Date.now();
      await ctx.db.waitForEnded(NAMESPACE, flowId, count, { pollMs: 100, timeoutMs: ctx.timeoutMs });
      const executions = await ctx.db.executions(NAMESPACE, flowId);
      const lastEnd = Math.max(...executions.map((e) => dateMs(e.endDate)));
      const latencies = executions.map((e) => dateMs(e.endDate) - dateMs(e.startDate));
      return {
        label: `${count} executions of Log + Return, ${concurrency} API requests in flight`,
        metrics: {
          executionsPerSecond: count / ((lastEnd - firstTrigger) / 1000),
          triggersPerSecond: count / ((lastTriggered - firstTrigger) / 1000),
          wallMs: lastEnd - firstTrigger,
          latencyP50: percentile(latencies, 50),
          latencyP99: percentile(latencies, 99),
        },
        failed: notSuccessful(executions),
        notes: [],
      };
    });
  });
}

/** 2. Trigger to first task start on an idle system: sequential single executions. */
async function firstTask(ctx) {
  const count = ctx.quick ? 20 : 100;
  const flowId = 'two-tasks-idle';
  await ctx.api.deployFlow(twoTaskFlow(flowId));
  const result = await measured(ctx, async () => {
    const ids = [];
    for (let i = 0; i < count; i++) {
      const execution = await ctx.api.trigger(NAMESPACE, flowId);
      ids.push(execution.id);
      await ctx.db.waitForEnd(execution.id, { pollMs: 5, timeoutMs: ctx.timeoutMs });
      // Let the server finish what follows an end (log flush, job ack) so the next one starts idle.
      await sleep(50);
    }
    const executions = new Map((await ctx.db.executions(NAMESPACE, flowId)).map((e) => [e.id, e]));
    const toFirstTask = [];
    const toRunning = [];
    const endToEnd = [];
    for (const id of ids) {
      const execution = executions.get(id);
      const created = dateMs(execution.startDate);
      const first = (await ctx.db.taskRuns(id))[0];
      const attempt = first?.attempts?.[0];
      toFirstTask.push(historyDate(attempt?.state.histories ?? first?.state.histories, 'RUNNING') - created);
      toRunning.push(historyDate(execution.histories, 'RUNNING') - created);
      endToEnd.push(dateMs(execution.endDate) - created);
    }
    return {
      label: `${count} sequential executions of Log + Return, each after the previous ended`,
      metrics: {
        firstTaskP50: percentile(toFirstTask, 50),
        firstTaskP99: percentile(toFirstTask, 99),
        executionRunningP50: percentile(toRunning, 50),
        endToEndP50: percentile(endToEnd, 50),
        endToEndP99: percentile(endToEnd, 99),
      },
      failed: notSuccessful([...executions.values()]),
      notes: [],
    };
  });
  return [result];
}

/** 3. Sequential flows of Log tasks: per-task cost at two sizes. */
async function sequential(ctx) {
  const sizes = ctx.quick ? [10, 100] : [100, 1000];
  const results = [];
  for (const size of sizes) {
    const flowId = `sequential-${size}`;
    await ctx.api.deployFlow(sequentialFlow(flowId, size));
    const count = ctx.quick ? 1 : size <= 100 ? 5 : 3;
    results.push(...(await rounds(count, 'msPerTask', () => measured(ctx, () => runSequential(ctx, flowId, size)))));
  }
  const [small, large] = results;
  large.metrics.ratioToSmall = large.metrics.msPerTask / small.metrics.msPerTask;
  return results;
}

async function runSequential(ctx, flowId, size) {
  const created = await ctx.api.trigger(NAMESPACE, flowId);
  await ctx.db.waitForEnd(created.id, { pollMs: 50, timeoutMs: ctx.timeoutMs });
  const execution = await ctx.db.execution(created.id);
  const wallMs = dateMs(execution.endDate) - dateMs(execution.startDate);
  const taskRuns = await ctx.db.taskRuns(created.id);
  // Orchestration overhead proper: from one task run's end to the next one RUNNING on the worker.
  const gaps = [];
  for (let i = 1; i < taskRuns.length; i++) gaps.push(historyDate(taskRuns[i].state.histories, 'RUNNING') - dateMs(taskRuns[i - 1].state.endDate));
  return {
    label: `${size} Log tasks in sequence`,
    metrics: {
      size,
      wallMs,
      msPerTask: wallMs / size,
      gapMean: mean(gaps),
      firstTenthMsPerTask: phaseCost(taskRuns, 0, 0.1),
      lastTenthMsPerTask: phaseCost(taskRuns, 0.9, 1),
    },
    failed: notSuccessful([execution]),
    notes: taskRuns.length === size ? [] : [`${taskRuns.length} task runs instead of ${size}`],
  };
}

/** Mean wall time per task over a slice of the run (by task order), to show cost rising within one execution. */
function phaseCost(taskRuns, from, to) {
  const start = Math.floor(taskRuns.length * from);
  const end = Math.max(start + 1, Math.floor(taskRuns.length * to)) - 1;
  if (end >= taskRuns.length || end <= start) return Number.NaN;
  return (dateMs(taskRuns[end].state.endDate) - dateMs(taskRuns[start].state.startDate)) / (end - start + 1);
}

/** 4. ForEach over N values, all at once (concurrencyLimit 0, the fan-out) and one at a time (the default 1). */
async function forEach(ctx) {
  const size = ctx.quick ? 100 : 1000;
  const results = [];
  for (const concurrencyLimit of [0, 1]) {
    const flowId = `foreach-${size}-c${concurrencyLimit}`;
    await ctx.api.deployFlow(forEachFlow(flowId, size, concurrencyLimit));
    results.push(...(await rounds(ctx.quick ? 1 : 3, 'wallMs', () => measured(ctx, () => runForEach(ctx, flowId, size, concurrencyLimit)))));
  }
  return results;
}

async function runForEach(ctx, flowId, size, concurrencyLimit) {
  const created = await ctx.api.trigger(NAMESPACE, flowId);
  await ctx.db.waitForEnd(created.id, { pollMs: 50, timeoutMs: ctx.timeoutMs });
  const execution = await ctx.db.execution(created.id);
  const wallMs = dateMs(execution.endDate) - dateMs(execution.startDate);
  const taskRuns = await ctx.db.countTaskRuns(created.id);
  return {
    label: `ForEach over ${size} values (one Log each), concurrencyLimit ${concurrencyLimit}`,
    metrics: { size, concurrencyLimit, wallMs, msPerItem: wallMs / size, taskRuns },
    failed: notSuccessful([execution]),
    notes: taskRuns === size + 1 ? [] : [`${taskRuns} task runs instead of ${size + 1}`],
  };
}

export const BENCHMARKS = [
  { name: 'throughput', title: '1. Throughput, 2-task flow', run: throughput },
  { name: 'first-task', title: '2. Trigger to first task start (idle)', run: firstTask },
  { name: 'sequential', title: '3. Sequential flow', run: sequential },
  { name: 'foreach', title: '4. ForEach', run: forEach },
];
