import type { NormalizedCustomer, NormalizedLineItem, NormalizedOrder, OrderStatus } from '@boomerang/domain';
import { CustomerSchema, OrderSchema, textArrayLiteral, type Customer, type EntityManager, type Order, type OrderLineRecord } from '@boomerang/persistence';

export interface ProjectedOrder {
  order: Order;
  customer: Customer;
  previousStatus: OrderStatus | null;
  /** The lines retention matched on before this update (null for a new order). */
  previousLines: OrderLineRecord[] | null;
  /** False when the update was older than what is held: nothing about the order changed. */
  applied: boolean;
}

/** The SKU'd lines as retention and the products picker read them (`store_order.lines`). */
export function skuLines(order: NormalizedOrder): OrderLineRecord[] {
  return order.lineItems
    .filter((l): l is NormalizedLineItem & { sku: string } => l.sku !== null && l.sku.trim() !== '')
    .map((l) => ({ sku: l.sku, name: l.name || null, quantity: l.quantity, priceCents: l.priceMinor }));
}

/**
 * The SQL of projecting a normalized order into the model, inside the projector's transaction (the `em` given):
 * customer, order with its columns, `order_line` rows, products and variants. Every method takes the store id.
 */
export class OrderProjectionRepository {
  constructor(private readonly em: EntityManager) {}

  /**
   * Upserts the customer by (store, email). Data from an update older than the one last applied fills only what is
   * missing; opt-in follows the payload when it says anything.
   */
  async upsertCustomer(storeId: string, email: string, c: NormalizedCustomer, sourceUpdatedAt: Date, options: { onlyIfNewer?: boolean } = {}): Promise<Customer | null> {
    return (await this.upsertCustomers(storeId, [{ email, customer: c, sourceUpdatedAt }], options)).get(email) ?? null;
  }

  /**
   * Upserts several customers (distinct emails) with one statement, as `upsertCustomer` does each; by email, the
   * customers written (all of them unless `onlyIfNewer` held some back).
   */
  async upsertCustomers(
    storeId: string,
    rows: readonly { email: string; customer: NormalizedCustomer; sourceUpdatedAt: Date }[],
    options: { onlyIfNewer?: boolean } = {},
  ): Promise<Map<string, Customer>> {
    if (!rows.length) return new Map();
    const now = new Date().toISOString();
    const newer = `(customer.source_updated_at is null or excluded.source_updated_at >= customer.source_updated_at)`;
    const take = (col: string) => `${col} = case when ${newer} then coalesce(excluded.${col}, customer.${col}) else coalesce(customer.${col}, excluded.${col}) end`;
    // Rows in email order, so two statements writing the same customers lock them in one order.
    const sorted = [...rows].sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
    const written = await this.em.execute<Record<string, unknown>[]>(
      `insert into customer (id, store_id, email, first_name, last_name, phone, company, customer_group, external_id, note,
                             registered, opted_in, source_updated_at, created_at, updated_at)
       select gen_random_uuid(), ?, r.email, r.first_name, r.last_name, r.phone, r.company, r.customer_group, r.external_id, r.note,
              r.registered, coalesce(r.opted_in, false), r.source_updated_at, ?, ?
       from jsonb_to_recordset(cast(? as jsonb)) as r(email text, first_name text, last_name text, phone text, company text, customer_group text,
            external_id text, note text, registered boolean, opted_in boolean, source_updated_at timestamptz)
       order by r.email collate "C"
       on conflict (store_id, email) do update set
         ${['first_name', 'last_name', 'phone', 'company', 'customer_group', 'external_id', 'note'].map(take).join(',\n         ')},
         registered = customer.registered or excluded.registered,
         opted_in = case when (cast(? as jsonb) -> excluded.email) is not null then excluded.opted_in else customer.opted_in end,
         source_updated_at = greatest(customer.source_updated_at, excluded.source_updated_at),
         updated_at = excluded.updated_at
       ${options.onlyIfNewer ? `where ${newer}` : ''}
       returning *`,
      [
        storeId,
        now,
        now,
        JSON.stringify(
          sorted.map(({ email, customer: c, sourceUpdatedAt }) => ({
            email,
            first_name: c.firstName,
            last_name: c.lastName,
            phone: c.phone,
            company: c.company,
            customer_group: c.group,
            external_id: c.externalId,
            note: c.note,
            registered: c.registered,
            opted_in: c.optedIn,
            source_updated_at: sourceUpdatedAt.toISOString(),
          })),
        ),
        // The emails whose payload says anything about opt-in: only those change it.
        JSON.stringify(Object.fromEntries(sorted.filter((r) => r.customer.optedIn !== null).map((r) => [r.email, true]))),
      ],
    );
    return new Map(written.map((row) => [row['email'] as string, this.em.map(CustomerSchema, row)]));
  }

