import { fail, type ActionFailure } from '@sveltejs/kit';
import { fieldErrors, type ApiError } from './api.js';
import { rateLimitMessage } from '../messages.js';

/** What every form action returns when the api refuses: field messages beside inputs, a sentence on top. */
export interface FormFailure<V> {
  errors: Record<string, string>;
  message: string | null;
  code: string | null;
  values: V;
}

/**
 * The api's refusal as a form failure: 400 issues go beside their fields; 429 becomes "try again in N minutes";
 * anything else keeps the api's sentence. `values` refills the form (never passwords).
 */
export function apiFailure<V>(result: { error?: unknown; response: Response }, values: V): ActionFailure<FormFailure<V>> {
  const status = result.response.status;
  const body = result.error as Partial<ApiError> | undefined;
  const errors = fieldErrors(body);
  let message: string | null = body?.message ?? `The Boomerang API answered ${status}.`;
  if (status === 429) message = rateLimitMessage(result.response.headers.get('retry-after'));
  else if (status === 400 && Object.keys(errors).length > 0) message = 'Please correct the fields marked below.';
  return fail(status >= 400 && status < 600 ? status : 502, { errors, message, code: body?.error ?? null, values });
}

/** A form field as text ('' when absent or a file). */
export function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
}

/** A refusal the dashboard words itself (no field at fault). */
export function formError<V>(status: number, message: string, code: string, values: V): ActionFailure<FormFailure<V>> {
  return fail(status, { errors: {} as Record<string, string>, message, code, values });
}
