import 'reflect-metadata';
import { type INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { DomainErrorFilter } from './common/domain-error.filter.js';
import { ContractPipe } from './common/input.pipe.js';
import { requestGuard } from './common/request-guard.js';
import { serverTiming } from './common/server-timing.js';
import type { ApiConfig } from './config.js';
import type { ConnectionPorts } from './connections/connections.providers.js';
import { serveApiDocs } from './openapi.js';

/** Builds the api without listening: main.ts and the end-to-end tests share it. */
export async function createApiApp(config: ApiConfig, options: { logger?: false; ports?: ConnectionPorts } = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, options.ports), {
    bodyParser: false,
    ...(options.logger === false ? { logger: false } : {}),
  });
  // Whose X-Forwarded-For names the client (req.ip): the dashboard on loopback forwards the browser's address.
  app.set('trust proxy', config.trustProxy);
  // CORS first, so a browser can read the guard's 4xx answers too.
  app.enableCors();
  // First, so the time it reports covers everything the api does with a request.
  app.use(serverTiming());
  // Every request passes one input layer (path, query, body) before any route sees it.
  app.use(requestGuard());
  // Every declared schema (body, query, path) runs here: the same objects the OpenAPI document is built from.
  app.useGlobalPipes(new ContractPipe());
  app.useGlobalFilters(new DomainErrorFilter());
  serveApiDocs(app);
  app.enableShutdownHooks();
  return app;
}
