import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { BackendUnavailableError, FlowValidationError, InputValidationError, ExpressionError } from '@osprey/flow-model';
import { InvalidQueryError, NotFoundError } from '@osprey/repository';
import type { Logger } from '@osprey/server';
import { StorageNotFoundError, StoragePathError } from '@osprey/storage';
import { BulkActionError } from '../executions/bulk-action-error.js';
import { ExecutionConflictError } from '../executions/execution-conflict-error.js';
import { FlowDisabledError } from '../executions/trigger-execution.js';
import { FlowConflictError } from '../flows/flow-conflict-error.js';
import { FlowImportError } from '../flows/import-flows.js';
import { InvalidArgumentError } from '../invalid-argument-error.js';
import { NotSupportedError } from '../not-supported-error.js';

interface ErrorBody {
  message: string;
  [key: string]: unknown;
}

/** The one place where errors become HTTP answers: 4xx with a JSON body naming the problem, never a stack. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    this.send(error, host.switchToHttp().getResponse<HttpResponse>());
  }

  /** Express error middleware with the same mapping, for errors raised before routing (body parsers, auth). */
  readonly middleware = (error: unknown, _request: unknown, response: HttpResponse, _next: unknown): void => this.send(error, response);

  private send(error: unknown, response: HttpResponse): void {
    const [status, body] = errorResponse(error);
    if (status >= 500 && status !== 501) this.logger.error({ err: error }, 'request failed');
    if (response.headersSent) {
      // A streamed answer failed midway: the status is gone, so cut the connection rather than end it cleanly.
      response.destroy?.();
      return;
    }
    response.status(status).json(body);
  }
}

interface HttpResponse {
  status(code: number): { json(body: unknown): void };
  headersSent?: boolean;
  destroy?(): void;
}

/** Maps any error to an HTTP status and a JSON body: 4xx naming the problem, 500 without details, never a stack. */
export function errorResponse(error: unknown): [number, ErrorBody] {
  if (error instanceof FlowValidationError) return [422, { message: error.message, violations: error.violations }];
  if (error instanceof InputValidationError) return [422, { message: error.message, violations: error.violations }];
  if (error instanceof ExpressionError) return [422, { message: error.message }];
  if (error instanceof NotFoundError) return [404, { message: error.message }];
  if (error instanceof FlowDisabledError) return [409, { message: error.message }];
  if (error instanceof ExecutionConflictError) return [409, { message: error.message }];
  if (error instanceof FlowConflictError) return [409, { message: error.message }];
  if (error instanceof FlowImportError) return [422, { message: error.message, failures: error.failures }];
  // Kestra's BulkErrorResponse, with its status (400).
  if (error instanceof BulkActionError) return [400, { message: error.message, invalids: error.invalids }];
  if (error instanceof NotSupportedError) return [501, { message: error.message, feature: error.feature }];
  if (error instanceof InvalidArgumentError) return [400, { message: error.message, field: error.field }];
  if (error instanceof InvalidQueryError) return [400, error.parameter ? { message: error.message, field: error.parameter } : { message: error.message }];
  if (error instanceof StoragePathError) return [400, { message: error.message }];
  if (error instanceof StorageNotFoundError) return [404, { message: error.message }];
  // The repository's server is down or overloaded: a retry later succeeds, and nothing was half-written.
  if (error instanceof BackendUnavailableError) return [503, { message: `the repository is unavailable, retry later: ${error.message}` }];
  if (error instanceof HttpException) {
    const res = error.getResponse();
    return [error.getStatus(), typeof res === 'string' ? { message: res } : { message: error.message, ...(res as object) }];
  }
  if (error instanceof SyntaxError) return [400, { message: `malformed request body: ${error.message}` }];
  // Errors of the HTTP layer (body parsers: malformed JSON, entity too large, unsupported charset) carry their 4xx status.
  const http = error as { status?: unknown; expose?: unknown; type?: unknown; message?: unknown } | null;
  if (http && typeof http.status === 'number' && http.status >= 400 && http.status < 500 && http.expose === true) {
    const message = http.type === 'entity.parse.failed' ? `malformed request body: ${String(http.message)}` : String(http.message);
    return [http.status, { message }];
  }
  return [500, { message: 'internal error' }];
}
