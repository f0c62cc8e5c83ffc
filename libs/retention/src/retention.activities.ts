import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { isPurchase, nextSendingTime, normalizeSku, type OrderStatus } from '@boomerang/domain';
import { PermanentDeliveryError, RetryableDeliveryError, type EmailTransport, type TemplateCompiler } from '@boomerang/email';
import {
  CustomerSchema,
  LockMode,
  MessageSchema,
  RetentionRuleSchema,
  StoreSchema,
  type Customer,
  type EntityManager,
  type Message,
  type MikroORM,
  type RetentionRule,
  type Store,
} from '@boomerang/persistence';
import { missingCanSpamFields } from '@boomerang/stores';
import type { RetentionActivities, SendRetentionMessageInput, SentMessage } from '@boomerang/workflows';
import { composeRetentionEmail } from './compose-retention-email.js';
import type { UnsubscribeTokens } from './unsubscribe-token.js';

export interface RetentionActivityDeps {
  orm: MikroORM;
  transport: EmailTransport;
  templates: TemplateCompiler;
  unsubscribe: UnsubscribeTokens;
  /** Public base URL of the api, for links inside messages. */
  publicUrl: string;
  clock?: () => Date;
}

export type SkipReason =
  | 'rule_inactive'
  | 'unsubscribed'
  | 'suppressed'
  | 'not_opted_in'
  | 'not_registered'
  | 'can_spam_incomplete'
  | 'smart_sending'
  | 'newer_purchase';

/** How long a paused rule's due send waits before the activity looks again (a resume signal wakes it sooner). */
const PAUSE_RECHECK_MS = 60 * 60_000;
/** Postmark lists a sent message in its search with a delay; before this, "not found" is not yet an answer. */
const PROVIDER_INDEX_DELAY_MS = 5 * 60_000;

