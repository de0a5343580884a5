import { All, BadRequestException, Body, Controller, Get, Inject, NotFoundException, Param, Post, Query, Req } from '@nestjs/common';
import { isTerminated, type Execution } from '@osprey/flow-model';
import { NotFoundError } from '@osprey/repository';
import { OspreyRuntime } from '../runtime.js';

/** Kestra's execution endpoints (`/api/v1/executions`), the webhook trigger among them. */
@Controller('api/v1')
export class ExecutionsController {
  constructor(@Inject(OspreyRuntime) private readonly runtime: OspreyRuntime) {}

  @Post('executions/:namespace/:id')
  async trigger(
    @Param('namespace') namespace: string,
    @Param('id') id: string,
    @Body() body: unknown,
    @Query('wait') wait?: string,
    @Query('labels') labels?: string | string[],
  ) {
    const inputs = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
    const execution = await this.runtime.triggerExecution.execute({ namespace, flowId: id, inputs, labels: parseLabels(labels) });
    if (wait === 'true') return this.waitForEnd(execution.id);
    return execution;
  }

  /** Kestra's webhook trigger: any GET, POST or PUT with the trigger's key starts the flow with body, headers and parameters. */
  @All('executions/webhook/:namespace/:id/:key')
  async webhook(
    @Param('namespace') namespace: string,
    @Param('id') id: string,
    @Param('key') key: string,
    @Req() request: { method: string; headers: Record<string, string | string[] | undefined>; query: Record<string, unknown>; body?: unknown },
  ) {
    if (!['GET', 'POST', 'PUT'].includes(request.method)) throw new BadRequestException(`webhooks accept GET, POST and PUT, not ${request.method}`);
    const stored = await this.runtime.backend.repository.flows.get(namespace, id);
    if (!stored || stored.deleted) throw new NotFoundError('flow', `${namespace}.${id}`);
    const trigger = stored.flow.triggers.find((t) => WEBHOOK_TYPES.has(t.type) && !t.disabled && String(t.key) === key);
    if (!trigger) throw new NotFoundException({ message: `flow ${namespace}.${id} has no enabled webhook trigger with this key` });
    const body = request.body === undefined || (typeof request.body === 'object' && request.body !== null && Object.keys(request.body).length === 0 && request.method === 'GET') ? null : request.body;
    const execution = await this.runtime.triggerExecution.execute({
      namespace,
      flowId: id,
      inputs: (trigger.inputs ?? {}) as Record<string, unknown>,
      trigger: { id: trigger.id, type: trigger.type, variables: { body, headers: request.headers, parameters: request.query } },
    });
    return execution;
  }

  @Get('executions/:id')
  async getExecution(@Param('id') id: string) {
    const execution = await this.runtime.backend.repository.executions.get(id);
    if (!execution) throw new NotFoundError('execution', id);
    return execution;
  }

  private async waitForEnd(id: string): Promise<Execution> {
    for (;;) {
      const execution = await this.runtime.backend.repository.executions.get(id);
      if (execution && (isTerminated(execution.state.current) || execution.state.current === 'PAUSED')) return execution;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

const WEBHOOK_TYPES = new Set(['io.kestra.plugin.core.trigger.Webhook', 'io.kestra.core.models.triggers.types.Webhook']);

function parseLabels(labels?: string | string[]) {
  const list = labels === undefined ? [] : Array.isArray(labels) ? labels : [labels];
  return list.map((label) => {
    const at = label.indexOf(':');
    if (at <= 0) throw new BadRequestException(`label ${JSON.stringify(label)} must be key:value`);
    return { key: label.slice(0, at), value: label.slice(at + 1) };
  });
}
