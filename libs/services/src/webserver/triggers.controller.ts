import { applyDecorators, Body, Controller, Get, HttpCode, Inject, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { flag, type Trigger } from '@osprey/flow-model';
import { matchesFilters, NotFoundError, type QueryFilter, type TriggerState, REPOSITORY, type Repository } from '@osprey/repository';
import { ExecutionConflictError } from '../executions/execution-conflict-error.js';
import { InvalidArgumentError } from '../invalid-argument-error.js';
import { TriggerCommands, type BackfillRequest, type TriggerKey } from '../triggers/trigger-commands.js';
import { ApiFilters, ApiPaging } from './api-docs.js';
import { readSearchQuery, type RawQuery, type SearchQuerySpec } from './filter-params.js';
import { boolParam, oneParam, pageParams } from './query-params.js';
import { UnsupportedQuery } from './query-declarations.js';

const SEARCH: SearchQuerySpec = { resource: 'trigger', params: ['q', 'namespace', 'flowId', 'page', 'size', 'sort'] };
const BY_QUERY: SearchQuerySpec = { resource: 'trigger', params: ['q', 'namespace'] };
const SET_DISABLED_BY_QUERY: SearchQuerySpec = { resource: 'trigger', params: ['q', 'namespace', 'disabled'] };
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
const TRIGGER_LIST_BODY = { schema: { type: 'array', items: TRIGGER_BODY.schema } };
// Kestra's clients send a `{filters}` body with the by-query actions; its server reads the query string only.
const BY_QUERY_BODY = { required: false, description: '`filters` must be empty or absent: give filters as query parameters.', schema: { type: 'object', properties: { filters: { type: 'array', items: {} } } } };
const COUNT = ApiResponse({ status: 200, description: '{count}: the triggers acted on', schema: { type: 'object', properties: { count: { type: 'integer' } }, required: ['count'] } });
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

  @Post('triggers/:namespace/:flowId/:triggerId/restart')
  @HttpCode(200)
  @ApiOperation({ summary: 'Restart a trigger: drop the lease of the scheduler evaluating it and the execution it waits on, so it is evaluated afresh' })
  @ApiParam({ name: 'namespace' })
  @ApiParam({ name: 'flowId' })
  @ApiParam({ name: 'triggerId' })
  @ApiResponse({ status: 200, description: 'The trigger context' })
  @NOT_FOUND
  async restart(@Param('namespace') namespace: string, @Param('flowId') flowId: string, @Param('triggerId') triggerId: string) {
    return toContext(await this.commands.restart({ namespace, flowId, triggerId }));
  }

  @Post('triggers/unlock/by-triggers')
  @HttpCode(200)
  @ApiOperation({ summary: 'Unlock several triggers', description: 'Those that are not locked are passed over and not counted; an unknown one is a 404.' })
  @ApiBody(TRIGGER_LIST_BODY)
  @COUNT
  @BAD_REQUEST
  @NOT_FOUND
  async unlockByTriggers(@Body() body: unknown) {
    return this.each(triggerKeys(body), (key) => this.commands.unlock(key));
  }

  @Post('triggers/unlock/by-query')
  @HttpCode(200)
  @ApiOperation({ summary: 'Unlock the locked triggers matching a query', description: 'At least one of q, namespace or filters[...] is required.' })
  @ApiByQuery()
  @COUNT
  @BAD_REQUEST
  async unlockByQuery(@Query() raw: RawQuery, @Body() body: unknown) {
    const locked = (await this.matching(raw, body, BY_QUERY, 'unlock')).filter((t) => t.triggerContext.workerId || t.triggerContext.executionId);
    return this.each(locked.map((t) => t.triggerContext), (key) => this.commands.unlock(key), true);
  }

  @Post('triggers/set-disabled/by-query')
  @HttpCode(200)
  @ApiOperation({ summary: 'Enable or disable the triggers matching a query', description: 'At least one of q, namespace or filters[...] is required.' })
  @ApiByQuery()
  @ApiQuery({ name: 'disabled', required: true, type: Boolean, description: 'true disables, false enables.' })
  @COUNT
  @BAD_REQUEST
  async setDisabledByQuery(@Query() raw: RawQuery, @Body() body: unknown) {
    const disabled = boolParam(raw.disabled as string | string[] | undefined, 'disabled');
    if (disabled === undefined) throw new InvalidArgumentError('disabled', 'is required: true or false');
    const triggers = await this.matching(raw, body, SET_DISABLED_BY_QUERY, 'enable or disable');
    return this.each(triggers.map((t) => t.triggerContext), (key) => this.commands.setDisabled(key, disabled), true);
  }

  @Post('triggers/backfill/pause/by-triggers')
  @HttpCode(200)
  @ApiOperation({ summary: 'Pause the backfills of several triggers', description: 'Triggers without a backfill are passed over and not counted.' })
  @ApiBody(TRIGGER_LIST_BODY)
  @COUNT
  @BAD_REQUEST
  @NOT_FOUND
  async pauseBackfillByTriggers(@Body() body: unknown) {
    return this.each(triggerKeys(body), (key) => this.commands.setBackfillPaused(key, true));
  }

  @Post('triggers/backfill/pause/by-query')
  @HttpCode(200)
  @ApiOperation({ summary: 'Pause the backfills of the triggers matching a query', description: 'At least one of q, namespace or filters[...] is required; triggers without a backfill are not counted.' })
  @ApiByQuery()
  @COUNT
  @BAD_REQUEST
  async pauseBackfillByQuery(@Query() raw: RawQuery, @Body() body: unknown) {
    return this.each(await this.withBackfill(raw, body, 'pause the backfills of'), (key) => this.commands.setBackfillPaused(key, true), true);
  }

  @Post('triggers/backfill/unpause/by-triggers')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume the paused backfills of several triggers', description: 'Triggers without a backfill are passed over and not counted.' })
  @ApiBody(TRIGGER_LIST_BODY)
  @COUNT
  @BAD_REQUEST
  @NOT_FOUND
  async unpauseBackfillByTriggers(@Body() body: unknown) {
    return this.each(triggerKeys(body), (key) => this.commands.setBackfillPaused(key, false));
  }

  @Post('triggers/backfill/unpause/by-query')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume the backfills of the triggers matching a query', description: 'At least one of q, namespace or filters[...] is required; triggers without a backfill are not counted.' })
  @ApiByQuery()
  @COUNT
  @BAD_REQUEST
  async unpauseBackfillByQuery(@Query() raw: RawQuery, @Body() body: unknown) {
    return this.each(await this.withBackfill(raw, body, 'resume the backfills of'), (key) => this.commands.setBackfillPaused(key, false), true);
  }

  @Post('triggers/backfill/delete/by-triggers')
  @HttpCode(200)
  @ApiOperation({ summary: 'Delete the backfills of several triggers', description: 'Triggers without a backfill are passed over and not counted.' })
  @ApiBody(TRIGGER_LIST_BODY)
  @COUNT
  @BAD_REQUEST
  @NOT_FOUND
  async deleteBackfillByTriggers(@Body() body: unknown) {
    return this.each(triggerKeys(body), (key) => this.commands.deleteBackfill(key));
  }

  @Post('triggers/backfill/delete/by-query')
  @HttpCode(200)
  @ApiOperation({ summary: 'Delete the backfills of the triggers matching a query', description: 'At least one of q, namespace or filters[...] is required; triggers without a backfill are not counted.' })
  @ApiByQuery()
  @COUNT
  @BAD_REQUEST
  async deleteBackfillByQuery(@Query() raw: RawQuery, @Body() body: unknown) {
    return this.each(await this.withBackfill(raw, body, 'delete the backfills of'), (key) => this.commands.deleteBackfill(key), true);
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

  /**
   * Applies an action to each trigger and counts those it applied to; one refused for its state (no lock, no backfill)
   * is passed over, as Kestra's bulk actions do. An unknown trigger still fails the request.
   */
  private async each(keys: readonly TriggerKey[], action: (key: TriggerKey) => Promise<unknown>, matched = false): Promise<{ count: number }> {
    let count = 0;
    for (const key of keys) {
      try {
        await action({ namespace: key.namespace, flowId: key.flowId, triggerId: key.triggerId });
        count++;
      } catch (error) {
        // A trigger a query matched may be gone by the time its turn comes (its flow deleted meanwhile): passed over,
        // as one the action does not apply to; a trigger the caller named stays a 404.
        if (!(error instanceof ExecutionConflictError) && !(matched && error instanceof NotFoundError)) throw error;
      }
    }
    return { count };
  }

  /** The triggers a by-query action names: q, namespace (and its children) and filters[...], at least one given. */
  private async matching(raw: RawQuery, body: unknown, spec: SearchQuerySpec, action: string) {
    checkByQueryBody(body);
    const { filters, params } = readSearchQuery(raw, spec);
    const text = oneParam(params.q, 'q')?.toLowerCase();
    const namespace = oneParam(params.namespace, 'namespace');
    if (!text && !namespace && filters.length === 0) {
      throw new InvalidArgumentError('filters', `give q, namespace or filters[field][OPERATION]=value: to ${action} every trigger takes an explicit filter`);
    }
    return (await this.listAll(namespace)).filter(
      (t) => (!text || t.triggerContext.triggerId.toLowerCase().includes(text) || t.triggerContext.flowId.toLowerCase().includes(text)) && matchesTrigger(filters, t.triggerContext),
    );
  }

  private async withBackfill(raw: RawQuery, body: unknown, action: string): Promise<TriggerContext[]> {
    return (await this.matching(raw, body, BY_QUERY, action)).filter((t) => t.triggerContext.backfill).map((t) => t.triggerContext);
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

function triggerKeys(body: unknown): TriggerKey[] {
  if (!Array.isArray(body)) throw new InvalidArgumentError('body', 'send a JSON array of {"namespace", "flowId", "triggerId"}');
  return body.map((item, i) => {
    try {
      return triggerKey(item);
    } catch (error) {
      if (error instanceof InvalidArgumentError) throw new InvalidArgumentError(`body[${i}].${error.field}`, 'is required');
      throw error;
    }
  });
}

/** Kestra's by-query actions read the query string; a body with filters would be ignored there, so it is refused here. */
function checkByQueryBody(body: unknown): void {
  if (body === undefined || body === null || (typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0)) return;
  const filters = (body as { filters?: unknown }).filters;
  const keys = typeof body === 'object' && !Array.isArray(body) ? Object.keys(body) : ['body'];
  if (keys.every((k) => k === 'filters') && (filters === null || (Array.isArray(filters) && filters.length === 0))) return;
  throw new InvalidArgumentError('filters', 'give the filters as query parameters filters[field][OPERATION]=value; the body may only hold an empty "filters"');
}

/** The query parameters of a by-query action: those of the trigger search that select, and its filters. */
function ApiByQuery(): MethodDecorator {
  return applyDecorators(
    ApiQuery({ name: 'q', required: false, description: 'Text the flow or trigger id contains' }),
    ApiQuery({ name: 'namespace', required: false, description: 'The namespace and its children' }),
    ApiFilters('trigger'),
    ApiBody(BY_QUERY_BODY),
  );
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
