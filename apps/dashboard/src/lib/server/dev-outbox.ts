import { error } from '@sveltejs/kit';
import { expectOk } from './api.js';

/** The list route exists only with the outbox transport (development, tests): a 404 means "not here", said plainly. */
export function outboxList<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.status === 404) {
    error(404, 'The development outbox exists only when the api keeps emails in its outbox (EMAIL_TRANSPORT=outbox).');
  }
  return expectOk(result);
}
