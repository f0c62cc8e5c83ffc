import type { paths } from '../api/schema.js';
import { apiFailure } from './forms.js';

export type StoreUpdate = NonNullable<paths['/api/v1/stores/{storeId}']['patch']['requestBody']>['content']['application/json'];

/**
 * PATCH one section of the store's settings. Success: `{ saved: section }` (the page's `form.saved` names which
 * section to confirm); refusal: the api's field messages, keyed as the form names its inputs (`rename`).
 */
export async function saveStoreSection<V>(
  locals: App.Locals,
  storeId: string,
  section: string,
  body: StoreUpdate,
  values: V,
  rename: (field: string) => string = (field) => field,
) {
  const result = await locals.api.PATCH('/api/v1/stores/{storeId}', { params: { path: { storeId } }, body });
  if (!result.response.ok) {
    const failure = apiFailure(result, values);
    failure.data.errors = Object.fromEntries(Object.entries(failure.data.errors).map(([field, message]) => [rename(field), message]));
    return Object.assign(failure, { data: { ...failure.data, section } });
  }
  return { saved: section, section, values };
}
