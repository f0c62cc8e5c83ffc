import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import Handlebars from 'handlebars';
import {
  PermanentDeliveryError,
  RetryableDeliveryError,
  UnconfirmedDeliveryError,
  type EmailTransport,
  type OutgoingEmail,
} from '@boomerang/email';
import type { UnsubscribeTokens } from '@boomerang/engagement';
import { StoreSchema, type EntityManager, type MikroORM } from '@boomerang/persistence';
import type { DirectMessageActivities, DirectMessageDeferred, DirectMessageInput, DirectMessageOutcome } from '@boomerang/workflows';
import { fromHeader, storeVariables } from './compose-retention-email.js';
import { PROVIDER_INDEX_DELAY_MS } from './retention.activities.js';

export interface DirectMessageDeps {
  orm: MikroORM;
  transport: EmailTransport;
  unsubscribe: UnsubscribeTokens;
  publicUrl: string;
  clock?: () => Date;
  /** Overrides PROVIDER_INDEX_DELAY_MS (tests). */
  providerIndexDelayMs?: number;
}

interface Row {
  id: string;
  store_id: string;
  customer_id: string;
  to_email: string;
  sender_name: string;
  sender_email: string;
  subject: string;
  body: string;
  status: string;
  reason: string | null;
  transport: string | null;
  handed_over_at: Date | null;
  sent_at: Date | null;
  created_at: Date;
}

/** Why a message to this customer may not go out now; null when it may. */
const REFUSAL_SQL = `select case when c.id is null then 'customer_gone'
                                 when c.unsubscribed_at is not null then 'unsubscribed'
                                 when not c.opted_in then 'not_opted_in'
                                 when exists (select 1 from suppression x where x.store_id = c.store_id and x.email = c.email) then 'suppressed'
                            end as refusal
                     from (select 1) one left join customer c on c.id = ? and c.store_id = ?`;

/** Plain text as the message's HTML: escaped (Handlebars' own escaping), paragraphs and line breaks kept. */
export function directMessageHtml(body: string, footer: string[], unsubscribeUrl: string): string {
  const paragraphs = body
    .split(/\r?\n\s*\r?\n/)
    .map((p) => `<p>${Handlebars.Utils.escapeExpression(p).replace(/\r?\n/g, '<br>')}</p>`)
    .join('\n');
  const foot = footer.map((line) => Handlebars.Utils.escapeExpression(line)).join('<br>');
  return `<!doctype html><html><body style="font-family: sans-serif; line-height: 1.5">
${paragraphs}
<hr style="border: 0; border-top: 1px solid #ddd"><p style="font-size: 12px; color: #666">${foot}${foot ? '<br>' : ''}<a href="${Handlebars.Utils.escapeExpression(unsubscribeUrl)}">Unsubscribe</a></p>
</body></html>`;
}

/**
 * The worker's side of a merchant-written message. Exactly once, like a retention send: the row is claimed first, an
 * attempt that reached an external provider is recorded before the hand-off, and a retry after an unknown answer asks
 * the provider (by the message id in its metadata) before it ever sends again.
 */
