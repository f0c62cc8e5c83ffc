import { Logger } from '@nestjs/common';
import { loadApiConfig } from './config.js';
import { createApiApp } from './create-app.js';

const config = loadApiConfig();
const app = await createApiApp(config);
await app.listen(config.port, config.host);
new Logger('api').log(`listening on http://localhost:${config.port} (Temporal ${config.temporalAddress})`);
