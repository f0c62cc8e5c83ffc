import type { ConnectInput, StoreConnection } from '../connection.js';
import { expectOk, type Api } from './api.js';

// Every call the Connection page makes, in one place, through the generated client.

const CONNECTION = '/api/v1/stores/{storeId}/connection';
const at = (storeId: string) => ({ params: { path: { storeId } } });

/** The store's connection; a store never connected answers `platform: null`, status `disconnected`. */
export async function getConnection(api: Api, storeId: string): Promise<StoreConnection> {
  return expectOk(await api.GET(CONNECTION, at(storeId)));
}

/** Connects or updates: the api tests the credentials, then registers our webhooks. */
export function putConnection(api: Api, storeId: string, input: ConnectInput) {
  return api.PUT(CONNECTION, { ...at(storeId), body: input });
}

export function testConnection(api: Api, storeId: string) {
  return api.POST(`${CONNECTION}/test`, at(storeId));
}

/** Removes the connection; the api unregisters our webhooks from the platform. */
export function removeConnection(api: Api, storeId: string) {
  return api.DELETE(CONNECTION, at(storeId));
}
