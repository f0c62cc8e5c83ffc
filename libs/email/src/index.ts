export * from './email-transport.js';
export * from './outbox.transport.js';
export * from './postmark.transport.js';
export * from './render-message.js';
export * from './template-compiler.js';
