export * from './analytics-report.js';
export { connectGoogleAnalyticsSchema, serviceAccountKeySchema } from './google-analytics.schemas.js';
export * from './google-analytics.service.js';
export { GoogleApiError } from './google-errors.js';
