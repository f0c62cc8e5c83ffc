import { Logger } from '@nestjs/common';
import { loadApiConfigOrExit } from './config.js';
import { createApiApp } from './create-app.js';

const config = loadApiConfigOrExit();
const app = await createApiApp(config);
await app.listen(config.port, config.host);
new Logger('api').log(`listening on http://localhost:${config.port} (Temporal ${config.temporalAddress})`);