  /**
   * Creates or updates the order unless what is held is newer (by the platform's update time). The held row is read
   * and locked first: retention needs the status and lines this update replaces.
   */
  async upsertOrder(storeId: string, customer: Customer, o: NormalizedOrder): Promise<ProjectedOrder> {
    return (await this.upsertOrders(storeId, [{ customer, order: o }])).get(o.externalId)!;
  }

  /** `upsertOrder` for several orders (distinct external ids) with two statements: read and lock, then write. */
  async upsertOrders(storeId: string, items: readonly { customer: Customer; order: NormalizedOrder }[]): Promise<Map<string, ProjectedOrder>> {
    const out = new Map<string, ProjectedOrder>();
    if (!items.length) return out;
    const ids = [...new Set(items.map((i) => i.order.externalId))].sort();
    const heldRows = await this.em.execute<Record<string, unknown>[]>(
      `select * from store_order where store_id = ? and external_id = any(cast(? as text[])) order by external_id for update`,
      [storeId, textArrayLiteral(ids)],
    );
    // Read now: mapping the written row updates the same managed entity.
    const held = new Map(
      heldRows.map((row) => {
        const existing = this.em.map(OrderSchema, row);
        return [row['external_id'] as string, { existing, previousStatus: existing.status as OrderStatus, previousLines: [...existing.lines] as OrderLineRecord[] }] as const;
      }),
    );
    const before = (externalId: string): { existing: Order | null; previousStatus: OrderStatus | null; previousLines: OrderLineRecord[] | null } =>
      held.get(externalId) ?? { existing: null, previousStatus: null, previousLines: null };
    const writes = items.filter(({ customer, order: o }) => {
      const { existing, previousStatus, previousLines } = before(o.externalId);
      if (existing && existing.sourceUpdatedAt > new Date(o.updatedAt)) {
        out.set(o.externalId, { order: existing, customer, previousStatus, previousLines, applied: false });
        return false;
      }
      return true;
    });
    if (!writes.length) return out;
    const receivedAt = new Date().toISOString();
    const rows = await this.em.execute<Record<string, unknown>[]>(
      `insert into store_order (id, store_id, customer_id, external_id, status, currency, total_cents, subtotal_minor, discount_minor,
                                shipping_minor, tax_minor, number, admin_url, billing_address, shipping_address, tracking_numbers, lines,
                                placed_at, source_updated_at, received_at)
       select gen_random_uuid(), ?, r.customer_id, r.external_id, r.status, r.currency, r.total_cents, r.subtotal_minor, r.discount_minor,
              r.shipping_minor, r.tax_minor, r.number, r.admin_url, r.billing_address, r.shipping_address, r.tracking_numbers, r.lines,
              r.placed_at, r.source_updated_at, ?
       from jsonb_to_recordset(cast(? as jsonb)) as r(customer_id uuid, external_id text, status text, currency text, total_cents bigint,
            subtotal_minor bigint, discount_minor bigint, shipping_minor bigint, tax_minor bigint, number text, admin_url text,
            billing_address jsonb, shipping_address jsonb, tracking_numbers jsonb, lines jsonb, placed_at timestamptz, source_updated_at timestamptz)
       order by r.external_id collate "C"
       on conflict (store_id, external_id) do update set
         customer_id = excluded.customer_id, status = excluded.status, currency = excluded.currency, total_cents = excluded.total_cents,
         subtotal_minor = excluded.subtotal_minor, discount_minor = excluded.discount_minor, shipping_minor = excluded.shipping_minor,
         tax_minor = excluded.tax_minor, number = excluded.number, admin_url = excluded.admin_url,
         billing_address = excluded.billing_address, shipping_address = excluded.shipping_address,
         tracking_numbers = excluded.tracking_numbers, lines = excluded.lines,
         source_updated_at = excluded.source_updated_at, received_at = excluded.received_at
       where store_order.source_updated_at <= excluded.source_updated_at
       returning *`,
      [
        storeId,
        receivedAt,
        JSON.stringify(
          writes.map(({ customer, order: o }) => ({
            customer_id: customer.id,
            external_id: o.externalId,
            status: o.status,
            currency: o.currency,
            total_cents: o.totalMinor,
            subtotal_minor: o.subtotalMinor,
            discount_minor: o.discountMinor,
            shipping_minor: o.shippingMinor,
            tax_minor: o.taxMinor,
            number: o.number,
            admin_url: o.adminUrl,
            billing_address: o.billingAddress,
            shipping_address: o.shippingAddress,
            tracking_numbers: o.trackingNumbers,
            lines: skuLines(o),
            placed_at: new Date(o.createdAt).toISOString(),
            source_updated_at: new Date(o.updatedAt).toISOString(),
          })),
        ),
      ],
    );
    const written = new Map(rows.map((row) => [row['external_id'] as string, this.em.map(OrderSchema, row)]));
    for (const { customer, order: o } of writes) {
      const { previousStatus, previousLines } = before(o.externalId);
      const order = written.get(o.externalId);
      if (order) {
        out.set(o.externalId, { order, customer, previousStatus, previousLines, applied: true });
      } else {
        // A newer update committed between the read and the write: keep it.
        const newer = await this.em.findOneOrFail(OrderSchema, { storeId, externalId: o.externalId }, { refresh: true });
        out.set(o.externalId, { order: newer, customer, previousStatus, previousLines, applied: false });
      }
    }
    return out;
  }

