import { Controller, Get, Header, HttpCode, HttpException, HttpStatus, Inject } from '@nestjs/common';
import { BACKEND_READINESS, type BackendReadiness } from '@osprey/server/nest';
import { OspreyMetrics } from '../metrics.js';
import type { ServiceRole } from '../service-role.js';
import { OSPREY_ROLES } from './tokens.js';

@Controller()
export class HealthController {
  constructor(
    @Inject(BACKEND_READINESS) private readonly backend: BackendReadiness,
    @Inject(OSPREY_ROLES) private readonly roles: ServiceRole[],
    @Inject(OspreyMetrics) private readonly ospreyMetrics: OspreyMetrics,
  ) {}

  /** The process is up and its event loop answers. */
  @Get('health/live')
  live(): { status: string } {
    return { status: 'UP' };
  }

  /** The backend answers: the process can do its work. */
  @Get('health/ready')
  @HttpCode(200)
  async ready(): Promise<{ status: string; roles: string[] }> {
    const up = await this.backend.ready();
    if (!up) throw new HttpException({ status: 'DOWN', roles: this.roles, message: 'backend unreachable' }, HttpStatus.SERVICE_UNAVAILABLE);
    return { status: 'UP', roles: this.roles };
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  async metrics(): Promise<string> {
    return this.ospreyMetrics.scrape();
  }
}
