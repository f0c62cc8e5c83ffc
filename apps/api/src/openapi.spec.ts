import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import type { INestApplication } from '@nestjs/common';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { NestFactory } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { AppModule } from './app.module.js';
import { loadApiConfig } from './config.js';
import { buildOpenApiDocument, generateOpenApiDocument, openApiText, routesOf } from './openapi.js';

const COMMITTED = new URL('../openapi.json', import.meta.url);

describe('the OpenAPI document', () => {
  let app: INestApplication;
  let document: OpenAPIObject;

  beforeAll(async () => {
    app = await NestFactory.create(AppModule.forRoot(loadApiConfig({ DATABASE_URL: 'postgres://127.0.0.1/unused' })), { preview: true, logger: false });
    document = buildOpenApiDocument(app);
  });

  it('is committed up to date (regenerate it with `npm run openapi`)', async () => {
    const generated = openApiText(await generateOpenApiDocument());
    let committed = '';
    try {
      committed = readFileSync(COMMITTED, 'utf8');
    } catch {
      // A missing file is a difference like any other.
    }
    if (generated !== committed) {
      throw new Error('apps/api/openapi.json differs from the routes\' schemas: run `npm run openapi` and commit the result');
    }
  });

  it('is OpenAPI 3.1 with the security schemes of every kind of caller', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.components?.securitySchemes ?? {}).sort()).toEqual(['apiKey', 'postmarkBasic', 'postmarkSecret', 'privacySession', 'session', 'webhookSignature']);
  });

  it('describes every route of the application, and every body, query and …Id parameter it validates', () => {
    const routes = routesOf(app);
    expect(routes.length).toBeGreaterThan(20);
    const problems: string[] = [];
    for (const route of routes) {
      const operation = document.paths[route.path]?.[route.method as 'get'];
      if (!operation) {
        problems.push(`${route.method.toUpperCase()} ${route.path} (${route.where}) is missing from the document`);
        continue;
      }
      for (const arg of route.args) {
        if (arg.type === RouteParamtypes.BODY) {
          if (!arg.schema) problems.push(`${route.where}: @Body() without a schema (use @ValidBody(schema))`);
          if (!operation.requestBody) problems.push(`${route.where}: validates a body the document does not declare`);
        }
        if (arg.type === RouteParamtypes.QUERY) {
          if (!arg.schema) problems.push(`${route.where}: @Query() without a schema (use @ValidQuery(schema))`);
          if (!operation.parameters?.some((p) => 'in' in p && p.in === 'query')) problems.push(`${route.where}: validates a query the document does not declare`);
        }
        if (arg.type === RouteParamtypes.PARAM && (!arg.data || (/Id$/.test(arg.data) && !arg.schema))) {
          problems.push(`${route.where}: path parameter ${arg.data ?? '(all)'} without a schema (use @IdParam or @ValidParam)`);
        }
      }
      const success = Object.keys(operation.responses).filter((s) => /^[23]/.test(s));
      if (!success.length) problems.push(`${route.where}: no success response declared (use @Returns)`);
    }
    // Nothing documented that the application does not serve.
    const served = new Set(routes.map((r) => `${r.method} ${r.path}`));
    for (const [path, item] of Object.entries(document.paths)) {
      for (const method of Object.keys(item)) if (!served.has(`${method} ${path}`)) problems.push(`${method.toUpperCase()} ${path} is documented but not served`);
    }
    expect(problems).toEqual([]);
  });

  it('documents every 4xx with the one error shape', () => {
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item as Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          if (!/^[45]/.test(status)) continue;
          expect({ route: `${method} ${path} ${status}`, schema: response.content?.['application/json']?.schema }).toEqual({
            route: `${method} ${path} ${status}`,
            schema: { $ref: '#/components/schemas/Error' },
          });
        }
      }
    }
  });
});
