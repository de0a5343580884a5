import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { FILTER_FIELDS, FILTER_VALUES, RESOURCE_FIELDS, type FilterResource } from '@osprey/repository';
import { ErrorResponse } from './api-models.js';

/**
 * Decorators that document the API's common shapes once. Every handler carries `@ApiOperation({ summary })`,
 * its success answer (`@ApiOkResponse({ type })` or a status) and `@ApiErrors(...)` for the 4xx it can answer;
 * the OpenAPI e2e test fails for an endpoint without a summary.
 */

const ERROR_TEXT: Record<number, string> = {
  400: 'Bad input: the body names the field at fault.',
  401: 'Missing or invalid credentials (when auth is configured).',
  404: 'Not found.',
  409: 'Conflicts with the current state.',
  413: 'Larger than maxUploadBytes.',
  422: 'Invalid flow or inputs: violations with line and column.',
  501: 'A Kestra feature Osprey does not have: the body names it (`feature`).',
};

/** The error answers a handler can give, each a JSON `ErrorResponse`. */
export function ApiErrors(...statuses: number[]): MethodDecorator {
  return applyDecorators(...statuses.map((status) => ApiResponse({ status, description: ERROR_TEXT[status] ?? 'Error.', type: ErrorResponse })));
}

/** Kestra's paging parameters, with the bounds the API enforces (400 outside them). */
export function ApiPaging(maxSize = 10_000, defaultSize = 25, sortable?: string): MethodDecorator {
  return applyDecorators(
    ApiQuery({
      name: 'page',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: Math.floor(Number.MAX_SAFE_INTEGER / maxSize) },
      description: `Page number, from 1 (default 1); page × size must stay ≤ 2^53 − 1.`,
    }),
    ApiQuery({ name: 'size', required: false, schema: { type: 'integer', minimum: 1, maximum: maxSize }, description: `Page size, 1 to ${maxSize} (default ${defaultSize}).` }),
    ApiQuery({ name: 'sort', required: false, type: String, isArray: true, description: `field:asc or field:desc, repeatable or comma-separated${sortable ? `; fields: ${sortable}` : ''}.` }),
  );
}

/**
 * Kestra's `filters[field][OPERATION]=value` parameters a search takes, as one deepObject parameter: each field an
 * object of its operations. Labels also take `filters[labels][EQUALS][key]=value`.
 */
export function ApiFilters(resource: FilterResource): MethodDecorator {
  const properties = Object.fromEntries(
    RESOURCE_FIELDS[resource].map((field) => {
      const values = FILTER_VALUES[field];
      const value = values ? { type: 'string', enum: [...values] } : { type: 'string' };
      const ops = Object.fromEntries(FILTER_FIELDS[field].map((op) => [op, value]));
      return [field, { type: 'object', properties: ops, additionalProperties: false }];
    }),
  );
  return ApiQuery({
    name: 'filters',
    required: false,
    style: 'deepObject',
    explode: true,
    schema: { type: 'object', properties, additionalProperties: false },
    description:
      'Filters as `filters[field][OPERATION]=value`, all of which must match (see docs/api.md). IN and NOT_IN take comma-separated values; ' +
      'an unknown field or operation is a 400 naming it.',
  });
}

/** Flow filters shared by search, export, bulk enable/disable/delete. */
export function ApiFlowFilters(): MethodDecorator {
  return applyDecorators(
    ApiQuery({ name: 'q', required: false, type: String, description: 'Text contained in the id or namespace.' }),
    ApiQuery({ name: 'namespace', required: false, type: String, description: 'A namespace and its children.' }),
    ApiQuery({ name: 'labels', required: false, type: String, isArray: true, description: 'key:value, repeatable; all must match.' }),
  );
}

/**
 * A success answer that is not JSON (a file, a text, an event stream): only the success answer has this media type,
 * the handler's error answers stay JSON (`@ApiProduces` would claim it for every status).
 */
export function ApiFileResponse(mediaType: string, description: string, status = 200): MethodDecorator {
  return ApiResponse({ status, description, content: { [mediaType]: { schema: { type: 'string', format: 'binary' } } } });
}

/** A YAML text body (a flow, or flows separated by `---`). */
export function ApiYamlBody(description: string, required = true): MethodDecorator {
  return applyDecorators(ApiConsumes('application/x-yaml'), ApiBody({ description, required, schema: { type: 'string' } }));
}

/** A multipart body with one file field. */
export function ApiFileUpload(field: string, description: string): MethodDecorator {
  return applyDecorators(
    ApiConsumes('multipart/form-data'),
    ApiBody({ required: true, schema: { type: 'object', required: [field], properties: { [field]: { type: 'string', format: 'binary', description } } } }),
  );
}
