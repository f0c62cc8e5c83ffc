import { z } from 'zod';
import { text } from './text.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Exactly what PostgreSQL's uuid type accepts in canonical form; anything else must never reach a uuid cast. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && value.length === 36 && UUID.test(value);
}

/** An id in a body or query string: a malformed one is a 400 naming the field. (A path id answers 404: see the api's id pipe.) */
export const uuid = () => z.string({ error: 'must be a string' }).max(36, 'must be a UUID').regex(UUID, 'must be a UUID');

/** An id another system gave (an order number): at most `max` characters; an integer is accepted and kept as text. */
export const externalId = (max = 255) =>
  z.union([text(max, { trim: false }), z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER).transform(String)], {
    error: `must be a string of at most ${max} characters or a whole number`,
  });
