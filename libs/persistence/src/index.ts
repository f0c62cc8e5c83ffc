export * from './entities/index.js';
export * from './orm.js';
export * from './prepared-statements.js';
export * from './sql-arrays.js';
export * from './table-statistics.js';
