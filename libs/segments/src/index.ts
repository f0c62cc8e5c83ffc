export * from './criteria.js';
export * from './segment-definition.js';
export { compileSegment, type CompiledSegment, type CompileContext, type Fragment } from './segment-compiler.js';
export * from './segment-membership.repository.js';
export * from './segment.repository.js';
export * from './segment-evaluator.js';
export * from './segment-scheduler.js';
export * from './segments.service.js';
export { ConflictError } from './errors.js';
