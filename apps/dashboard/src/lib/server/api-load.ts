import { error } from '@sveltejs/kit';
import { ApiResponseError, ApiUnreachableError, createBoomerangApi, type BoomerangApi } from './boomerang-api.js';
import { config } from './config.js';

/**
 * Runs `read` against the API for a load function and turns API failures into HTTP errors the
 * error page can show: a missing store stays a 404, everything else is the API's fault (502).
 */
export async function readFromApi<T>(fetchFn: typeof fetch, read: (api: BoomerangApi) => Promise<T>): Promise<T> {
  try {
    return await read(createBoomerangApi({ apiUrl: config.apiUrl, adminApiKey: config.adminApiKey, fetch: fetchFn }));
  } catch (err) {
    if (err instanceof ApiUnreachableError) {
      error(502, `${err.message} Check that the api is running and that API_URL points at it.`);
    }
    if (err instanceof ApiResponseError) {
      if (err.status === 404) error(404, err.message);
      if (err.status === 401 || err.status === 403) {
        error(502, `The Boomerang API rejected the dashboard's admin key (${err.message}). Check ADMIN_API_KEY.`);
      }
      error(502, `The Boomerang API answered ${err.status} (${err.code}): ${err.message}`);
    }
    throw err;
  }
}
