import { Migration } from '@mikro-orm/migrations';

const CUSTOMER = (id: string) =>
  `(select jsonb_build_object('id', c.id, 'email', c.email, 'firstName', c.first_name, 'lastName', c.last_name) from customer c where c.id = ${id})`;

/**
 * Outgoing webhook events raised by the database where they happen, whichever code path writes them: a subscription
 * change (every path records `customer_subscription_event`), a message marked sent, a conversion recorded. Each is
 * owed, in the writing transaction, to the store's active endpoints subscribed to its type (`webhook_publish`); order
 * events are raised by intake's projection (`OutgoingEvents`).
 */
export class Migration20261126171000_WebhookEventTriggers extends Migration {

  override name = 'Migration20261126171000_WebhookEventTriggers';

  override up(): void | Promise<void> {
    this.addSql(`
      create function webhook_publish(p_store uuid, p_type text, p_subject uuid, p_data jsonb) returns void language sql as $$
        insert into webhook_delivery (id, store_id, endpoint_id, event_id, event_type, subject_id, payload, status, created_at)
        select gen_random_uuid(), e.store_id, e.id, ev.id, p_type, p_subject,
               jsonb_build_object('type', p_type, 'timestamp', to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'data', p_data),
               'pending', now()
        from webhook_endpoint e cross join (select gen_random_uuid() as id) ev
        where e.store_id = p_store and e.status = 'active' and e.event_types @> jsonb_build_array(p_type)
        order by e.id
      $$;`);

    this.addSql(`
      create function webhook_on_subscription_event() returns trigger language plpgsql as $$
      begin
        perform webhook_publish(new.store_id, case when new.subscribed then 'customer.subscribed' else 'customer.unsubscribed' end, new.customer_id,
          jsonb_build_object('customer', ${CUSTOMER('new.customer_id')}, 'subscribed', new.subscribed, 'source', new.source, 'reason', new.reason, 'at', new.created_at));
        return null;
      end $$;`);
    this.addSql(`create trigger "webhook_subscription_event" after insert on "customer_subscription_event" for each row execute function webhook_on_subscription_event();`);

    this.addSql(`
      create function webhook_on_message_sent() returns trigger language plpgsql as $$
      begin
        perform webhook_publish(new.store_id, 'message.sent', new.customer_id,
          jsonb_build_object('message', jsonb_build_object('id', new.id, 'ruleId', new.rule_id, 'kind', new.kind, 'cycle', new.cycle, 'subject', new.subject,
                                                           'to', new.to_email, 'sentAt', new.sent_at),
                             'customer', ${CUSTOMER('new.customer_id')}));
        return null;
      end $$;`);
    this.addSql(`create trigger "webhook_message_sent_insert" after insert on "message" for each row when (new.status = 'sent') execute function webhook_on_message_sent();`);
    this.addSql(`create trigger "webhook_message_sent_update" after update of "status" on "message" for each row when (new.status = 'sent' and old.status is distinct from 'sent') execute function webhook_on_message_sent();`);

    this.addSql(`
      create function webhook_on_conversion() returns trigger language plpgsql as $$
      begin
        perform webhook_publish(new.store_id, 'conversion.recorded', new.order_id,
          jsonb_build_object('conversion', jsonb_build_object('id', new.id, 'ruleId', new.rule_id, 'messageId', new.message_id, 'orderId', new.order_id,
                                                              'revenueMinor', new.revenue_cents, 'currency', new.currency, 'occurredAt', new.occurred_at),
                             'customer', ${CUSTOMER('new.customer_id')}));
        return null;
      end $$;`);
    this.addSql(`create trigger "webhook_conversion" after insert on "conversion" for each row execute function webhook_on_conversion();`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop trigger "webhook_conversion" on "conversion";`);
    this.addSql(`drop trigger "webhook_message_sent_update" on "message";`);
    this.addSql(`drop trigger "webhook_message_sent_insert" on "message";`);
    this.addSql(`drop trigger "webhook_subscription_event" on "customer_subscription_event";`);
    this.addSql(`drop function webhook_on_conversion();`);
    this.addSql(`drop function webhook_on_message_sent();`);
    this.addSql(`drop function webhook_on_subscription_event();`);
    this.addSql(`drop function webhook_publish(uuid, text, uuid, jsonb);`);
  }

}
