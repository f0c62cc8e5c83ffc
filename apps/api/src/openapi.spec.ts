import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { type INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { ModulesContainer, NestFactory } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { AppModule } from './app.module.js';
import { loadApiConfig } from './config.js';
import { buildOpenApiDocument, generateOpenApiDocument, openApiText } from './openapi.js';

const COMMITTED = new URL('../openapi.json', import.meta.url);

interface Route {
  method: string;
  path: string;
  where: string;
  args: { type: number; data?: string; schema?: unknown }[];
}

/** Every route Nest registered for the application, from its own route metadata (a route added later is in here). */
function routesOf(app: INestApplication): Route[] {
  const routes: Route[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as { new (...args: never[]): unknown; name: string };
      const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        if (path === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number]!.toLowerCase();
        const full = `/${[base, path].map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/')}`.replace(/:(\w+)/g, '{$1}');
        const args = Object.values((Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {}) as Record<string, { index: number; data?: string; schema?: unknown }>);
        const types = Object.keys((Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {}) as object).map((k) => Number(k.split(':')[0]));
        routes.push({ method, path: full, where: `${controller.name}.${name}`, args: args.map((a, i) => ({ type: types[i]!, data: a.data, schema: a.schema })) });
      }
    }
  }
  return routes;
}

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
    expect(Object.keys(document.components?.securitySchemes ?? {}).sort()).toEqual(['apiKey', 'postmarkBasic', 'postmarkSecret', 'webhookSignature']);
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
