import type { Handle, HandleServerError } from '@sveltejs/kit/hooks';
import { createApi, SESSION_COOKIE } from './lib/server/api.js';

// Importing the api client parses the configuration (src/lib/server/config.ts) when the server loads its hooks at
// start-up: a bad value stops it before its first request, with one message and exit code 78.
/**
 * Every request gets an api client acting as the signed-in merchant (or as nobody). SvelteKit itself refuses
 * cross-site form posts (its origin check), which with the SameSite=Lax cookie is the dashboard's CSRF protection:
 * the browser never holds a credential the api accepts.
 */
export const handle: Handle = async ({ event, resolve }) => {
  const token = event.cookies.get(SESSION_COOKIE) ?? null;
  event.locals.sessionToken = token;
  event.locals.api = createApi(event.fetch, token, safeClientAddress(() => event.getClientAddress()));
  const response = await resolve(event);
  response.headers.set('x-frame-options', 'DENY');
  response.headers.set('referrer-policy', 'same-origin');
  return response;
};

function safeClientAddress(read: () => string): string | null {
  try {
    return read();
  } catch {
    return null;
  }
}

/** An unexpected error (a bug, not an `error(…)` we raised) is logged with its stack; the page shows a reference to it. */
export const handleError: HandleServerError = (caught) => {
  if (caught.kind !== 'unknown') return;
  const id = crypto.randomUUID();
  console.error(`[dashboard] ${caught.event.request.method} ${caught.event.url.pathname} failed (error ${id}):`, caught.error);
  return { message: `Something went wrong on our side (error ${id}).` };
};