  /** Replaces the order's `order_line` rows with the update's lines (an order created by this update has none yet). */
  replaceLines(storeId: string, orderId: string, items: readonly NormalizedLineItem[], options: { isNew?: boolean } = {}): Promise<void> {
    return this.replaceLinesOf(storeId, [{ orderId, items, isNew: options.isNew ?? false }]);
  }

  /** `replaceLines` for several orders: one DELETE (for those not new) and one INSERT. */
  async replaceLinesOf(storeId: string, orders: readonly { orderId: string; items: readonly NormalizedLineItem[]; isNew: boolean }[]): Promise<void> {
    const held = orders.filter((o) => !o.isNew).map((o) => o.orderId);
    if (held.length) {
      await this.em.execute(`delete from order_line where store_id = ? and order_id = any(cast(? as uuid[]))`, [storeId, textArrayLiteral(held)]);
    }
    const lines = orders.flatMap((o) =>
      o.items.map((l, position) => ({
        order_id: o.orderId,
        position,
        external_id: l.externalId,
        sku: l.sku,
        product_id: l.productId,
        variant_id: l.variantId,
        name: l.name,
        quantity: l.quantity,
        price_minor: l.priceMinor,
        product_url: l.productUrl,
        image_url: l.imageUrl,
        category: l.category,
        tags: l.tags,
        manufacturer: l.manufacturer,
      })),
    );
    if (!lines.length) return;
    await this.em.execute(
      `insert into order_line (id, store_id, order_id, position, external_id, sku, product_id, variant_id, name, quantity, price_minor,
                               product_url, image_url, category, tags, manufacturer)
       select gen_random_uuid(), ?, r.order_id, r.position, r.external_id, r.sku, r.product_id, r.variant_id, r.name, r.quantity, r.price_minor,
              r.product_url, r.image_url, r.category, coalesce(r.tags, '[]'::jsonb), r.manufacturer
       from jsonb_to_recordset(cast(? as jsonb)) as r(order_id uuid, position int, external_id text, sku text, product_id text, variant_id text,
            name text, quantity int, price_minor bigint, product_url text, image_url text, category text, tags jsonb, manufacturer text)`,
      [storeId, JSON.stringify(lines)],
    );
  }

