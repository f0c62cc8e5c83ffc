import 'reflect-metadata';
import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { DomainErrorFilter } from './common/domain-error.filter.js';
import { IdParamsPipe } from './common/input.pipe.js';
import { requestGuard } from './common/request-guard.js';
import type { ApiConfig } from './config.js';

/** Builds the api without listening: main.ts and the end-to-end tests share it. */
export async function createApiApp(config: ApiConfig, options: { logger?: false } = {}): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config), {
    bodyParser: false,
    ...(options.logger === false ? { logger: false } : {}),
  });
  // CORS first, so a browser can read the guard's 4xx answers too.
  app.enableCors();
  // Every request passes one input layer (path, query, body) before any route sees it.
  app.use(requestGuard());
  app.useGlobalPipes(new IdParamsPipe());
  app.useGlobalFilters(new DomainErrorFilter());
  app.enableShutdownHooks();
  return app;
}
