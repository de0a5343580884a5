import { Controller, Get, Header, HttpCode, HttpException, HttpStatus, Inject } from '@nestjs/common';
import { OspreyRuntime } from '../runtime.js';

@Controller()
export class HealthController {
  constructor(@Inject(OspreyRuntime) private readonly runtime: OspreyRuntime) {}

  /** The process is up and its event loop answers. */
  @Get('health/live')
  live(): { status: string } {
    return { status: 'UP' };
  }

  /** The backend answers: the process can do its work. */
  @Get('health/ready')
  @HttpCode(200)
  async ready(): Promise<{ status: string; roles: string[] }> {
    const up = await this.runtime.backend.ready();
    if (!up) throw new HttpException({ status: 'DOWN', roles: this.runtime.options.roles, message: 'backend unreachable' }, HttpStatus.SERVICE_UNAVAILABLE);
    return { status: 'UP', roles: this.runtime.options.roles };
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  async metrics(): Promise<string> {
    return this.runtime.metrics.scrape();
  }
}
