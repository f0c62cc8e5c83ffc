import { readFileSync } from 'node:fs';
import { CLIENT_SCHEMA, generateClientSchema, OPENAPI_DOCUMENT } from './generate-api-client.mjs';

describe("the dashboard's generated API client", () => {
  it('is up to date with apps/api/openapi.json (regenerate it with `npm run api-client`)', async () => {
    const generated = await generateClientSchema();
    const committed = readFileSync(CLIENT_SCHEMA, 'utf8');
    if (generated !== committed) {
      throw new Error('apps/dashboard/src/lib/api/schema.d.ts is stale: run `npm run api-client` and commit the result');
    }
  });

  it('changes when a field of the document is renamed (so a stale client is caught)', async () => {
    const document = JSON.parse(readFileSync(OPENAPI_DOCUMENT, 'utf8'));
    const store = document.components.schemas.Store;
    store.properties.storeName = store.properties.name;
    delete store.properties.name;
    store.required = store.required.map((f) => (f === 'name' ? 'storeName' : f));
    const renamed = await generateClientSchema(document);
    expect(renamed).toContain('storeName: string');
    expect(renamed).not.toEqual(await generateClientSchema());
  });
});
