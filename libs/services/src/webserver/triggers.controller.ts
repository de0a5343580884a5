import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { flag, type Trigger } from '@osprey/flow-model';
import { matchesFilters, type QueryFilter, type TriggerState, REPOSITORY, type Repository } from '@osprey/repository';
import { InvalidArgumentError } from '../invalid-argument-error.js';
import { TriggerCommands, type BackfillRequest, type TriggerKey } from '../triggers/trigger-commands.js';
import { ApiFilters, ApiPaging } from './api-docs.js';
import { readSearchQuery, type RawQuery, type SearchQuerySpec } from './filter-params.js';
import { oneParam, pageParams } from './query-params.js';
import { UnsupportedQuery } from './query-declarations.js';

const SEARCH: SearchQuerySpec = { resource: 'trigger', params: ['q', 'namespace', 'flowId', 'page', 'size', 'sort'] };
const SORTABLE_TEXT = 'triggerId, flowId, namespace, nextExecutionDate';

const TRIGGER_BODY = {
  schema: {
    type: 'object',
    required: ['namespace', 'flowId', 'triggerId'],
    properties: {
      namespace: { type: 'string' },
      flowId: { type: 'string' },
      triggerId: { type: 'string' },
      disabled: { type: 'boolean' },
      backfill: { type: 'object', properties: { start: { type: 'string' }, end: { type: 'string' }, inputs: { type: 'object' }, labels: { type: 'array', items: { type: 'object' } } } },
    },
  },
};
const BAD_REQUEST = ApiResponse({ status: 400, description: 'A field is malformed; the body names it' });
const NOT_FOUND = ApiResponse({ status: 404, description: 'Unknown flow or trigger' });
const CONFLICT = ApiResponse({ status: 409, description: 'The trigger is not in a state that allows this' });

/** Kestra's trigger endpoints (`/api/v1/triggers`): list and search, unlock, enable/disable, backfills. */
@ApiTags('Triggers')
@Controller('api/v1')
export class TriggersController {
  constructor(
    @Inject(REPOSITORY) private readonly repository: Repository,
    @Inject(TriggerCommands) private readonly commands: TriggerCommands,
  ) {}

  @Get('triggers/search')
  @ApiOperation({ summary: 'Search triggers: each trigger of each flow with its context (state)' })
  @ApiQuery({ name: 'q', required: false, description: 'Text the flow or trigger id contains' })
  @ApiQuery({ name: 'namespace', required: false })
  @ApiQuery({ name: 'flowId', required: false })
  @ApiPaging(10_000, 10, SORTABLE_TEXT)
  @UnsupportedQuery({ dateFilter: 'filter dates with filters[...]' })
  @ApiFilters('trigger')
  @ApiResponse({ status: 200, description: '{results: [{abstractTrigger, triggerContext}], total}' })
  @BAD_REQUEST
  async search(@Query() raw: RawQuery) {
    const { filters, params } = readSearchQuery(raw, SEARCH);
    const text = oneParam(params.q, 'q')?.toLowerCase();
    const paging = pageParams(params.page, params.size, params.sort, 10_000, 10);
    const all = (await this.listAll(oneParam(params.namespace, 'namespace'), oneParam(params.flowId, 'flowId'))).filter(
      (t) => (!text || t.triggerContext.triggerId.toLowerCase().includes(text) || t.triggerContext.flowId.toLowerCase().includes(text)) && matchesTrigger(filters, t.triggerContext),
    );
    return paginate(all, paging);
  }

  @Get('triggers/:namespace/:flowId')
  @ApiOperation({ summary: 'Trigger contexts of one flow' })
  @ApiParam({ name: 'namespace' })
  @ApiParam({ name: 'flowId' })
  @ApiQuery({ name: 'page', required: false, schema: { type: 'integer', minimum: 1 }, description: 'Page number, from 1 (default 1).' })
  @ApiQuery({ name: 'size', required: false, schema: { type: 'integer', minimum: 1, maximum: 10_000 }, description: 'Page size, 1 to 10000 (default 10).' })
  @UnsupportedQuery({ q: 'search triggers by text with /api/v1/triggers/search?q=...', sort: 'the triggers of one flow come in the order the flow declares them' })
  @ApiResponse({ status: 200, description: '{results: [triggerContext], total}' })
  @BAD_REQUEST
  async ofFlow(@Param('namespace') namespace: string, @Param('flowId') flowId: string, @Query() raw: RawQuery) {
    const { params } = readSearchQuery(raw, { params: ['page', 'size'] });
    const paging = pageParams(params.page, params.size, undefined, 10_000, 10);
    const all = (await this.listAll(namespace, flowId)).filter((t) => t.triggerContext.namespace === namespace);
    const paged = paginate(all, paging);
    return { total: paged.total, results: paged.results.map((t) => t.triggerContext) };
  }