export function createRetentionActivities(deps: RetentionActivityDeps): RetentionActivities {
  const clock = deps.clock ?? (() => new Date());

  /** Claims the (rule, customer, cycle) slot; returns the existing row when an earlier attempt already did. */
  async function claim(em: EntityManager, input: SendRetentionMessageInput, email: string): Promise<Message> {
    await em.execute(
      `insert into message (id, store_id, rule_id, customer_id, cycle, status, to_email, due_at, created_at)
       values (?, ?, ?, ?, ?, 'sending', ?, ?, ?) on conflict (rule_id, customer_id, cycle) do nothing`,
      [randomUUID(), input.storeId, input.ruleId, input.customerId, input.cycle, email, new Date(input.dueAt), clock()],
    );
    return em.findOneOrFail(
      MessageSchema,
      { ruleId: input.ruleId, customerId: input.customerId, cycle: input.cycle },
      { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
    );
  }

  function outcome(message: Message): SentMessage {
    return {
      messageId: message.id,
      cycle: message.cycle,
      status: message.status === 'sent' ? 'sent' : message.status === 'failed' ? 'failed' : 'skipped',
      reason: message.reason ?? null,
      at: (message.sentAt ?? message.createdAt).toISOString(),
    };
  }

  async function skipReason(
    em: EntityManager,
    store: Store,
    rule: RetentionRule | null,
    customer: Customer,
    input: SendRetentionMessageInput,
  ): Promise<SkipReason | null> {
    if (!rule || rule.status !== 'active') return 'rule_inactive';
    if (customer.unsubscribedAt) return 'unsubscribed';
    const [suppressed] = await em.execute(`select 1 from suppression where store_id = ? and email = ?`, [store.id, customer.email]);
    if (suppressed) return 'suppressed';
    if (rule.sendingFilter === 'opted_in' && !customer.optedIn) return 'not_opted_in';
    if (rule.sendingFilter === 'registered' && !customer.registered) return 'not_registered';
    if (missingCanSpamFields(store).length) return 'can_spam_incomplete';
    // The database may know a purchase whose signal has not reached the workflow yet.
    const newer = await em.execute<{ status: string; lines: { sku: string }[] }[]>(
      // Millisecond precision on our side, microseconds in PostgreSQL: the arming order itself is never "newer".
      `select status, lines from store_order where customer_id = ? and id <> ? and placed_at > ?`,
      [customer.id, input.armedBy.orderId, new Date(input.armedBy.purchasedAt)],
    );
    const wanted = new Set(rule.skus.map(normalizeSku));
    const matches = newer.some(
      (o) => isPurchase(o.status as OrderStatus) && (wanted.size === 0 || o.lines.some((l) => wanted.has(normalizeSku(l.sku)))),
    );
    if (matches) return 'newer_purchase';
    if (store.smartSendingHours > 0) {
      const since = new Date(clock().getTime() - store.smartSendingHours * 3_600_000);
      const [recent] = await em.execute(
        `select 1 from message where store_id = ? and customer_id = ? and kind = 'marketing' and status = 'sent' and sent_at > ? limit 1`,
        [store.id, customer.id, since],
      );
      if (recent) return 'smart_sending';
    }
    return null;
  }

  async function settleEnrollment(em: EntityManager, input: SendRetentionMessageInput): Promise<void> {
    await em.execute(
      `update retention_enrollment set state = 'waiting', next_send_at = null, updated_at = ?
       where rule_id = ? and customer_id = ? and last_order_id = ?`,
      [clock(), input.ruleId, input.customerId, input.armedBy.orderId],
    );
  }

  return {
    async sendRetentionMessage(input) {
      const em = deps.orm.em.fork();
      const customer = await em.findOne(CustomerSchema, { id: input.customerId });
      if (!customer) throw ApplicationFailure.nonRetryable(`customer ${input.customerId} does not exist`, 'unknown_customer');
      const store = await em.findOne(StoreSchema, { id: input.storeId });
      if (!store) throw ApplicationFailure.nonRetryable(`store ${input.storeId} does not exist`, 'unknown_store');

      const earlier = await em.findOne(MessageSchema, { ruleId: input.ruleId, customerId: input.customerId, cycle: input.cycle });
      if (!earlier) {
        // Not now, and nothing recorded: a paused rule holds the send, quiet hours move it.
        const rule = await em.findOne(RetentionRuleSchema, { id: input.ruleId });
        if (rule?.status === 'paused') {
          return { deferred: 'rule_paused', until: new Date(clock().getTime() + PAUSE_RECHECK_MS).toISOString() };
        }
        const allowed = nextSendingTime(clock(), store.timezone, store.sendingHourStart ?? null, store.sendingHourEnd ?? null);
        if (allowed.getTime() > clock().getTime()) return { deferred: 'quiet_hours', until: allowed.toISOString() };
      }

      // Phase 1: claim the slot and decide, in one transaction.
      const decided = await em.transactional(async (tx) => {
        const message = await claim(tx, input, customer.email);
        if (message.status !== 'sending') return { done: outcome(message) };
        if (message.transport && !deps.transport.transactional) {
          // An earlier attempt handed this message to the provider and died before recording the answer.
          // Ask the provider; resend only once it is certain the message never arrived.
          const delivered = await deps.transport.findDelivery?.(message.id);
          if (delivered) {
            tx.assign(message, { status: 'sent', sentAt: message.handedOverAt ?? clock(), providerMessageId: delivered.providerMessageId });
            await settleEnrollment(tx, input);
            await tx.flush();
            return { done: outcome(message) };
          }
          const handedOver = message.handedOverAt?.getTime() ?? 0;
          if (!deps.transport.findDelivery) {
            tx.assign(message, { status: 'failed', reason: 'delivery_unconfirmed' });
            await settleEnrollment(tx, input);
            await tx.flush();
            return { done: outcome(message) };
          }
          if (clock().getTime() - handedOver < PROVIDER_INDEX_DELAY_MS) {
            throw new Error(`message ${message.id}: provider has not confirmed the earlier hand-off yet; will ask again`);
          }
        }
        const rule = await tx.findOne(RetentionRuleSchema, { id: input.ruleId });
        const reason = await skipReason(tx, store, rule, customer, input);
        if (reason) {
          tx.assign(message, { status: 'skipped', reason });
          await settleEnrollment(tx, input);
          await tx.flush();
          return { done: outcome(message) };
        }
        const { email, links } = await composeRetentionEmail(deps, tx, { messageId: message.id, store, rule: rule!, customer, input });
        tx.assign(message, { subject: email.subject, transport: deps.transport.name, links, kind: email.kind ?? 'marketing', handedOverAt: clock() });
        if (deps.transport.transactional) {
          const receipt = await deps.transport.send(email, tx);
          tx.assign(message, { status: 'sent', sentAt: clock(), providerMessageId: receipt.providerMessageId });
          await settleEnrollment(tx, input);
          await tx.flush();
          return { done: outcome(message) };
        }
        await tx.flush();
        return { email, messageId: message.id };
      });
      if ('done' in decided) return decided.done!;

      // Phase 2 (external transports): the claim with its transport is committed before the call.
      let receipt;
      try {
        receipt = await deps.transport.send(decided.email, em);
      } catch (err) {
        if (err instanceof RetryableDeliveryError) {
          // The provider answered that it did not take the message: release the claim so the retry sends.
          await em.nativeUpdate(MessageSchema, { id: decided.messageId, status: 'sending' }, { transport: null, handedOverAt: null });
          throw err;
        }
        if (!(err instanceof PermanentDeliveryError)) throw err; // unconfirmed: the claim stays, the retry asks the provider
        return em.transactional(async (tx) => {
          const message = await tx.findOneOrFail(MessageSchema, { id: decided.messageId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
          tx.assign(message, { status: 'failed', reason: err.reason });
          if (err.suppress) {
            await tx.execute(
              `insert into suppression (id, store_id, email, reason, created_at) values (?, ?, ?, ?, ?) on conflict (store_id, email) do nothing`,
              [randomUUID(), store.id, customer.email, err.reason, clock()],
            );
          }
          await settleEnrollment(tx, input);
          await tx.flush();
          return outcome(message);
        });
      }
      return em.transactional(async (tx) => {
        const message = await tx.findOneOrFail(MessageSchema, { id: decided.messageId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        tx.assign(message, { status: 'sent', sentAt: clock(), providerMessageId: receipt.providerMessageId });
        await settleEnrollment(tx, input);
        await tx.flush();
        return outcome(message);
      });
    },
  };
}