  /**
   * Records the products and variants an order's lines name (the platform's ids), newest data winning. Rows are
   * written in id order, so two orders naming the same products cannot deadlock.
   */
  recordProducts(storeId: string, items: readonly NormalizedLineItem[], seenAt: Date): Promise<void> {
    return this.recordProductsOf(storeId, [{ items, seenAt }]);
  }

  /**
   * The products and variants of several orders (a projector round) with one statement each: per platform id, the
   * data of the latest order (by its update time) is written.
   */
  async recordProductsOf(storeId: string, orders: readonly { items: readonly NormalizedLineItem[]; seenAt: Date }[]): Promise<void> {
    const products = new Map<string, { line: NormalizedLineItem; at: Date }>();
    const variants = new Map<string, { line: NormalizedLineItem; at: Date }>();
    const keep = (m: Map<string, { line: NormalizedLineItem; at: Date }>, id: string, line: NormalizedLineItem, at: Date) => {
      const held = m.get(id);
      if (!held || at >= held.at) m.set(id, { line, at });
    };
    for (const { items, seenAt } of orders) {
      for (const l of items) {
        if (!l.productId) continue;
        keep(products, l.productId, l, seenAt);
        if (l.variantId) keep(variants, l.variantId, l, seenAt);
      }
    }
    if (!products.size) return;
    const byId = <T>(m: Map<string, T>) => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    await this.em.execute(
      `insert into product (id, store_id, external_id, name, url, image_url, category, tags, manufacturer, updated_at)
       select gen_random_uuid(), ?, r.external_id, r.name, r.url, r.image_url, r.category, coalesce(r.tags, '[]'::jsonb), r.manufacturer, r.at
       from jsonb_to_recordset(cast(? as jsonb)) as r(external_id text, name text, url text, image_url text, category text, tags jsonb,
            manufacturer text, at timestamptz)
       order by r.external_id collate "C"
       on conflict (store_id, external_id) do update set
         name = case when excluded.name <> '' then excluded.name else product.name end,
         url = coalesce(excluded.url, product.url), image_url = coalesce(excluded.image_url, product.image_url),
         category = coalesce(excluded.category, product.category),
         tags = case when jsonb_array_length(excluded.tags) > 0 then excluded.tags else product.tags end,
         manufacturer = coalesce(excluded.manufacturer, product.manufacturer), updated_at = excluded.updated_at
       where product.updated_at <= excluded.updated_at`,
      [
        storeId,
        JSON.stringify(
          byId(products).map(([id, { line: l, at }]) => ({
            external_id: id,
            name: l.name,
            url: l.productUrl,
            image_url: l.imageUrl,
            category: l.category,
            tags: l.tags,
            manufacturer: l.manufacturer,
            at: at.toISOString(),
          })),
        ),
      ],
    );
    if (!variants.size) return;
    await this.em.execute(
      `insert into product_variant (id, store_id, product_id, external_id, sku, name, price_minor, updated_at)
       select gen_random_uuid(), ?, p.id, r.external_id, r.sku, r.name, r.price_minor, r.at
       from jsonb_to_recordset(cast(? as jsonb)) as r(product_external_id text, external_id text, sku text, name text, price_minor bigint, at timestamptz)
       join product p on p.store_id = ? and p.external_id = r.product_external_id
       order by r.external_id collate "C"
       on conflict (store_id, external_id) do update set
         product_id = excluded.product_id, sku = coalesce(excluded.sku, product_variant.sku),
         name = coalesce(excluded.name, product_variant.name), price_minor = coalesce(excluded.price_minor, product_variant.price_minor),
         updated_at = excluded.updated_at
       where product_variant.updated_at <= excluded.updated_at`,
      [
        storeId,
        JSON.stringify(
          byId(variants).map(([id, { line: l, at }]) => ({
            product_external_id: l.productId,
            external_id: id,
            sku: l.sku,
            name: l.name,
            price_minor: l.priceMinor,
            at: at.toISOString(),
          })),
        ),
        storeId,
      ],
    );
  }
}
