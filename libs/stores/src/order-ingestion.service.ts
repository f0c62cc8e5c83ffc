import { randomUUID } from 'node:crypto';
import { DomainError, normalizeEmail, toMinorUnits, type OrderStatus } from '@boomerang/domain';
import { CustomerSchema, LockMode, OrderSchema, type Customer, type EntityManager, type Order, type Store } from '@boomerang/persistence';
import { orderPayloadSchema } from './order-payload.js';
import { verifyWebhookSignature } from './webhook-signature.js';
import { assertSafeJson, parseOrThrow } from '@boomerang/validation';

export interface IngestedOrder {
  order: Order;
  customer: Customer;
  previousStatus: OrderStatus | null;
  /** False when the payload was older than what we hold (a late retry); nothing was changed. */
  applied: boolean;
}

export const MAX_WEBHOOK_BYTES = 1024 * 1024;

export class OrderIngestionService {
  /** Verifies and parses a raw webhook body; throws before anything is written. */
  parseSigned(store: Store, rawBody: Buffer, signature: string | undefined) {
    if (rawBody.length > MAX_WEBHOOK_BYTES) throw new DomainError('payload_too_large', `body exceeds ${MAX_WEBHOOK_BYTES} bytes`);
    verifyWebhookSignature(store.webhookSecret, rawBody, signature);
    let json: unknown;
    try {
      json = JSON.parse(rawBody.toString('utf8').replace(/^\uFEFF/, ''));
    } catch (err) {
      throw new DomainError('malformed_json', `body is not valid JSON: ${(err as Error).message}`);
    }
    assertSafeJson(json);
    return parseOrThrow(orderPayloadSchema, json);
  }

  /** Upserts the customer and the order inside the caller's transaction. Idempotent per (store, order id). */
  async ingest(em: EntityManager, store: Store, payload: ReturnType<OrderIngestionService['parseSigned']>): Promise<IngestedOrder> {
    const now = new Date();
    const email = normalizeEmail(payload.customer.email);
    const customer = await this.upsertCustomer(em, store.id, email, payload.customer, now);
    const sourceUpdatedAt = new Date(payload.updatedAt ?? payload.createdAt);
    const lines = payload.lineItems.map((l) => ({
      sku: l.sku,
      name: l.name ?? null,
      quantity: l.quantity,
      priceCents: toMinorUnits(l.price, payload.currency),
    }));

    const existing = await em.findOne(OrderSchema, { storeId: store.id, externalId: payload.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (existing && existing.sourceUpdatedAt > sourceUpdatedAt) {
      return { order: existing, customer, previousStatus: existing.status as OrderStatus, applied: false };
    }
    const previousStatus = (existing?.status as OrderStatus | undefined) ?? null;
    const order =
      existing ??
      em.create(OrderSchema, {
        id: randomUUID(),
        storeId: store.id,
        externalId: payload.id,
        customerId: customer.id,
        status: payload.status,
        currency: payload.currency,
        totalCents: 0,
        lines,
        placedAt: new Date(payload.createdAt),
        sourceUpdatedAt,
        receivedAt: now,
      });
    em.assign(order, {
      customerId: customer.id,
      status: payload.status,
      currency: payload.currency,
      totalCents: toMinorUnits(payload.totals.total, payload.currency),
      lines,
      sourceUpdatedAt,
      receivedAt: now,
    });
    await em.flush();
    return { order, customer, previousStatus, applied: true };
  }

  private async upsertCustomer(
    em: EntityManager,
    storeId: string,
    email: string,
    data: { firstName?: string | null; lastName?: string | null; registered?: boolean; optedIn?: boolean },
    now: Date,
  ): Promise<Customer> {
    // INSERT .. ON CONFLICT keeps two concurrent first orders of one address from colliding.
    await em.execute(
      `insert into customer (id, store_id, email, first_name, last_name, registered, opted_in, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?)
       on conflict (store_id, email) do update set
         first_name = coalesce(excluded.first_name, customer.first_name),
         last_name = coalesce(excluded.last_name, customer.last_name),
         registered = customer.registered or excluded.registered,
         opted_in = case when ? then excluded.opted_in else customer.opted_in end,
         updated_at = excluded.updated_at`,
      [
        randomUUID(),
        storeId,
        email,
        data.firstName ?? null,
        data.lastName ?? null,
        data.registered ?? false,
        data.optedIn ?? false,
        now,
        now,
        data.optedIn !== undefined,
      ],
    );
    return em.findOneOrFail(CustomerSchema, { storeId, email }, { refresh: true });
  }
}
