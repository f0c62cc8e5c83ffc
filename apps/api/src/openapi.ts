import { type INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { ModulesContainer, NestFactory } from '@nestjs/core';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module.js';
import { zodToOpenApi } from './common/contract.js';
import { loadApiConfig } from './config.js';
import { ZodType } from 'zod';

export const DOCS_PATH = 'api/docs';
export const OPENAPI_JSON_PATH = `${DOCS_PATH}/openapi.json`;
/** The committed document (STYLE.md point 12): `npm run openapi` writes it, `apps/api/test/openapi.spec.ts` compares it. */
export const OPENAPI_FILE = 'apps/api/openapi.json';

/**
 * The OpenAPI 3.1 document of every route, built by @nestjs/swagger from the routes' decorators; request and response
 * schemas come from the same zod objects the routes validate with (zod's own JSON Schema, draft 2020-12).
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('Boomerang API')
    .setDescription(
      'Order webhooks in, retention emails out. Every error answers `{ error, message, issues? }` with the status listed; ' +
        '`issues` names each bad field. Bodies are JSON, at most 1 MiB, sent without Content-Encoding.',
    )
    .setVersion('1')
    .setLicense('MIT', 'https://opensource.org/license/mit')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        description: "Store routes: a merchant session (`bms_…`, opens the stores of its account; another account's store answers 404), a store's API key (opens that store), or the admin key (operations: opens every store, and creates stores)",
      },
      'apiKey',
    )
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A merchant session token (`bms_…`) from sign-in or verify' }, 'session')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A customer\'s privacy page session (`bmp_…`) from POST /privacy/sessions' }, 'privacySession')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Boomerang-Signature', description: '`sha256=<hex HMAC-SHA256 of the raw body with the store webhook secret>`' }, 'webhookSignature')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Postmark-Webhook-Secret', description: 'POSTMARK_WEBHOOK_SECRET, set as a custom header on the Postmark webhook' }, 'postmarkSecret')
    .addBasicAuth({ type: 'http', scheme: 'basic', description: 'POSTMARK_WEBHOOK_BASIC_AUTH, as basic auth in the Postmark webhook URL' }, 'postmarkBasic')
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    standardSchemaConverter: zodToOpenApi,
    operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}`,
  });
  // @nestjs/swagger marks every body required; a body whose schema accepts nothing at all is optional.
  for (const route of routesOf(app)) {
    const body = route.args.find((a) => a.type === RouteParamtypes.BODY);
    const requestBody = document.paths[route.path]?.[route.method as 'post']?.requestBody;
    if (body?.schema instanceof ZodType && requestBody && 'content' in requestBody) requestBody.required = !body.schema.safeParse(undefined).success;
  }
  return document;
}

export interface Route {
  method: string;
  /** OpenAPI style: `/api/v1/stores/{storeId}`. */
  path: string;
  where: string;
  args: { type: RouteParamtypes; data?: string; schema?: unknown }[];
}

/** Every route Nest registered for the application, from its own route metadata (a route added later is in here). */
export function routesOf(app: INestApplication): Route[] {
  const routes: Route[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as { prototype: Record<string, unknown>; name: string };
      const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = controller.prototype[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        if (path === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod]!.toLowerCase();
        const full = `/${[base, path].map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/')}`.replace(/:(\w+)/g, '{$1}');
        const meta = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {}) as Record<string, { data?: string; schema?: unknown }>;
        const args = Object.entries(meta).map(([key, a]) => ({ type: Number(key.split(':')[0]) as RouteParamtypes, data: a.data, schema: a.schema }));
        routes.push({ method, path: full, where: `${controller.name}.${name}`, args });
      }
    }
  }
  return routes;
}

/** The document at /api/docs/openapi.json and Swagger UI at /api/docs, its assets served from the installed swagger-ui-dist. */
export function serveApiDocs(app: INestApplication): void {
  let document: OpenAPIObject | undefined;
  SwaggerModule.setup(DOCS_PATH, app, () => (document ??= buildOpenApiDocument(app)), {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    raw: ['json'],
    customSiteTitle: 'Boomerang API',
    swaggerOptions: { validatorUrl: null },
  });
}

/** Stable text for the committed file: two-space JSON and a final newline. */
export function openApiText(document: OpenAPIObject): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/**
 * The document without a running stack (for `npm run openapi` and the up-to-date test): preview mode wires the routes
 * without constructing any provider, so no database or Temporal is touched.
 */
export async function generateOpenApiDocument(): Promise<OpenAPIObject> {
  const app = await NestFactory.create(AppModule.forRoot(loadApiConfig({ DATABASE_URL: 'postgres://127.0.0.1/unused' })), {
    preview: true,
    logger: false,
  });
  return buildOpenApiDocument(app);
}
