import { normalizeSku } from '@boomerang/domain';

/**
 * SQL for "the customer's completed or shipped orders that match a rule's SKUs" (all orders for a blanket
 * rule). Parameters: the normalized SKU list twice. Used by back-fill, re-filter and refund fallback.
 */
export const MATCHING_ORDER_SQL = `o.status in ('completed', 'shipped')
  and (jsonb_array_length(cast(? as jsonb)) = 0 or exists (
    select 1 from jsonb_array_elements(o.lines) l
    where upper(trim(l->>'sku')) in (select jsonb_array_elements_text(cast(? as jsonb)))))`;

/** SKU lists travel as JSON text: bindings of JS arrays would be expanded into value lists. */
export function skuParams(skus: string[]): [string, string] {
  const json = JSON.stringify(skus.map(normalizeSku));
  return [json, json];
}
