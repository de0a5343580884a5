import { BadRequestException, Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { parseFlow } from '@osprey/flow-model';
import { NotFoundError } from '@osprey/repository';
import { OspreyRuntime } from '../runtime.js';

/** Kestra's flow endpoints (`/api/v1/flows`, no tenant segment). */
@Controller('api/v1')
export class FlowsController {
  constructor(@Inject(OspreyRuntime) private readonly runtime: OspreyRuntime) {}

  @Post('flows')
  async createFlow(@Body() body: unknown, @Headers('content-type') contentType?: string) {
    const source = typeof body === 'string' ? body : undefined;
    if (!source) throw new BadRequestException(`send the flow as YAML text (Content-Type: application/x-yaml), got ${contentType ?? 'no content type'}`);
    const flow = parseFlow(source);
    const stored = await this.runtime.backend.repository.flows.save(flow, source);
    await this.runtime.backend.broadcast.publish({ type: 'flowChanged', namespace: flow.namespace, flowId: flow.id });
    return { ...stored.flow, revision: stored.revision, source: undefined };
  }

  @Post('flows/validate')
  @HttpCode(200)
  validateFlows(@Body() body: unknown) {
    const source = typeof body === 'string' ? body : '';
    try {
      const flow = parseFlow(source);
      return [{ index: 0, namespace: flow.namespace, flow: flow.id, constraints: null }];
    } catch (error) {
      const violations = (error as { violations?: unknown[] }).violations;
      if (!violations) throw error;
      return [{ index: 0, constraints: (error as Error).message, violations }];
    }
  }

  @Get('flows/:namespace/:id')
  async getFlow(@Param('namespace') namespace: string, @Param('id') id: string, @Query('source') withSource?: string) {
    const stored = await this.runtime.backend.repository.flows.get(namespace, id);
    if (!stored || stored.deleted) throw new NotFoundError('flow', `${namespace}.${id}`);
    return { ...stored.flow, revision: stored.revision, source: withSource === 'false' ? undefined : stored.source };
  }
}
