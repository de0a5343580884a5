import type { INestApplication, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { OpenedAdapters } from '@osprey/server/nest';
import { QueueTransport } from '../transport/queue-transport.js';
import { NestPinoLogger } from './nest-logger.js';
import { OspreyAppModule, type OspreyAppOptions } from './osprey-app.module.js';

/**
 * Creates the Nest application of one Osprey process with its queue transport connected (`startAllMicroservices`
 * starts it). Nest runs no shutdown hook of an application whose creation failed, so what the backend modules had
 * opened by then (connections, files, background loops) is closed here before the error is rethrown.
 */
export async function createOspreyApp<T extends INestApplication = INestApplication>(options: Omit<OspreyAppOptions, 'opened'>, nestOptions: NestApplicationOptions = {}): Promise<T> {
  const opened = new OpenedAdapters();
  let app: T;
  try {
    app = await NestFactory.create<T>(OspreyAppModule.forRoot({ ...options, opened }), { logger: new NestPinoLogger(options.logger), abortOnError: false, ...nestOptions });
  } catch (error) {
    await opened.closeAll((closeError, adapter) => options.logger.warn({ err: closeError, adapter }, 'closing an adapter after the failed start failed'));
    throw error;
  }
  // Queue consumers are Nest microservice handlers: the transport (one per process, from DI so that the lifecycle
  // drains it in order) delivers to the @EventPattern handlers through their interceptors and filters.
  app.connectMicroservice<MicroserviceOptions>({ strategy: app.get(QueueTransport) }, { inheritAppConfig: true });
  return app;
}
