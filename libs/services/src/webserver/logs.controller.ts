import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { OspreyRuntime } from '../runtime.js';

/** Kestra's log endpoints (`/api/v1/logs`). */
@Controller('api/v1')
export class LogsController {
  constructor(@Inject(OspreyRuntime) private readonly runtime: OspreyRuntime) {}

  @Get('logs/:executionId')
  async logs(@Param('executionId') executionId: string, @Query('minLevel') minLevel?: string) {
    const page = await this.runtime.backend.repository.logs.search({ executionId, minLevel: minLevel as never, size: 10_000 });
    return page.results;
  }
}