  @Post('triggers/:namespace/:flowId/:triggerId/unlock')
  @HttpCode(200)
  @ApiOperation({ summary: 'Unlock a trigger held by a scheduler (or waiting on an execution)' })
  @ApiParam({ name: 'namespace' })
  @ApiParam({ name: 'flowId' })
  @ApiParam({ name: 'triggerId' })
  @ApiResponse({ status: 200, description: 'The trigger context' })
  @NOT_FOUND
  @CONFLICT
  async unlock(@Param('namespace') namespace: string, @Param('flowId') flowId: string, @Param('triggerId') triggerId: string) {
    return toContext(await this.commands.unlock({ namespace, flowId, triggerId }));
  }

  @Put('triggers')
  @ApiOperation({ summary: 'Update a trigger: enable/disable it (`disabled`), or start a backfill (`backfill`)' })
  @ApiBody(TRIGGER_BODY)
  @ApiResponse({ status: 200, description: 'The trigger context' })
  @BAD_REQUEST
  @NOT_FOUND
  @CONFLICT
  async update(@Body() body: unknown) {
    const key = triggerKey(body);
    const { disabled, backfill } = body as { disabled?: unknown; backfill?: unknown };
    if (backfill !== undefined && backfill !== null) return toContext(await this.commands.startBackfill(key, backfillRequest(backfill)));
    if (typeof disabled !== 'boolean') throw new InvalidArgumentError('disabled', 'must be true or false (or give a backfill)');
    return toContext(await this.commands.setDisabled(key, disabled));
  }

  @Post('triggers/set-disabled/by-triggers')
  @HttpCode(200)
  @ApiOperation({ summary: 'Enable or disable several triggers' })
  @ApiBody({ schema: { type: 'object', properties: { triggers: { type: 'array', items: TRIGGER_BODY.schema }, disabled: { type: 'boolean' } } } })
  @ApiResponse({ status: 200, description: '{count}' })
  @BAD_REQUEST
  @NOT_FOUND
  async setDisabledByTriggers(@Body() body: unknown) {
    const { triggers, disabled } = (body ?? {}) as { triggers?: unknown; disabled?: unknown };
    if (!Array.isArray(triggers)) throw new InvalidArgumentError('triggers', 'must be a list of {namespace, flowId, triggerId}');
    if (typeof disabled !== 'boolean') throw new InvalidArgumentError('disabled', 'must be true or false');
    const keys = triggers.map(triggerKey);
    for (const key of keys) await this.commands.setDisabled(key, disabled);
    return { count: keys.length };
  }

  @Put('triggers/backfill/pause')
  @ApiOperation({ summary: "Pause a trigger's backfill" })
  @ApiBody(TRIGGER_BODY)
  @ApiResponse({ status: 200, description: 'The trigger context' })
  @BAD_REQUEST
  @NOT_FOUND
  @CONFLICT
  async pauseBackfill(@Body() body: unknown) {
    return toContext(await this.commands.setBackfillPaused(triggerKey(body), true));
  }

  @Put('triggers/backfill/unpause')
  @ApiOperation({ summary: "Resume a trigger's paused backfill" })
  @ApiBody(TRIGGER_BODY)
  @ApiResponse({ status: 200, description: 'The trigger context' })
  @BAD_REQUEST
  @NOT_FOUND
  @CONFLICT
  async unpauseBackfill(@Body() body: unknown) {
    return toContext(await this.commands.setBackfillPaused(triggerKey(body), false));
  }

  @Post('triggers/backfill/delete')
  @HttpCode(200)
  @ApiOperation({ summary: "Delete a trigger's backfill" })
  @ApiBody(TRIGGER_BODY)
  @ApiResponse({ status: 200, description: 'The trigger context' })
  @BAD_REQUEST
  @NOT_FOUND
  @CONFLICT
  async deleteBackfill(@Body() body: unknown) {
    return toContext(await this.commands.deleteBackfill(triggerKey(body)));
  }

  /** Every trigger of every (filtered) flow, with its stored state or the state it would start with. */
  private async listAll(namespace?: string, flowId?: string): Promise<{ abstractTrigger: Trigger; triggerContext: TriggerContext }[]> {
    const flows = (await this.repository.flows.list(namespace)).filter((f) => !flowId || f.id === flowId);
    const states = await this.repository.triggers.list({ namespace, flowId });
    const byKey = new Map(states.map((s) => [`${s.namespace}\u0000${s.flowId}\u0000${s.triggerId}`, s]));
    return flows.flatMap((f) =>
      f.flow.triggers.map((trigger) => {
        const state = byKey.get(`${f.namespace}\u0000${f.id}\u0000${trigger.id}`);
        const context = state ? toContext(state) : { namespace: f.namespace, flowId: f.id, triggerId: trigger.id, disabled: flag(trigger.disabled, false) };
        return { abstractTrigger: trigger, triggerContext: context };
      }),
    );
  }
}

