import { DomainError } from '@boomerang/domain';

/**
 * An integer literal of 16 or more digits in value position (after `:`, `,`, `[` or at the start): the only literals that can
 * exceed 2^53 (every integer of up to 15 digits is below it). No leading zero, fraction or exponent (those stay what
 * JSON.parse makes of them, and a leading zero stays the syntax error it is). A match may lie inside a string.
 */
const LONG_INTEGER = /(?:^|[:,[])\s*(-?[1-9]\d{15,})(?![.eE\d])/g;
const SIXTEEN_DIGITS = /\d{16}/;

/**
 * The text with every integer literal beyond 2^53 quoted, so JSON.parse keeps its digits. Candidates inside strings
 * are skipped: the quotes before each candidate are counted once, from the previous one (escaped quotes do not
 * count), so the walk is linear in the text.
 */
function quoteLongIntegers(text: string): string {
  let out = '';
  let copied = 0;
  let scanned = 0;
  let inString = false;
  for (const match of text.matchAll(LONG_INTEGER)) {
    for (let q = text.indexOf('"', scanned); q !== -1 && q < match.index; q = text.indexOf('"', scanned)) {
      let backslashes = 0;
      if (inString) while (text.charCodeAt(q - 1 - backslashes) === 92) backslashes++;
      if (backslashes % 2 === 0) inString = !inString;
      scanned = q + 1;
    }
    const digits = match[1]!;
    if (inString || Number.isSafeInteger(Number(digits))) continue;
    const start = match.index + match[0].length - digits.length;
    out += `${text.slice(copied, start)}"${digits}"`;
    copied = start + digits.length;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** `id`, `order_id`, `customer_id`, `variant_id`…: Shopify's ids, which exceed 2^53. */
function isIdKey(key: string): boolean {
  return key === 'id' || key.endsWith('_id');
}

/** Integers under id keys become their digit strings, in place (an unsafe one came from an exponent: it stays a number, refused as an id). */
function idsAsStrings(value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) if (item !== null && typeof item === 'object') idsAsStrings(item);
    return;
  }
  const object = value as Record<string, unknown>;
  for (const key in object) {
    const v = object[key];
    if (typeof v === 'number') {
      if (Number.isSafeInteger(v) && isIdKey(key)) object[key] = String(v);
    } else if (v !== null && typeof v === 'object') {
      idsAsStrings(v);
    }
  }
}

/**
 * Parses a Shopify body keeping ids exact: every integer under an id key (`id`, `*_id`) becomes its digit string,
 * and any other integer beyond 2^53 too, taken from the source text rather than from the (rounded) number. The
 * intake parses Shopify bodies with this before `shopifyAdapter.normalize`, and the client parses every API answer
 * with it, so no Shopify id ever passes through a JavaScript number.
 *
 * Integer literals that would lose digits are quoted in the text before a plain JSON.parse (a body without a
 * 16-digit run skips that step), then id numbers become strings in one walk: a third of the cost of a JSON.parse
 * reviver with source text access, which webhook acceptance paid on every request.
 */
export function parseShopifyJson(raw: Buffer | string): unknown {
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  try {
    const parsed: unknown = JSON.parse(SIXTEEN_DIGITS.test(text) ? quoteLongIntegers(text) : text);
    if (parsed !== null && typeof parsed === 'object') idsAsStrings(parsed);
    return parsed;
  } catch (error) {
    if (error instanceof SyntaxError) throw new DomainError('malformed_json', `body is not valid JSON: ${error.message}`);
    // Nesting deep enough to exhaust the stack: no Shopify resource is shaped like that.
    if (error instanceof RangeError) throw new DomainError('malformed_json', 'body is nested too deeply');
    throw error;
  }
}
