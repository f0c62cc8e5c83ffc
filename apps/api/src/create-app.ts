import 'reflect-metadata';
import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import express from 'express';
import { DomainError } from '@boomerang/domain';
import { AppModule } from './app.module.js';
import { DomainErrorFilter } from './common/domain-error.filter.js';
import type { ApiConfig } from './config.js';

const WEBHOOK_PATH = /^\/api\/v1\/stores\/[^/]+\/webhooks\//;

function bodyError(err: unknown): unknown {
  const e = err as { type?: string; message?: string } | undefined;
  if (e?.type === 'entity.parse.failed') return new DomainError('malformed_json', `body is not valid JSON: ${e.message}`);
  if (e?.type === 'entity.too.large') return new DomainError('payload_too_large', 'body exceeds 1 MiB');
  return err;
}

/** Builds the api without listening: main.ts and the end-to-end tests share it. */
export async function createApiApp(config: ApiConfig, options: { logger?: false } = {}): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config), {
    bodyParser: false,
    ...(options.logger === false ? { logger: false } : {}),
  });
  // Webhooks keep their raw bytes for the HMAC check; everything else is JSON.
  const raw = express.raw({ type: () => true, limit: '1mb' });
  const json = express.json({ limit: '1mb' });
  app.use((req: express.Request, res: express.Response, next: express.NextFunction) =>
    WEBHOOK_PATH.test(req.path) ? raw(req, res, next) : json(req, res, (err?: unknown) => next(bodyError(err))),
  );
  app.useGlobalFilters(new DomainErrorFilter());
  app.enableShutdownHooks();
  app.enableCors();
  return app;
}
