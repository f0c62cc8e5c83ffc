import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { generateOpenApiDocument, OPENAPI_FILE, openApiText } from './openapi.js';

// `npm run openapi`: rewrites the committed document from the routes' schemas.
writeFileSync(OPENAPI_FILE, openApiText(await generateOpenApiDocument()));
console.log(`wrote ${OPENAPI_FILE}`);
