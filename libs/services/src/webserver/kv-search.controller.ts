import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { REPOSITORY, type KvEntry, type Repository } from '@osprey/repository';
import { InvalidArgumentError } from '../invalid-argument-error.js';
import { checkNamespace, withParentNamespaces } from '../namespaces/namespace-name.js';
import { ApiErrors, ApiFilters, ApiPaging } from './api-docs.js';
import { PagedKvEntries } from './api-models.js';
import { readSearchQuery, type RawQuery } from './filter-params.js';
import { kvEntryJson, matchesKvFilters } from './kv.controller.js';
import { pageParams } from './query-params.js';

const SORTS = new Set(['namespace', 'key', 'updateDate']);

/** Kestra's listing of the keys of every namespace (`GET /api/v1/kv`), paged and filtered. */
@ApiTags('KV')
@Controller('api/v1/kv')
export class KvSearchController {
  constructor(@Inject(REPOSITORY) private readonly repository: Repository) {}

  @Get()
  @ApiOperation({
    summary: 'List the keys of all namespaces',
    description:
      'The namespaces searched are those of the flows and their parents, plus any a `filters[namespace][EQUALS]` or `[IN]` names ' +
      '(a namespace holding keys but no flow is listed only when named so). Expired keys are not listed.',
  })
  @ApiFilters('kvAll')
  @ApiPaging(1000, 25, 'namespace, key, updateDate')
  @ApiOkResponse({ type: PagedKvEntries })
  @ApiErrors(400)
  async list(@Query() raw: RawQuery) {
    const { filters, params } = readSearchQuery(raw, { resource: 'kvAll', params: ['page', 'size', 'sort'] });
    const { page = 1, size = 25, sort } = pageParams(params.page, params.size, params.sort, 1000, 25);
    const named = (filters ?? []).filter((f) => f.field === 'namespace' && (f.operation === 'EQUALS' || f.operation === 'IN')).flatMap((f) => f.values);
    const namespaces = withParentNamespaces([...(await this.repository.flows.namespaces()), ...named.map((ns) => checkNamespace(ns, 'filters[namespace]'))]);
    const entries: KvEntry[] = [];
    for (const namespace of namespaces) entries.push(...(await this.repository.kv.list(namespace)).filter((e) => matchesKvFilters(filters, e, 'kvAll')));
    const [field = 'namespace', direction = 'asc'] = (sort ?? 'namespace:asc').split(':');
    if (!SORTS.has(field) || !/^(asc|desc)$/i.test(direction)) throw new InvalidArgumentError('sort', `sort on ${[...SORTS].join(', ')} with :asc or :desc, got ${JSON.stringify(sort)}`);
    const value = (e: KvEntry) => (field === 'updateDate' ? e.updated : field === 'key' ? e.key : `${e.namespace}\u0000${e.key}`);
    entries.sort((a, b) => value(a).localeCompare(value(b)) * (direction.toLowerCase() === 'desc' ? -1 : 1));
    return { results: entries.slice((page - 1) * size, page * size).map(kvEntryJson), total: entries.length };
  }
}
