import { Controller, Get } from '@nestjs/common';
import { apiRoots, tenantPathsMiddleware } from './tenant-paths.js';

@Controller('api/v1')
class RootsController {
  @Get('flows/search') search() {}
  @Get('executions/:executionId') get() {}
}
@Controller('api/v1/namespaces/:namespace/kv')
class NestedController {
  @Get() list() {}
}
@Controller()
class HealthController {
  @Get('health/live') live() {}
}

function run(url: string, tenant = 'main') {
  const request = { url };
  let answer: { status: number; body: unknown } | undefined;
  let passed = false;
  const response = {
    status(code: number) {
      answer = { status: code, body: undefined };
      return response;
    },
    json(body: unknown) {
      answer!.body = body;
    },
  };
  tenantPathsMiddleware(tenant, new Set(['flows', 'executions', 'namespaces']))(request, response, () => (passed = true));
  return { url: request.url, passed, answer };
}

describe('tenant paths', () => {
  it('finds the first segments of the API routes', () => {
    expect([...apiRoots([RootsController, NestedController, HealthController])].sort()).toEqual(['executions', 'flows', 'namespaces']);
  });

  it('serves /api/v1/<tenant>/x as /api/v1/x, query string kept', () => {
    expect(run('/api/v1/main/flows/search?filters[namespace][EQUALS]=a')).toEqual({ url: '/api/v1/flows/search?filters[namespace][EQUALS]=a', passed: true, answer: undefined });
    expect(run('/api/v1/acme/executions/abc', 'acme')).toMatchObject({ url: '/api/v1/executions/abc', passed: true });
  });

  it('leaves paths without a tenant and paths outside the API alone', () => {
    expect(run('/api/v1/flows/search')).toMatchObject({ url: '/api/v1/flows/search', passed: true });
    expect(run('/api/v1/executions/main/flows')).toMatchObject({ url: '/api/v1/executions/main/flows', passed: true });
    expect(run('/health/live')).toMatchObject({ passed: true });
    expect(run('/api/v1/openapi.json')).toMatchObject({ passed: true });
  });

  it('answers another tenant with a 404 naming the tenant served', () => {
    const { passed, answer } = run('/api/v1/acme/flows/search');
    expect(passed).toBe(false);
    expect(answer).toEqual({ status: 404, body: { tenant: 'main', message: expect.stringContaining('tenant "acme" is not served') } });
  });

  it('refuses a tenant id that is also an API root', () => {
    expect(() => tenantPathsMiddleware('flows', new Set(['flows']))).toThrow(/server\.tenant "flows"/);
  });
});
