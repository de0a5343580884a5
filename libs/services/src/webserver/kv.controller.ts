import { Body, Controller, Delete, Get, Header, Headers, HttpCode, Inject, Param, Put, Query } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { DurationParseError, parseDuration } from '@osprey/flow-model';
import { matchesFilters, NotFoundError, type KvEntry, REPOSITORY, type Repository } from '@osprey/repository';
import { InvalidArgumentError } from '../invalid-argument-error.js';
import { isKvKey, kvType, parseKvBody } from '../namespaces/kv-value.js';
import { checkNamespace, withParentNamespaces } from '../namespaces/namespace-name.js';
import { ApiErrors, ApiFilters } from './api-docs.js';
import { readSearchQuery, type RawQuery } from './filter-params.js';
import { KvDeleteBulkModel, KvEntryModel, KvTypedValueModel } from './api-models.js';

/** Kestra's key-value store of a namespace (`/api/v1/namespaces/{namespace}/kv`), the one the KV tasks use. */
@ApiTags('KV')
@Controller('api/v1/namespaces/:namespace/kv')
export class KvController {
  constructor(@Inject(REPOSITORY) private readonly repository: Repository) {}

  @Get()
  @ApiOperation({ summary: 'List the keys of a namespace', description: 'Expired keys are not listed. `filters[q]` looks for a text in the key, `filters[updated]` bounds the last write.' })
  @ApiParam({ name: 'namespace', description: 'The namespace.' })
  @ApiFilters('kv')
  @ApiOkResponse({ type: [KvEntryModel] })
  @ApiErrors(400)
  async list(@Param('namespace') namespace: string, @Query() raw: RawQuery) {
    const { filters } = readSearchQuery(raw, { resource: 'kv', params: [] });
    const entries = await this.repository.kv.list(checkNamespace(namespace));
    // A namespace's keys are listed whole (no paging), so filtering them here keeps the answer exact.
    return entries.filter((e) => matchesKvFilters(filters, e)).map(kvEntryJson);
  }

  // Before `:key`: Kestra reads `inheritance` here as this listing, not as a key.
  @Get('inheritance')
  @ApiOperation({
    summary: 'List the keys a namespace sees: its own and those of its parent namespaces',
    description: 'A key of a nearer namespace hides the same key of a parent. Expired keys are not listed.',
  })
  @ApiParam({ name: 'namespace', description: 'The namespace.' })
  @ApiOkResponse({ type: [KvEntryModel] })
  @ApiErrors(400)
  async inheritance(@Param('namespace') namespace: string) {
    const chain = withParentNamespaces([checkNamespace(namespace)]).reverse();
    const seen = new Set<string>();
    const entries: KvEntry[] = [];
    for (const ns of chain) {
      for (const entry of await this.repository.kv.list(ns)) {
        if (seen.has(entry.key)) continue;
        seen.add(entry.key);
        entries.push(entry);
      }
    }
    return entries.map(kvEntryJson);
  }

  @Get(':key')
  @ApiOperation({ summary: 'Get the value of a key, with its type' })
  @ApiParam({ name: 'namespace', description: 'The namespace.' })
  @ApiParam({ name: 'key', description: 'The key.' })
  @ApiOkResponse({ type: KvTypedValueModel })
  @ApiErrors(400, 404)
  async get(@Param('namespace') namespace: string, @Param('key') key: string) {
    const entry = await this.repository.kv.get(checkNamespace(namespace), checkKey(key));
    if (!entry) throw new NotFoundError('key', `${key} in namespace ${namespace}`);
    return { type: kvType(entry.value), value: entry.value, updated: entry.updated };
  }

