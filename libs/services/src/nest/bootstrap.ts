import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createLogger, type OspreyConfig } from '@osprey/server';
import { createOspreyApp } from './create-osprey-app.js';
import type { ServiceRole } from '../service-role.js';
import { ErrorFilter } from '../webserver/error.filter.js';
import { ApiCredentials } from '../webserver/auth/api-credentials.js';
import { apiAuthMiddleware } from '../webserver/auth/api-auth.middleware.js';
import { staticUiMiddleware } from '../webserver/static-ui.js';
import { OpenApiDocument } from '../webserver/openapi.js';
import { DeclaredQueryGuard } from '../webserver/declared-query.guard.js';
import { API_CONTROLLERS } from '../webserver/api-controllers.js';
import { kestraRoots, notServedMiddleware } from '../webserver/not-served.js';
import { apiRoots, tenantPathsMiddleware } from '../webserver/tenant-paths.js';
import { chooseListenAddress, describeHost, localUrl } from './listen-address.js';

export interface StartServerOptions {
  config: OspreyConfig;
  roles: ServiceRole[];
  /** Log `service` field: the role for one service, `standalone` or `local` for several. */
  service: string;
  /** Folder of the built web UI that the webserver serves at `/` (see locateUiDir); none: a page says how to build it. */
  uiDir?: string;
  /**
   * How `server local` listens: on the loopback interface by default, and never with an open API on a reachable
   * address unless `insecureNoAuth`. Deployed services (the default) listen on every interface and warn.
   */
  listen?: { defaultHost: string; refuseOpenApi: boolean; insecureNoAuth: boolean };
}

/** Starts one Osprey process: the services of its roles plus HTTP for health, metrics and (webserver) the API. */
export async function startServer(options: StartServerOptions): Promise<{ app: INestApplication; url: string }> {
  const logger = createLogger({ service: options.service, instance: process.env.HOSTNAME ?? `pid-${process.pid}`, level: options.config.logging.level });
  const credentials = new ApiCredentials(options.config.auth);
  // Decided before anything opens: a refused address must not leave migrations or services half-started.
  const listen = chooseListenAddress({
    configuredHost: options.config.server.host,
    defaultHost: options.listen?.defaultHost ?? '0.0.0.0',
    authenticated: credentials.enabled,
    servesApi: options.roles.includes('webserver'),
    insecureNoAuth: options.listen?.insecureNoAuth ?? false,
    refuseOpenApi: options.listen?.refuseOpenApi ?? false,
  });
  if (listen.warning) logger.warn({ address: listen.host }, listen.warning);
  const app = await createOspreyApp<NestExpressApplication>({ config: options.config, roles: options.roles, logger }, { bodyParser: true });
  const errors = new ErrorFilter(logger);
  // The UI's files are public (they hold no data); everything else is behind the credentials.
  if (options.roles.includes('webserver')) app.use(staticUiMiddleware(options.uiDir));
  // Credentials are checked before any body is read.
  app.use(apiAuthMiddleware(credentials));
  // `/api/v1/{tenant}/...` (the path form of Kestra's clients) reaches the same routes as `/api/v1/...`.
  if (options.roles.includes('webserver')) app.use(tenantPathsMiddleware(options.config.server.tenant, new Set([...apiRoots(API_CONTROLLERS), ...kestraRoots()])));
  // Flows travel as YAML text, as in Kestra's API; JSON bodies may be any JSON value (a KV value such as 42).
  app.useBodyParser('json', { strict: false, limit: options.config.maxUploadBytes });
  app.useBodyParser('urlencoded', { extended: true, limit: options.config.maxUploadBytes });
  app.useBodyParser('text', { type: ['application/x-yaml', 'application/yaml', 'text/yaml', 'text/plain'], limit: options.config.maxUploadBytes });
  const document = app.get(OpenApiDocument);
  // Kestra's operations that Osprey does not serve answer 501 naming them, before a route pattern can take them.
  if (options.roles.includes('webserver')) app.use(notServedMiddleware(document));
  // Body parser errors (malformed JSON, too large) happen before routing: same JSON answers as the filter's.
  app.use(errors.middleware);
  app.useGlobalFilters(errors);
  // For every role (health and metrics are routes too): the guard checks each query string against the document,
  // built when first needed.
  document.describe(app, options.roles.includes('webserver') ? options.config.server.tenant : undefined);
  app.useGlobalGuards(new DeclaredQueryGuard(document));
  // Graceful stop on SIGTERM/SIGINT: the workers drain, the backend closes, the process exits 0.
  // A second signal exits at once.
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(130);
      stopping = true;
      logger.info({ signal }, 'shutting down');
      app
        .close()
        .then(() => new Promise<void>((resolve) => logger.flush(() => resolve())))
        .then(() => process.exit(0))
        .catch((error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        });
    });
  }
  try {
    await app.listen(options.config.server.port, listen.host);
    await app.startAllMicroservices();
  } catch (error) {
    // The services started with the application: stop them, or the process would run on without its port.
    await app.close().catch(() => undefined);
    throw error;
  }
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : options.config.server.port;
  const url = localUrl(listen.host, port);
  logger.info({ url, address: listen.host, port, roles: options.roles, dataDir: options.config.dataDir }, `osprey ${options.service} listening on ${describeHost(listen.host)}, port ${port}: ${url}`);
  return { app, url };
}
