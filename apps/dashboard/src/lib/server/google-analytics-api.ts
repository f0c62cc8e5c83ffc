import type { components } from '../api/schema.js';
import { expectOk, type Api } from './api.js';

export type GoogleAnalyticsConnection = components['schemas']['GoogleAnalyticsConnection'];

/** The store's Google Analytics connection, or null. */
export async function getGoogleAnalytics(api: Api, storeId: string): Promise<GoogleAnalyticsConnection | null> {
  return expectOk(await api.GET('/api/v1/stores/{storeId}/google-analytics', { params: { path: { storeId } } })).connection;
}