/** Kestra's trigger context (its `Trigger` model) from the stored state. */
interface TriggerContext {
  namespace: string;
  flowId: string;
  triggerId: string;
  disabled: boolean;
  date?: string;
  nextExecutionDate?: string;
  executionId?: string;
  updatedDate?: string;
  workerId?: string;
  evaluateRunningDate?: string;
  backfill?: { start: string; end?: string; currentDate: string; paused: boolean; inputs?: Record<string, unknown>; labels?: unknown[] };
}

function toContext(state: TriggerState): TriggerContext {
  const context: TriggerContext = { namespace: state.namespace, flowId: state.flowId, triggerId: state.triggerId, disabled: state.disabled };
  if (state.lastDate) context.date = state.lastDate;
  if (state.nextDate) context.nextExecutionDate = state.nextDate;
  if (state.executionId) context.executionId = state.executionId;
  if (state.updated) context.updatedDate = state.updated;
  if (state.owner) context.workerId = state.owner;
  if (state.ownerUntil) context.evaluateRunningDate = new Date(state.ownerUntil).toISOString();
  if (state.backfill) {
    const { start, end, current, paused, inputs, labels } = state.backfill;
    context.backfill = { start, end, currentDate: current, paused, inputs, labels };
  }
  return context;
}

function triggerKey(body: unknown): TriggerKey {
  const b = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
  for (const field of ['namespace', 'flowId', 'triggerId']) {
    if (typeof b[field] !== 'string' || b[field] === '') throw new InvalidArgumentError(field, 'is required');
  }
  return { namespace: b.namespace as string, flowId: b.flowId as string, triggerId: b.triggerId as string };
}

function backfillRequest(value: unknown): BackfillRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidArgumentError('backfill', 'must be an object with start (and end, inputs, labels)');
  const { start, end, inputs, labels } = value as Record<string, unknown>;
  if (typeof start !== 'string') throw new InvalidArgumentError('backfill.start', 'is required (ISO-8601)');
  if (end !== undefined && end !== null && typeof end !== 'string') throw new InvalidArgumentError('backfill.end', 'must be an ISO-8601 date-time');
  if (inputs !== undefined && inputs !== null && (typeof inputs !== 'object' || Array.isArray(inputs))) throw new InvalidArgumentError('backfill.inputs', 'must be an object');
  return { start, end: (end ?? undefined) as string | undefined, inputs: (inputs ?? undefined) as Record<string, unknown> | undefined, labels: (labels ?? undefined) as BackfillRequest['labels'] };
}

/**
 * Triggers are the flows' declarations merged with their stored states, so the whole (namespace-narrowed) list is
 * built and filtered before it is paged: totals count what matches. Dates bound the next execution date.
 */
function matchesTrigger(filters: readonly QueryFilter[], context: TriggerContext): boolean {
  return matchesFilters('trigger', filters, {
    text: { namespace: context.namespace, flowId: context.flowId, triggerId: context.triggerId, workerId: context.workerId },
    query: [context.triggerId, context.flowId],
    date: context.nextExecutionDate,
    disabled: context.disabled,
  });
}

const SORT_FIELDS = new Set(['triggerId', 'flowId', 'namespace', 'nextExecutionDate']);

function paginate<T extends { triggerContext: TriggerContext }>(items: T[], request: { page?: number; size?: number; sort?: string }): { results: T[]; total: number } {
  if (request.sort) {
    const orders = request.sort.split(',').map((part) => {
      const [field, direction = 'asc'] = part.trim().split(':');
      if (!SORT_FIELDS.has(field!) || !['asc', 'desc'].includes(direction.toLowerCase())) {
        throw new InvalidArgumentError('sort', `use one of ${[...SORT_FIELDS].join(', ')} with :asc or :desc`);
      }
      const sign = direction.toLowerCase() === 'desc' ? -1 : 1;
      return (a: T, b: T) => sign * String(a.triggerContext[field as keyof TriggerContext] ?? '').localeCompare(String(b.triggerContext[field as keyof TriggerContext] ?? ''));
    });
    items = [...items].sort((a, b) => orders.reduce((result, order) => result || order(a, b), 0));
  }
  const size = request.size ?? 10;
  const page = request.page ?? 1;
  return { total: items.length, results: items.slice((page - 1) * size, page * size) };
}
