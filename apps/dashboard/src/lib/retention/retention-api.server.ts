import type { Api, Schemas } from '../server/api.js';

// Calls of the retention screens to the routes added for the dashboard (products, preview) and to the account.

export type Preview = Schemas['RulePreview'];

export interface PreviewInput {
  subject: string;
  bodyHtml: string;
  bodyText?: string;
  senderName: string;
  senderEmail: string;
  skus?: string[];
  customerId?: string;
}

export function searchProducts(api: Api, storeId: string, q: string, limit = 20) {
  return api.GET('/api/v1/stores/{storeId}/products', { params: { path: { storeId }, query: { q, limit } } });
}

export function previewMessage(api: Api, storeId: string, body: PreviewInput) {
  return api.POST('/api/v1/stores/{storeId}/rules/preview', { params: { path: { storeId } }, body });
}

/** The signed-in merchant's address, the draft's first sender address (step 2 shows it to change). */
export async function accountEmail(api: Api): Promise<string | null> {
  const result = await api.GET('/api/v1/account');
  return result.response.ok ? (result.data?.user.email ?? null) : null;
}
