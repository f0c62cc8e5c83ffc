export * from './entities/index.js';
export * from './orm.js';
