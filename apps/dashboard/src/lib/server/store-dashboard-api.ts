import type { StoreDashboard } from '../store-dashboard/store-dashboard.js';
import { expectOk, type Api } from './api.js';

/** The store page's widgets. */
export async function getStoreDashboard(api: Api, storeId: string): Promise<StoreDashboard> {
  return expectOk(await api.GET('/api/v1/stores/{storeId}/dashboard', { params: { path: { storeId } } }));
}
