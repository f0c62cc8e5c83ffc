import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module.js';
import { zodToOpenApi } from './common/contract.js';
import { loadApiConfig } from './config.js';

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
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: "A store's API key (opens that store) or the admin key (opens every store, and creates stores)" }, 'apiKey')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Boomerang-Signature', description: '`sha256=<hex HMAC-SHA256 of the raw body with the store webhook secret>`' }, 'webhookSignature')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Postmark-Webhook-Secret', description: 'POSTMARK_WEBHOOK_SECRET, set as a custom header on the Postmark webhook' }, 'postmarkSecret')
    .addBasicAuth({ type: 'http', scheme: 'basic', description: 'POSTMARK_WEBHOOK_BASIC_AUTH, as basic auth in the Postmark webhook URL' }, 'postmarkBasic')
    .build();
  return SwaggerModule.createDocument(app, config, {
    standardSchemaConverter: zodToOpenApi,
    operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}`,
  });
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
