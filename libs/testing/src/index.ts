export * from './temporal-server.js';
export * from './test-database.js';
export * from './seed-rows.js';
export * from './tcp-proxy.js';
export * from './fake-postmark.js';
