export * from './account-emails.js';
export * from './account.schemas.js';
export * from './account.service.js';
export { type TrialPeriod } from './accounts.repository.js';
export * from './auth-rate-limits.js';
export * from './auth.service.js';
export * from './domain-name.js';
export * from './password-hasher.js';
export { SESSION_TOKEN_PREFIX } from './secret-token.js';
