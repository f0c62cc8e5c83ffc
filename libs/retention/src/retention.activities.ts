import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { isPurchase, normalizeSku, type OrderStatus } from '@boomerang/domain';
import { renderMessage, type EmailTransport, type TemplateCompiler } from '@boomerang/email';
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
} from '@boomerang/persistence';
import type { RetentionActivities, SendRetentionMessageInput, SentMessage } from '@boomerang/workflows';
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

type SkipReason = 'rule_inactive' | 'unsubscribed' | 'not_opted_in' | 'not_registered' | 'newer_purchase';

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
      status: message.status === 'sent' ? 'sent' : 'skipped',
      at: (message.sentAt ?? message.createdAt).toISOString(),
    };
  }

  async function skipReason(em: EntityManager, rule: RetentionRule | null, customer: Customer, input: SendRetentionMessageInput): Promise<SkipReason | null> {
    if (!rule || rule.status !== 'active') return 'rule_inactive';
    if (customer.unsubscribedAt) return 'unsubscribed';
    if (rule.sendingFilter === 'opted_in' && !customer.optedIn) return 'not_opted_in';
    if (rule.sendingFilter === 'registered' && !customer.registered) return 'not_registered';
    // The database may know a purchase whose signal has not reached the workflow yet.
    const newer = await em.execute<{ status: string; lines: { sku: string }[] }[]>(
      `select status, lines from store_order where customer_id = ? and placed_at > ?`,
      [customer.id, new Date(input.armedBy.purchasedAt)],
    );
    const wanted = new Set(rule.skus.map(normalizeSku));
    const matches = newer.some(
      (o) => isPurchase(o.status as OrderStatus) && (wanted.size === 0 || o.lines.some((l) => wanted.has(normalizeSku(l.sku)))),
    );
    return matches ? 'newer_purchase' : null;
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

      // Phase 1: claim the slot and decide, in one transaction.
      const decided = await em.transactional(async (tx) => {
        const message = await claim(tx, input, customer.email);
        if (message.status !== 'sending') return { done: outcome(message) };
        if (message.transport === 'postmark') {
          // An earlier attempt handed this message to Postmark and died before recording the answer.
          // Sending again could deliver it twice; never-twice wins, and the log says why.
          tx.assign(message, { status: 'failed', reason: 'delivery_unconfirmed' });
          await tx.flush();
          return { done: outcome(message) };
        }
        const rule = await tx.findOne(RetentionRuleSchema, { id: input.ruleId });
        const reason = await skipReason(tx, rule, customer, input);
        if (reason) {
          tx.assign(message, { status: 'skipped', reason });
          await settleEnrollment(tx, input);
          await tx.flush();
          return { done: outcome(message) };
        }
        const store = await tx.findOneOrFail(StoreSchema, { id: input.storeId });
        const rendered = renderMessage(deps.templates, rule!, {
          customer: { email: customer.email, firstName: customer.firstName ?? null, lastName: customer.lastName ?? null },
          store: { name: store.name },
          rule: { name: rule!.name },
          lastOrder: { id: input.armedBy.orderId, placedAt: input.armedBy.purchasedAt },
          unsubscribeUrl: `${deps.publicUrl}/api/v1/unsubscribe/${deps.unsubscribe.issue(store.id, customer.id)}`,
        });
        const email = {
          messageId: message.id,
          storeId: store.id,
          ruleId: rule!.id,
          from: `"${rule!.senderName.replace(/"/g, '')}" <${rule!.senderEmail}>`,
          to: customer.email,
          subject: rendered.subject,
          html: rendered.html,
          text: rendered.text,
          headers: {},
        };
        tx.assign(message, { subject: rendered.subject, transport: deps.transport.name });
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

      // Phase 2 (external transports): the 'sending' row with its transport is committed before the call.
      const receipt = await deps.transport.send(decided.email, em);
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
