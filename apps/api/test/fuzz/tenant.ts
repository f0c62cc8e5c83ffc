import { randomBytes } from 'node:crypto';
import { UnsubscribeTokens } from '@boomerang/engagement';
import { api, createReadyStore, eventually, order, postWebhook, type Stack } from '../harness.js';

/** One store with real data in it: rules, an order, a customer, a sent message with its outbox email, and the tokens that name them. */
export interface Tenant {
  label: string;
  id: string;
  name: string;
  apiKey: string;
  webhookSecret: string;
  /** A draft rule (fuzzing may change it; it never sends). */
  ruleId: string;
  /** The rule that sent the message (deleted afterwards when `keepSending` is false). */
  sentRuleId: string;
  customerId: string;
  customerEmail: string;
  customerFirstName: string;
  customerLastName: string;
  orderId: string;
  orderExternalId: string;
  messageId: string;
  emailId: string;
  /** A parked retention dispatch (the store's dead-letter list), so its routes have a real row to reach. */
  deadLetterId: string;
  unsubscribeToken: string;
  trackingToken: string;
}

export const VALID_RULE = {
  name: 'Fuzz refill',
  skus: ['FUZZ-SKU-1'],
  window: 'P30D',
  sendingFilter: 'all',
  senderName: 'Fuzz Shop',
  senderEmail: 'hello@fuzz.example',
  subject: 'Running low, {{customer.firstName}}?',
  bodyHtml: '<p>Hi {{customer.firstName}}, {{#each products}}<a href="{{url}}">{{name}}</a>{{/each}} from <a href="https://shop.example/reorder">{{store.name}}</a></p>',
  attributionWindowDays: 5,
};

/**
 * Creates a tenant whose message has really been sent: an active rule with a one-second window, a signed order,
 * the worker's send into the outbox. `keepSending: false` deletes that rule afterwards, so nothing the fuzzer
 * does later arms it.
 */
export async function createTenant(stack: Stack, label: string, options: { keepSending?: boolean } = {}): Promise<Tenant> {
  const tag = randomBytes(4).toString('hex');
  const name = `${label} Store ${tag}`;
  const store = await createReadyStore(stack, name);
  const sent = await api(
    stack,
    'POST',
    `/api/v1/stores/${store.id}/rules`,
    { ...VALID_RULE, name: `${label} sender ${tag}`, skus: [], window: 'PT1S', status: 'active' },
    store.apiKey,
  );
  if (sent.status !== 201) throw new Error(`rule not created: ${JSON.stringify(sent.body)}`);
  const draft = await api(stack, 'POST', `/api/v1/stores/${store.id}/rules`, { ...VALID_RULE, name: `${label} draft ${tag}` }, store.apiKey);
  if (draft.status !== 201) throw new Error(`rule not created: ${JSON.stringify(draft.body)}`);
  const customerEmail = `${label.toLowerCase()}.buyer.${tag}@tenant.example`;
  const customerFirstName = `${label}first${tag}`;
  const customerLastName = `${label}last${tag}`;
  const orderExternalId = `${label}-order-${tag}`;
  const placed = await postWebhook(
    stack,
    store.id,
    store.webhookSecret,
    JSON.stringify(order({ id: orderExternalId, customer: { email: customerEmail, firstName: customerFirstName, lastName: customerLastName, optedIn: true } })),
  );
  if (placed.status !== 202) throw new Error(`order rejected: ${JSON.stringify(placed.body)}`);
  const em = () => stack.orm.em.fork();
  const email = await eventually(async () => {
    const [row] = await em().execute<{ id: string; message_id: string }[]>(`select id, message_id from outbox_email where store_id = ?`, [store.id]);
    return row;
  }, 60_000);
  const [customer] = await em().execute<{ id: string }[]>(`select id from customer where store_id = ?`, [store.id]);
  const [placedOrder] = await em().execute<{ id: string }[]>(`select id from store_order where store_id = ?`, [store.id]);
  if (!options.keepSending) {
    const deleted = await api(stack, 'DELETE', `/api/v1/stores/${store.id}/rules/${sent.body.id}`, undefined, store.apiKey);
    if (deleted.status !== 204) throw new Error(`rule not deleted: ${JSON.stringify(deleted.body)}`);
  }
  const tokens = new UnsubscribeTokens(stack.config.unsubscribeSecret);
  const [deadLetter] = await em().execute<{ id: string }[]>(
    `insert into retention_dispatch (store_id, rule_id, customer_id, email, order_id, purchased_at, window_seconds, attempts, last_error,
                                     created_at, next_attempt_at, dead_at)
     values (?, ?, ?, ?, ?, now(), 60, 10, 'INVALID_ARGUMENT: parked by the fuzz set-up', now(), now(), now()) returning id`,
    [store.id, sent.body.id, customer!.id, customerEmail, placedOrder!.id],
  );
  return {
    label,
    id: store.id,
    name,
    apiKey: store.apiKey,
    webhookSecret: store.webhookSecret,
    ruleId: draft.body.id,
    sentRuleId: sent.body.id,
    customerId: customer!.id,
    customerEmail,
    customerFirstName,
    customerLastName,
    orderId: placedOrder!.id,
    orderExternalId,
    messageId: email.message_id,
    emailId: email.id,
    deadLetterId: String(deadLetter!.id),
    unsubscribeToken: tokens.issue(store.id, customer!.id),
    trackingToken: tokens.tracking.issue(email.message_id),
  };
}
