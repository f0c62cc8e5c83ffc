import { expectOk, type Api } from '../server/api.js';
import type { Criterion } from './segment-tree.js';

/** The builder's criteria and the order statuses, from the api. */
export async function loadCriteria(api: Api, storeId: string): Promise<{ criteria: Criterion[]; statuses: string[] }> {
  return expectOk(await api.GET('/api/v1/stores/{storeId}/segments/criteria', { params: { path: { storeId } } }));
}

/** A form's `definition` field (the builder's JSON); undefined when it is not JSON (the api then names the field). */
export function parseDefinition(raw: FormDataEntryValue | null): unknown {
  if (typeof raw !== 'string' || raw.length > 256 * 1024) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
