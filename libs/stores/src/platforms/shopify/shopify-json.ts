import { DomainError } from '@boomerang/domain';

/** Node 24's JSON.parse source text access (TC39 "JSON.parse source text access"): the literal a number came from. */
interface ReviverContext {
  source?: string;
}

const INTEGER_LITERAL = /^-?\d+$/;

/** `id`, `order_id`, `customer_id`, `variant_id`…: Shopify's ids, which exceed 2^53. */
function isIdKey(key: string): boolean {
  return key === 'id' || key.endsWith('_id');
}

function keepIdsExact(this: unknown, key: string, value: unknown, context?: ReviverContext): unknown {
  if (typeof value !== 'number') return value;
  const source = context?.source;
  if (source === undefined) {
    if (!Number.isSafeInteger(value) && Number.isInteger(value)) throw new Error('JSON.parse has no source text access (Node 24+ required)');
    return value;
  }
  if (!INTEGER_LITERAL.test(source)) return value;
  return isIdKey(key) || !Number.isSafeInteger(value) ? source : value;
}

/**
 * Parses a Shopify body keeping ids exact: every integer under an id key (`id`, `*_id`) becomes its digit string,
 * and any other integer beyond 2^53 too, taken from the source text rather than from the (rounded) number. The
 * intake parses Shopify bodies with this before `shopifyAdapter.normalize`, and the client parses every API answer
 * with it, so no Shopify id ever passes through a JavaScript number.
 */
export function parseShopifyJson(raw: Buffer | string): unknown {
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  try {
    return JSON.parse(text, keepIdsExact as (this: unknown, key: string, value: unknown) => unknown);
  } catch (error) {
    if (error instanceof SyntaxError) throw new DomainError('malformed_json', `body is not valid JSON: ${error.message}`);
    // Nesting deep enough to exhaust the stack while reviving: no Shopify resource is shaped like that.
    if (error instanceof RangeError) throw new DomainError('malformed_json', 'body is nested too deeply');
    throw error;
  }
}
