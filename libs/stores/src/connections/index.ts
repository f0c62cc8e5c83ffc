export * from './connection-input.js';
export * from './connections.service.js';
export * from './credentials-cipher.js';
export * from './last-event-recorder.js';
export * from './platform-webhook-receiver.js';
export * from './store-connection.repository.js';
export * from './webhook-inbox.port.js';
export * from './webhook-secret-cache.js';