  @Put(':key')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Set the value of a key',
    description: 'A JSON body (application/json) is stored as that JSON value; a text body (text/plain) is stored as JSON when it parses, else as the text. The `ttl` header (ISO-8601 duration) makes the key expire.',
  })
  @ApiParam({ name: 'namespace', description: 'The namespace.' })
  @ApiParam({ name: 'key', description: 'The key: letters, digits, `.`, `_`, `-`.' })
  @ApiHeader({ name: 'ttl', required: false, description: 'Time to live as an ISO-8601 duration, e.g. PT1H.' })
  @ApiConsumes('application/json', 'text/plain')
  @ApiBody({ description: 'The value.', required: true, schema: {} })
  @ApiOkResponse({ description: 'Stored.' })
  @ApiErrors(400, 413)
  async set(@Param('namespace') namespace: string, @Param('key') key: string, @Body() body: unknown, @Headers('content-type') contentType?: string, @Headers('ttl') ttl?: string): Promise<void> {
    checkNamespace(namespace);
    checkKey(key);
    const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
    let value: unknown;
    if (type === 'application/json') value = body;
    else if (typeof body === 'string') value = parseKvBody(body);
    else throw new InvalidArgumentError('body', 'send the value as application/json or text/plain');
    if (value === undefined) throw new InvalidArgumentError('body', 'is empty');
    await this.repository.kv.set(namespace, key, value, ttlMs(ttl));
  }

  @Delete(':key')
  @ApiOperation({ summary: 'Delete a key', description: 'Answers whether the key existed.' })
  @ApiParam({ name: 'namespace', description: 'The namespace.' })
  @ApiParam({ name: 'key', description: 'The key.' })
  @ApiOkResponse({ type: Boolean })
  @ApiErrors(400)
  @Header('Content-Type', 'application/json') // a bare `true` would go out as text/html
  async delete(@Param('namespace') namespace: string, @Param('key') key: string): Promise<boolean> {
    return this.repository.kv.delete(checkNamespace(namespace), checkKey(key));
  }

  @Delete()
  @ApiOperation({ summary: 'Delete several keys', description: 'Answers the keys that existed and were deleted.' })
  @ApiParam({ name: 'namespace', description: 'The namespace.' })
  @ApiBody({ type: KvDeleteBulkModel })
  @ApiOkResponse({ type: KvDeleteBulkModel })
  @ApiErrors(400)
  async deleteMany(@Param('namespace') namespace: string, @Body() body: unknown) {
    checkNamespace(namespace);
    const keys = (body as { keys?: unknown } | undefined)?.keys;
    if (!Array.isArray(keys) || keys.some((k) => typeof k !== 'string')) throw new InvalidArgumentError('keys', 'send {"keys": ["key", ...]}');
    const deleted: string[] = [];
    for (const key of keys as string[]) {
      if (await this.repository.kv.delete(namespace, checkKey(key))) deleted.push(key);
    }
    return { keys: deleted };
  }
}

function checkKey(key: string): string {
  if (!isKvKey(key)) throw new InvalidArgumentError('key', `${JSON.stringify(key)} is not a key: letters, digits, ".", "_" and "-", starting with a letter or digit`);
  return key;
}

function ttlMs(ttl: string | undefined): number | undefined {
  if (ttl === undefined || ttl === '') return undefined;
  let ms: number;
  try {
    ms = parseDuration(ttl);
  } catch (error) {
    if (error instanceof DurationParseError) throw new InvalidArgumentError('ttl', error.message);
    throw error;
  }
  if (ms <= 0) throw new InvalidArgumentError('ttl', 'must be a positive duration');
  return ms;
}

/** The `filters[...]` of KV listings (`q` in the key, the namespace, `updated` bounds on the last write). */
export function matchesKvFilters(filters: Parameters<typeof matchesFilters>[1], entry: KvEntry, resource: 'kv' | 'kvAll' = 'kv'): boolean {
  return matchesFilters(resource, filters, { text: { namespace: entry.namespace }, query: [entry.key], date: entry.updated });
}

/**
 * Kestra's `KVEntry`. The store keeps one date per key, its last write, and no revisions: `creationDate` and
 * `updateDate` are that date, and no `revision` is given (a constant would not say whether the key was overwritten).
 */
export function kvEntryJson(entry: KvEntry) {
  return {
    namespace: entry.namespace,
    key: entry.key,
    creationDate: entry.updated,
    updateDate: entry.updated,
    ...(entry.expiresAt ? { expirationDate: entry.expiresAt } : {}),
  };
}
