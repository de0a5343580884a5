import { Controller, Module, Post, Query, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ApiQuery } from '@nestjs/swagger';
import { createOpenApiDocument, operationId } from './openapi.js';

@Controller('api/v1')
class ThingsController {
  @Post(['things/:id/restart', 'things/:id/actions/restart'])
  @ApiQuery({ name: 'force', required: false, type: Boolean })
  restart(@Query('force') _force: string) {}
}

@Module({ controllers: [ThingsController] })
class ThingsModule {}

describe('OpenAPI document', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await NestFactory.create(ThingsModule, { logger: false });
    await app.init();
  }, 30_000);

  afterAll(async () => {
    await app?.close();
  });

  it('lists a handler served at several paths under each, with unique operation ids, the first one the handler id', () => {
    const document = createOpenApiDocument(app, 'main');
    const ids = Object.entries(document.paths).map(([path, item]) => [path, (item.post as { operationId: string }).operationId]);
    expect(Object.fromEntries(ids)).toEqual({
      '/api/v1/things/{id}/restart': 'things.restart',
      '/api/v1/things/{id}/actions/restart': 'things.restart_1',
      '/api/v1/{tenant}/things/{id}/restart': 'things.restart_tenant',
      '/api/v1/{tenant}/things/{id}/actions/restart': 'things.restart_1_tenant',
    });
    // The declared-query guard finds the handler's parameters under the id of its first path.
    expect(operationId(ThingsController.name, 'restart')).toBe('things.restart');
    const params = (document.paths['/api/v1/things/{id}/actions/restart']!.post as { parameters: { name: string }[] }).parameters;
    expect(params.map((p) => p.name)).toEqual(['force']);
  });
});
