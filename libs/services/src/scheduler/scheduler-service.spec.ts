import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFlow } from '@osprey/flow-model';
import { openSqliteQueue, type SqliteQueue } from '@osprey/queue/sql';
import { openSqliteRepository, type SqliteRepository } from '@osprey/repository/sql';
import { createLogger } from '@osprey/server';
import { Writable } from 'node:stream';
import { TriggerExecution } from '../executions/trigger-execution.js';
import { TriggerCommands } from '../triggers/trigger-commands.js';
import { nextFireDate, SchedulerService } from './scheduler-service.js';

const silent = createLogger({ service: 'test', instance: 'test', level: 'silent', destination: new Writable({ write: (_c, _e, cb) => cb() }) });

describe('SchedulerService on the embedded backend', () => {
  let dir: string;
  let repository: SqliteRepository;
  let queue: SqliteQueue;
  let trigger: TriggerExecution;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'osprey-scheduler-'));
    repository = await openSqliteRepository(join(dir, 'osprey.db'));
    queue = await openSqliteQueue(join(dir, 'osprey.db'));
    trigger = new TriggerExecution(repository.flows, queue.events);
  });

  afterEach(async () => {
    await queue.close();
    await repository.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function deploy(triggerYaml: string): Promise<void> {
    const source = `id: scheduled\nnamespace: io.osprey.tests\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: tick\ntriggers:\n${triggerYaml}`;
    await repository.flows.save(parseFlow(source), source);
  }

  /** Executions created so far, read from their start events, as (schedule date) strings. */
  async function fired(): Promise<string[]> {
    const claimed = await queue.events.claim('probe', 10_000, 1);
    await queue.events.release('probe', [...new Set(claimed.map((c) => c.executionId))]);
    return claimed.map((c) => c.execution?.scheduleDate ?? '?').sort();
  }

  const scheduler = () => new SchedulerService(repository, trigger, silent, { tickMs: 1000, leaseMs: 30_000 });

  it('fires a cron once per occurrence, from the first occurrence after it was deployed', async () => {
    await deploy(`  - id: every-minute\n    type: io.kestra.plugin.core.trigger.Schedule\n    cron: "* * * * *"\n`);
    const s = scheduler();
    await s.tick(new Date('2026-03-02T10:00:30Z'));
    expect(await fired()).toEqual([]);
    await s.tick(new Date('2026-03-02T10:00:59.900Z'));
    expect(await fired()).toEqual([]);
    await s.tick(new Date('2026-03-02T10:01:00.200Z'));
    await s.tick(new Date('2026-03-02T10:01:00.700Z'));
    expect(await fired()).toEqual(['2026-03-02T10:01:00.000Z']);
    await s.tick(new Date('2026-03-02T10:03:05Z'));
    expect(await fired()).toEqual(['2026-03-02T10:01:00.000Z', '2026-03-02T10:02:00.000Z', '2026-03-02T10:03:00.000Z']);
  });

  it('fires a ScheduleOnDates at each listed date after it was deployed, in date order, then never again', async () => {
    await deploy(
      `  - id: dates\n    type: io.kestra.plugin.core.trigger.ScheduleOnDates\n    timezone: Europe/Paris\n    inputs: {}\n    dates:\n      - 2026-03-02T11:05:00+01:00\n      - 2026-03-02T10:01:00Z\n      - 2026-03-02T09:00:00Z\n`,
    );
    const s = scheduler();
    await s.tick(new Date('2026-03-02T10:00:30Z'));
    expect(await fired()).toEqual([]);
    await s.tick(new Date('2026-03-02T10:01:00.300Z'));
    expect(await fired()).toEqual(['2026-03-02T10:01:00.000Z']);
    await s.tick(new Date('2026-03-02T10:04:00Z'));
    expect(await fired()).toEqual(['2026-03-02T10:01:00.000Z']);
    await s.tick(new Date('2026-03-02T10:05:00.500Z'));
    await s.tick(new Date('2026-03-03T00:00:00Z'));
    expect(await fired()).toEqual(['2026-03-02T10:01:00.000Z', '2026-03-02T10:05:00.000Z']);
    expect((await repository.triggers.get('io.osprey.tests', 'scheduled', 'dates'))?.nextDate).toBeUndefined();
  });

  it("a ScheduleOnDates' conditions see each date in its timezone", async () => {
    // 23:30 UTC on Monday 2 March is 00:30 on Tuesday in Paris.
    const dates = (id: string, zone: string) =>
      `  - id: ${id}\n    type: io.kestra.plugin.core.trigger.ScheduleOnDates\n${zone}    conditions:\n      - type: io.kestra.plugin.core.condition.DayWeek\n        dayOfWeek: TUESDAY\n    dates: [2026-03-02T23:30:00Z]\n`;
    await deploy(dates('paris', '    timezone: Europe/Paris\n') + dates('utc', ''));
    const s = scheduler();
    await s.tick(new Date('2026-03-02T23:00:00Z'));
    await s.tick(new Date('2026-03-02T23:30:00.200Z'));
    const claimed = await queue.events.claim('probe', 10_000, 1);
    expect(claimed.map((c) => c.execution?.trigger?.id)).toEqual(['paris']);
  });

  it('never fires twice when two scheduler replicas tick together', async () => {
    await deploy(`  - id: every-minute\n    type: io.kestra.plugin.core.trigger.Schedule\n    cron: "* * * * *"\n`);
    const [a, b] = [scheduler(), scheduler()];
    await a.tick(new Date('2026-03-02T10:00:30Z'));
    for (let minute = 1; minute <= 3; minute++) {
      const at = new Date(Date.UTC(2026, 2, 2, 10, minute, 0, 300));
      await Promise.all([a.tick(at), b.tick(at), a.tick(at), b.tick(at)]);
    }
    expect(await fired()).toEqual(['2026-03-02T10:01:00.000Z', '2026-03-02T10:02:00.000Z', '2026-03-02T10:03:00.000Z']);
  });

  it('supports seconds, time zones and backfill from a past date', async () => {
    await deploy(
      [
        `  - id: seconds\n    type: io.kestra.plugin.core.trigger.Schedule\n    cron: "*/20 * * * * *"\n    withSeconds: true\n`,
        `  - id: paris\n    type: io.kestra.plugin.core.trigger.Schedule\n    cron: "0 9 * * *"\n    timezone: Europe/Paris\n`,
      ].join(''),
    );
    const s = scheduler();
    await s.tick(new Date('2026-01-15T07:59:05Z'));
    await s.tick(new Date('2026-01-15T08:00:01Z'));
    const dates = await fired();
    expect(dates).toEqual(['2026-01-15T07:59:20.000Z', '2026-01-15T07:59:40.000Z', '2026-01-15T08:00:00.000Z', '2026-01-15T08:00:00.000Z']);
  });

  it('backfills every missed occurrence since backfill.start', async () => {
    await deploy(`  - id: hourly\n    type: io.kestra.plugin.core.trigger.Schedule\n    cron: "0 * * * *"\n    backfill:\n      start: "2026-03-02T06:30:00Z"\n`);
    await scheduler().tick(new Date('2026-03-02T10:15:00Z'));
    expect(await fired()).toEqual(['2026-03-02T07:00:00.000Z', '2026-03-02T08:00:00.000Z', '2026-03-02T09:00:00.000Z', '2026-03-02T10:00:00.000Z']);
  });

  it('stops a backfill given in the flow at its backfill.end, then goes on from now', async () => {
    await deploy(`  - id: hourly\n    type: io.kestra.plugin.core.trigger.Schedule\n    cron: "0 * * * *"\n    backfill:\n      start: "2026-03-02T06:30:00Z"\n      end: "2026-03-02T08:00:00Z"\n`);
    const s = scheduler();
    await s.tick(new Date('2026-03-02T10:15:00Z'));
    expect(await fired()).toEqual(['2026-03-02T07:00:00.000Z', '2026-03-02T08:00:00.000Z']);
    await s.tick(new Date('2026-03-02T11:00:00.300Z'));
    expect(await fired()).toEqual(['2026-03-02T07:00:00.000Z', '2026-03-02T08:00:00.000Z', '2026-03-02T11:00:00.000Z']);
  });

  it('fires only the occurrences whose conditions hold, in the trigger time zone', async () => {
    await deploy(
      [
        `  - id: weekdays\n    type: io.kestra.plugin.core.trigger.Schedule\n    cron: "0 0 * * *"\n    timezone: Europe/Paris\n`,
        `    conditions:\n      - type: io.kestra.plugin.core.condition.Not\n        conditions:\n          - type: io.kestra.plugin.core.condition.Weekend\n`,
      ].join(''),
    );
    const s = scheduler();
    // Friday 6 March 2026, before Paris midnight; then through the weekend to Monday.
    await s.tick(new Date('2026-03-06T12:00:00Z'));
    for (const day of ['06', '07', '08', '09']) await s.tick(new Date(`2026-03-${day}T23:00:01Z`));
    // Paris midnights of Saturday and Sunday (Friday and Saturday 23:00 UTC) are skipped.
    expect(await fired()).toEqual(['2026-03-08T23:00:00.000Z', '2026-03-09T23:00:00.000Z']);
  });

  it('records a FAILED execution, with the error in its logs, for an occurrence whose conditions cannot be evaluated', async () => {
    await deploy(
      `  - id: hourly\n    type: io.kestra.plugin.core.trigger.Schedule\n    cron: "0 * * * *"\n    labels:\n      source: scheduled\n` +
        `    conditions:\n      - type: io.kestra.plugin.core.condition.Expression\n        expression: "{{ trigger.date | nosuchfilter }}"\n`,
    );
    const s = scheduler();
    await s.tick(new Date('2026-03-02T09:30:00Z'));
    await s.tick(new Date('2026-03-02T10:00:00.300Z'));
    await s.tick(new Date('2026-03-02T10:00:00.800Z'));
    const claimed = await queue.events.claim('probe', 10_000, 1);
    expect(claimed).toHaveLength(1);
    const execution = claimed[0]!.execution!;
    expect(execution.state.current).toBe('FAILED');
    expect(execution.state.histories.map((h) => h.state)).toEqual(['CREATED', 'FAILED']);
    expect(execution.scheduleDate).toBe('2026-03-02T10:00:00.000Z');
    expect(execution.inputs).toEqual({});
    expect(execution.labels).toEqual(expect.arrayContaining([{ key: 'source', value: 'scheduled' }]));
    const logs = await repository.logs.search({ executionId: execution.id });
    expect(logs.results.map((l) => [l.level, l.triggerId, l.message])).toEqual([['ERROR', 'hourly', expect.stringMatching(/^Unable to evaluate the Schedule trigger 'hourly': .*nosuchfilter/)]]);
    // The trigger moved on: the next occurrence fails again, once.
    await queue.events.release('probe', [execution.id]);
    await s.tick(new Date('2026-03-02T11:00:00.300Z'));
    expect(await fired()).toEqual(['2026-03-02T10:00:00.000Z', '2026-03-02T11:00:00.000Z']);
  });

  it("labels its executions with the trigger's labels", async () => {
    await deploy(`  - id: hourly\n    type: io.kestra.plugin.core.trigger.Schedule\n    cron: "0 * * * *"\n    labels:\n      source: "schedule-{{ trigger.date }}"\n`);
    const s = scheduler();
    await s.tick(new Date('2026-03-02T09:30:00Z'));
    await s.tick(new Date('2026-03-02T10:00:00.300Z'));
    const claimed = await queue.events.claim('probe', 10_000, 1);
    expect(claimed.map((c) => c.execution?.labels)).toEqual([expect.arrayContaining([{ key: 'source', value: 'schedule-2026-03-02T10:00:00.000Z' }])]);
  });

  it('skips an occurrence later than lateMaximumDelay instead of firing it late', async () => {
    await deploy(`  - id: hourly\n    type: io.kestra.plugin.core.trigger.Schedule\n    cron: "0 * * * *"\n    lateMaximumDelay: PT10M\n`);
    const s = scheduler();
    await s.tick(new Date('2026-03-02T09:30:00Z'));
    // The scheduler was away from 09:30 to 10:20: the 10:00 occurrence is 20 minutes late.
    await s.tick(new Date('2026-03-02T10:20:00Z'));
    expect(await fired()).toEqual([]);
    await s.tick(new Date('2026-03-02T11:05:00Z'));
    expect(await fired()).toEqual(['2026-03-02T11:00:00.000Z']);
  });

  it('recovers missed occurrences as recoverMissedSchedules says: LAST fires the latest, NONE none', async () => {
    await deploy(
      [
        `  - id: last\n    type: io.kestra.plugin.core.trigger.Schedule\n    cron: "0 * * * *"\n    recoverMissedSchedules: LAST\n`,
        `  - id: none\n    type: io.kestra.plugin.core.trigger.Schedule\n    cron: "0 * * * *"\n    recoverMissedSchedules: NONE\n`,
      ].join(''),
    );
    const s = scheduler();
    await s.tick(new Date('2026-03-02T06:30:00Z'));
    // Down from 06:30 to 10:15: 07:00, 08:00, 09:00 and 10:00 were missed.
    await s.tick(new Date('2026-03-02T10:15:00Z'));
    expect(await fired()).toEqual(['2026-03-02T10:00:00.000Z']);
    // Back on time, both fire again.
    await s.tick(new Date('2026-03-02T11:00:00.300Z'));
    expect(await fired()).toEqual(['2026-03-02T10:00:00.000Z', '2026-03-02T11:00:00.000Z', '2026-03-02T11:00:00.000Z']);
  });

  it('names an occurrence fired twice (its scheduler died before storing the next date) with one execution id', async () => {
    await deploy(`  - id: every-minute\n    type: io.kestra.plugin.core.trigger.Schedule\n    cron: "* * * * *"\n`);
    await scheduler().tick(new Date('2026-03-02T10:00:30Z'));
    const before = await repository.triggers.get('io.osprey.tests', 'scheduled', 'every-minute');
    await scheduler().tick(new Date('2026-03-02T10:01:00.200Z'));
    // The state as it was before the fire: what a takeover finds when the release was lost.
    await repository.triggers.save(before!);
    await scheduler().tick(new Date('2026-03-02T10:01:00.400Z'));
    const claimed = await queue.events.claim('probe', 100, 1);
    expect(claimed).toHaveLength(2);
    expect(new Set(claimed.map((c) => c.executionId)).size).toBe(1);
  });

  it('does not fire a disabled trigger', async () => {
    await deploy(`  - id: off\n    type: io.kestra.plugin.core.trigger.Schedule\n    cron: "* * * * *"\n    disabled: true\n`);
    const s = scheduler();
    await s.tick(new Date('2026-03-02T10:00:30Z'));
    await s.tick(new Date('2026-03-02T10:05:30Z'));
    expect(await fired()).toEqual([]);
  });

  it('fires a trigger whose disabled is the text "false", as Kestra reads it', async () => {
    await deploy(`  - id: on\n    type: io.kestra.plugin.core.trigger.Schedule\n    cron: "* * * * *"\n    disabled: "false"\n`);
    const s = scheduler();
    await s.tick(new Date('2026-03-02T10:00:30Z'));
    await s.tick(new Date('2026-03-02T10:01:00.200Z'));
    expect(await fired()).toEqual(['2026-03-02T10:01:00.000Z']);
  });

  it('honours a disable from the API, and skips what it missed once enabled again', async () => {
    await deploy(`  - id: hourly\n    type: io.kestra.plugin.core.trigger.Schedule\n    cron: "0 * * * *"\n`);
    const s = scheduler();
    await s.tick(new Date('2026-03-02T10:30:00Z'));
    const key = { namespace: 'io.osprey.tests', flowId: 'scheduled', triggerId: 'hourly' };
    await new TriggerCommands(repository, queue.broadcast, () => new Date('2026-03-02T10:40:00Z')).setDisabled(key, true);
    await s.tick(new Date('2026-03-02T13:30:00Z'));
    expect(await fired()).toEqual([]);
    await new TriggerCommands(repository, queue.broadcast, () => new Date('2026-03-02T13:40:00Z')).setDisabled(key, false);
    await s.tick(new Date('2026-03-02T14:00:01Z'));
    expect(await fired()).toEqual(['2026-03-02T14:00:00.000Z']);
  });

  it('runs a backfill started from the API with its inputs and labels, pauses it, and resumes the schedule after it', async () => {
    await deploy(`  - id: hourly\n    type: io.kestra.plugin.core.trigger.Schedule\n    cron: "0 * * * *"\n`);
    const s = scheduler();
    await s.tick(new Date('2026-03-02T10:30:00Z'));
    const key = { namespace: 'io.osprey.tests', flowId: 'scheduled', triggerId: 'hourly' };
    const commands = new TriggerCommands(repository, queue.broadcast, () => new Date('2026-03-02T10:31:00Z'));
    await commands.startBackfill(key, { start: '2026-03-02T07:00:00Z', end: '2026-03-02T09:00:00Z', labels: [{ key: 'why', value: 'backfill' }] });
    await s.tick(new Date('2026-03-02T10:31:01Z'));
    const claimed = await queue.events.claim('probe', 10_000, 1);
    await queue.events.release('probe', [...new Set(claimed.map((c) => c.executionId))]);
    expect(claimed.map((c) => c.execution?.scheduleDate).sort()).toEqual(['2026-03-02T07:00:00.000Z', '2026-03-02T08:00:00.000Z', '2026-03-02T09:00:00.000Z']);
    expect(claimed[0]!.execution?.labels).toEqual(expect.arrayContaining([{ key: 'why', value: 'backfill' }, { key: 'system.backfill', value: 'true' }]));
    expect((await repository.triggers.get(key.namespace, key.flowId, key.triggerId))?.backfill).toBeUndefined();
    await s.tick(new Date('2026-03-02T11:00:01Z'));
    expect((await fired()).filter((d) => d.startsWith('2026-03-02T11'))).toEqual(['2026-03-02T11:00:00.000Z']);

    await commands.startBackfill(key, { start: '2026-03-01T00:00:00Z', end: '2026-03-01T05:00:00Z' });
    await commands.setBackfillPaused(key, true);
    await s.tick(new Date('2026-03-02T11:10:00Z'));
    expect((await fired()).filter((d) => d.startsWith('2026-03-01'))).toEqual([]);
    await commands.setBackfillPaused(key, false);
    await s.tick(new Date('2026-03-02T11:10:01Z'));
    expect((await fired()).filter((d) => d.startsWith('2026-03-01'))).toHaveLength(6);
  });

  it('computes the next date in the trigger time zone', () => {
    const next = nextFireDate({ id: 't', type: 'io.kestra.plugin.core.trigger.Schedule', cron: '30 2 * * *', timezone: 'America/New_York' }, new Date('2026-07-01T00:00:00Z'));
    expect(next?.toISOString()).toBe('2026-07-01T06:30:00.000Z');
  });
});
