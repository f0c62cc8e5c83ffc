import type { EntityManager, OrderLineRecord } from '@boomerang/persistence';

export interface ProductSummary {
  sku: string;
  name: string | null;
  /** Orders whose lines hold the SKU. */
  orders: number;
  lastOrderedAt: Date;
}

/** `%`, `_` and `\` match themselves in a search term. */
export function likePattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The SKUs of an order's lines, each with the last name a line gave it. */
function skuNames(lines: readonly OrderLineRecord[]): Map<string, string | null> {
  const names = new Map<string, string | null>();
  for (const line of lines) names.set(line.sku, line.name ?? names.get(line.sku) ?? null);
  return names;
}

/**
 * The store's sold SKUs (`store_product`), kept in step with its orders by ingestion. Every method takes the store id.
 */
export class ProductCatalogRepository {
  constructor(private readonly em: EntityManager) {}

  /**
   * Counts an order in (new or changed lines) inside the ingestion's transaction: SKUs it gained count one order more,
   * SKUs it lost one fewer. Rows are locked in SKU order, so two orders sharing SKUs cannot deadlock.
   */
  recordOrder(storeId: string, previous: readonly OrderLineRecord[] | null, lines: readonly OrderLineRecord[], placedAt: Date): Promise<void> {
    return this.recordOrders(storeId, [{ previous, lines, placedAt }]);
  }

  /**
   * Counts several orders in with one statement per kind of change (the projector's round): per SKU, the orders
   * gained and lost are summed, the name is the latest order's, and the last order time the latest.
   */
  async recordOrders(storeId: string, orders: readonly { previous: readonly OrderLineRecord[] | null; lines: readonly OrderLineRecord[]; placedAt: Date }[]): Promise<void> {
    const gained = new Map<string, { name: string | null; added: number; at: Date }>();
    const lost = new Map<string, number>();
    for (const { previous, lines, placedAt } of orders) {
      const before = skuNames(previous ?? []);
      const after = skuNames(lines);
      for (const [sku, name] of after) {
        const held = gained.get(sku);
        const added = (held?.added ?? 0) + (before.has(sku) ? 0 : 1);
        const latest = !held || placedAt >= held.at;
        gained.set(sku, { name: latest ? (name ?? held?.name ?? null) : (held.name ?? name), added, at: latest ? placedAt : held.at });
      }
      for (const sku of before.keys()) if (!after.has(sku)) lost.set(sku, (lost.get(sku) ?? 0) + 1);
    }
    const upserts = [...gained].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const removed = [...lost].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    // Lists travel as JSON text: the driver would expand a bound array into a list of values.
    if (upserts.length) {
      await this.em.execute(
        `insert into store_product (id, store_id, sku, name, orders, last_ordered_at)
         select gen_random_uuid(), ?, u.sku, u.name, u.added, u.at
         from jsonb_to_recordset(cast(? as jsonb)) as u(sku text, name text, added int, at timestamptz)
         order by u.sku collate "C"
         on conflict (store_id, sku) do update set
           orders = store_product.orders + excluded.orders,
           name = case when excluded.last_ordered_at >= store_product.last_ordered_at
                       then coalesce(excluded.name, store_product.name) else coalesce(store_product.name, excluded.name) end,
           last_ordered_at = greatest(store_product.last_ordered_at, excluded.last_ordered_at)`,
        [storeId, JSON.stringify(upserts.map(([sku, u]) => ({ sku, name: u.name, added: u.added, at: u.at.toISOString() })))],
      );
    }
    if (removed.length) {
      await this.em.execute(
        `update store_product p set orders = greatest(p.orders - r.n, 0)
         from jsonb_to_recordset(cast(? as jsonb)) as r(sku text, n int)
         where p.store_id = ? and p.sku = r.sku`,
        [JSON.stringify(removed.map(([sku, n]) => ({ sku, n }))), storeId],
      );
    }
  }

  /**
   * The store's sold SKUs, most-ordered first; `term` matches anywhere in the SKU or the name, ignoring case.
   * A store's catalogue is scanned by its own index; the term is a bounded literal (no pattern syntax).
   */
  async search(storeId: string, term: string | undefined, limit: number): Promise<ProductSummary[]> {
    const params: unknown[] = [storeId];
    let where = 'store_id = ? and orders > 0';
    if (term) {
      where += ` and (sku ilike ? escape '\\' or name ilike ? escape '\\')`;
      params.push(likePattern(term), likePattern(term));
    }
    const rows = await this.em.execute<{ sku: string; name: string | null; orders: number; last_ordered_at: Date | string }[]>(
      `select sku, name, orders, last_ordered_at from store_product where ${where} order by orders desc, sku asc limit ?`,
      [...params, limit],
    );
    return rows.map((r) => ({ sku: r.sku, name: r.name, orders: Number(r.orders), lastOrderedAt: new Date(r.last_ordered_at) }));
  }

  /** The store's rows for these SKUs (compared trimmed and upper-cased, as rules match them). */
  async bySkus(storeId: string, normalizedSkus: string[]): Promise<ProductSummary[]> {
    if (!normalizedSkus.length) return [];
    const rows = await this.em.execute<{ sku: string; name: string | null; orders: number; last_ordered_at: Date | string }[]>(
      `select sku, name, orders, last_ordered_at from store_product
       where store_id = ? and upper(trim(sku)) in (select jsonb_array_elements_text(cast(? as jsonb)))
       order by orders desc limit 1000`,
      [storeId, JSON.stringify(normalizedSkus)],
    );
    return rows.map((r) => ({ sku: r.sku, name: r.name, orders: Number(r.orders), lastOrderedAt: new Date(r.last_ordered_at) }));
  }
}
