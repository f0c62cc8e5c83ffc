import { expectOk, type Api, type Schemas } from '../server/api.js';

export type Store = Schemas['Store'];
export type Rule = Schemas['Rule'];

/** The store every retention screen works in (a store of another account is a 404 like an unknown one). */
export async function loadStore(api: Api, storeId: string): Promise<Store> {
  return expectOk(await api.GET('/api/v1/stores/{storeId}', { params: { path: { storeId } } }));
}

export async function loadRule(api: Api, storeId: string, ruleId: string): Promise<Rule> {
  return expectOk(await api.GET('/api/v1/stores/{storeId}/rules/{ruleId}', { params: { path: { storeId, ruleId } } }));
}

export async function loadStats(api: Api, storeId: string, ruleId?: string) {
  return expectOk(await api.GET('/api/v1/stores/{storeId}/stats', { params: { path: { storeId }, query: ruleId ? { ruleId } : {} } }));
}
