import { Inject, Module, type BeforeApplicationShutdown, type DynamicModule, type OnApplicationBootstrap } from '@nestjs/common';
import { OspreyRuntime } from '../runtime.js';
import { HealthController } from './health.controller.js';
import { API_CONTROLLERS } from '../webserver/api-controllers.js';
import { OpenApiDocument } from '../webserver/openapi.js';

/** Starts the runtime's loops with the application and drains them before it stops (SIGTERM). */
class RuntimeLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(@Inject(OspreyRuntime) private readonly runtime: OspreyRuntime) {}
  onApplicationBootstrap(): void {
    this.runtime.start();
  }
  async beforeApplicationShutdown(): Promise<void> {
    await this.runtime.stop();
  }
}

@Module({})
export class OspreyModule {
  static forRuntime(runtime: OspreyRuntime): DynamicModule {
    const controllers: DynamicModule['controllers'] = [HealthController];
    if (runtime.options.roles.includes('webserver')) controllers.push(...API_CONTROLLERS);
    return {
      module: OspreyModule,
      controllers,
      providers: [{ provide: OspreyRuntime, useValue: runtime }, RuntimeLifecycle, OpenApiDocument],
    };
  }
}