export function createDirectMessageActivities(deps: DirectMessageDeps): DirectMessageActivities {
  const clock = deps.clock ?? (() => new Date());
  const indexDelayMs = deps.providerIndexDelayMs ?? PROVIDER_INDEX_DELAY_MS;

  const outcome = (row: Row): DirectMessageOutcome => ({
    messageId: row.id,
    status: row.status as DirectMessageOutcome['status'],
    reason: row.reason,
    at: new Date(row.sent_at ?? row.created_at).toISOString(),
  });

  async function finish(em: EntityManager, id: string, set: { status: string; reason?: string | null; providerMessageId?: string; sentAt?: Date }) {
    const [row] = await em.execute<Row[]>(
      `update direct_message set status = ?, reason = ?, provider_message_id = coalesce(?, provider_message_id), sent_at = ? where id = ? returning *`,
      [set.status, set.reason ?? null, set.providerMessageId ?? null, set.sentAt ?? null, id],
    );
    return outcome(row!);
  }

  async function compose(em: EntityManager, row: Row): Promise<OutgoingEmail> {
    const store = await em.findOne(StoreSchema, { id: row.store_id });
    if (!store) throw ApplicationFailure.nonRetryable(`store ${row.store_id} does not exist`, 'unknown_store');
    const vars = storeVariables(store);
    const unsubscribeUrl = `${deps.publicUrl}/api/v1/unsubscribe/${deps.unsubscribe.issue(row.store_id, row.customer_id)}`;
    const footer = [vars.companyName ?? vars.name, vars.address ?? ''].filter(Boolean) as string[];
    return {
      messageId: row.id,
      storeId: row.store_id,
      ruleId: null,
      // Written by a person to one customer about their order: the transactional stream, still with an unsubscribe.
      kind: 'transactional',
      from: fromHeader(row.sender_name, row.sender_email),
      to: row.to_email,
      subject: row.subject,
      html: directMessageHtml(row.body, footer, unsubscribeUrl),
      text: `${row.body}\n\n--\n${footer.join('\n')}\nUnsubscribe: ${unsubscribeUrl}\n`,
      headers: { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    };
  }

  return {
    async sendDirectMessage(input: DirectMessageInput): Promise<DirectMessageOutcome | DirectMessageDeferred> {
      const em = deps.orm.em.fork();
      const decided = await em.transactional(async (tx): Promise<{ done: DirectMessageOutcome | DirectMessageDeferred } | { email: OutgoingEmail }> => {
        // The first attempt writes the row; every later one (and a repeat of the same request) finds it and locks it.
        await tx.execute(
          `insert into direct_message (id, store_id, request_id, customer_id, order_id, sent_by, sender_name, sender_email, to_email,
                                       subject, body, status, created_at)
           select ?, c.store_id, ?, c.id, ?, ?, ?, ?, c.email, ?, ?, 'sending', ? from customer c where c.id = ? and c.store_id = ?
           on conflict (store_id, request_id) do nothing`,
          [input.messageId, input.requestId, input.orderId, input.sentBy, input.senderName, input.senderEmail, input.subject, input.body, clock(),
            input.customerId, input.storeId],
        );
        const [row] = await tx.execute<Row[]>(`select * from direct_message where store_id = ? and request_id = ? for update`, [input.storeId, input.requestId]);
        if (!row) throw ApplicationFailure.nonRetryable(`customer ${input.customerId} does not exist`, 'unknown_customer');
        if (row.status !== 'sending') return { done: outcome(row) };
        if (row.transport && !deps.transport.transactional) {
          // An earlier attempt handed it to the provider and never recorded the answer: ask before sending again.
          const delivered = await deps.transport.findDelivery?.(row.id);
          if (delivered) return { done: await finish(tx, row.id, { status: 'sent', providerMessageId: delivered.providerMessageId, sentAt: row.handed_over_at ?? clock() }) };
          const handedOver = row.handed_over_at ? new Date(row.handed_over_at).getTime() : 0;
          if (!deps.transport.findDelivery) return { done: await finish(tx, row.id, { status: 'failed', reason: 'delivery_unconfirmed' }) };
          if (clock().getTime() - handedOver < indexDelayMs) {
            return { done: { deferred: 'delivery_unconfirmed', until: new Date(Math.max(clock().getTime() + 1_000, Math.min(handedOver + indexDelayMs, clock().getTime() + 30_000))).toISOString() } };
          }
        }
        // The customer may have unsubscribed (or bounced) since the merchant pressed send.
        const [check] = await tx.execute<{ refusal: string | null }[]>(REFUSAL_SQL, [row.customer_id, row.store_id]);
        if (check?.refusal) return { done: await finish(tx, row.id, { status: 'skipped', reason: check.refusal }) };
        const email = await compose(tx, row);
        if (deps.transport.transactional) {
          const receipt = await deps.transport.send(email, tx);
          await tx.execute(`update direct_message set transport = ?, handed_over_at = ? where id = ?`, [deps.transport.name, clock(), row.id]);
          return { done: await finish(tx, row.id, { status: 'sent', providerMessageId: receipt.providerMessageId, sentAt: clock() }) };
        }
        await tx.execute(`update direct_message set transport = ?, handed_over_at = ? where id = ?`, [deps.transport.name, clock(), row.id]);
        return { email };
      });
      if ('done' in decided) return decided.done;

      const { email } = decided;
      try {
        const receipt = await deps.transport.send(email, em);
        return await finish(em, email.messageId, { status: 'sent', providerMessageId: receipt.providerMessageId, sentAt: clock() });
      } catch (err) {
        if (err instanceof RetryableDeliveryError) {
          // The provider answered that it did not take it: release the hand-off mark so the retry sends.
          await em.execute(`update direct_message set transport = null, handed_over_at = null where id = ? and status = 'sending'`, [email.messageId]);
          throw err;
        }
        if (err instanceof UnconfirmedDeliveryError) {
          return { deferred: 'delivery_unconfirmed', until: new Date(clock().getTime() + 2_000).toISOString() };
        }
        if (!(err instanceof PermanentDeliveryError)) throw err; // unknown: the mark stays, the retry asks the provider
        if (err.suppress) {
          await em.execute(
            `insert into suppression (id, store_id, email, reason, created_at) values (?, ?, ?, ?, ?) on conflict (store_id, email) do nothing`,
            [randomUUID(), email.storeId, email.to, err.reason, clock()],
          );
        }
        return finish(em, email.messageId, { status: 'failed', reason: err.reason });
      }
    },
  };
}
