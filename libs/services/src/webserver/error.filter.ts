import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { FlowValidationError, InputValidationError, ExpressionError } from '@osprey/flow-model';
import { NotFoundError } from '@osprey/repository';
import type { Logger } from '@osprey/server';
import { FlowDisabledError } from '../executions/trigger-execution.js';

interface ErrorBody {
  message: string;
  [key: string]: unknown;
}

/** The one place where errors become HTTP answers: 4xx with a JSON body naming the problem, never a stack. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<{ status(code: number): { json(body: unknown): void }; headersSent?: boolean }>();
    const [status, body] = this.map(error);
    if (status >= 500) this.logger.error({ err: error }, 'request failed');
    if (!response.headersSent) response.status(status).json(body);
  }

  private map(error: unknown): [number, ErrorBody] {
    if (error instanceof FlowValidationError) return [422, { message: error.message, violations: error.violations }];
    if (error instanceof InputValidationError) return [422, { message: error.message, violations: error.violations }];
    if (error instanceof ExpressionError) return [422, { message: error.message }];
    if (error instanceof NotFoundError) return [404, { message: error.message }];
    if (error instanceof FlowDisabledError) return [409, { message: error.message }];
    if (error instanceof HttpException) {
      const res = error.getResponse();
      return [error.getStatus(), typeof res === 'string' ? { message: res } : { message: error.message, ...(res as object) }];
    }
    if (error instanceof SyntaxError) return [400, { message: `malformed request body: ${error.message}` }];
    return [500, { message: 'internal error' }];
  }
}
