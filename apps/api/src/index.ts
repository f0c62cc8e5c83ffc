export * from './config.js';
export * from './create-app.js';
