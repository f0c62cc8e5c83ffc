import { randomBytes } from 'node:crypto';
import { PasswordHasher } from '@boomerang/accounts';
import { UnsubscribeTokens } from '@boomerang/engagement';
import { png } from '../images.js';
import { api, createReadyStore, eventually, order, postAndProject, type Stack } from '../harness.js';

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
  /** One of the store's default segments. */
  segmentId: string;
  /** A parked retention dispatch (the store's dead-letter list), so its routes have a real row to reach. */
  deadLetterId: string;
  unsubscribeToken: string;
  trackingToken: string;
  /** The store's uploaded logo, as its public route names it (`<sha256>.png`). */
  logoFile: string;
  /** The merchant account that owns the store (signed up and verified through the api), and a session of its owner. */
  accountId: string;
  ownerEmail: string;
  ownerPassword: string;
  session: string;
}

let addresses = 0;
/** A distinct client address per sign-in (sent as X-Forwarded-For), so set-up never meets the per-IP rate limits. */
export function setupIp(): string {
  addresses++;
  return `10.77.${Math.floor(addresses / 250) % 250}.${(addresses % 250) + 1}`;
}

async function post(stack: Stack, path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${stack.baseUrl}/api/v1${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': setupIp(), ...headers }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as { session: { token: string } } };
}

/** Signs a merchant up, verifies the address with the emailed link (read from the development outbox), and makes the account own `storeId`. */
export async function ownByNewAccount(stack: Stack, storeId: string, label: string) {
  const ownerEmail = `${label.toLowerCase()}.owner.${randomBytes(4).toString('hex')}@merchant.example`;
  const ownerPassword = `${label} owner password`;
  const signedUp = await post(stack, '/auth/sign-up', { name: `${label} Owner`, email: ownerEmail, password: ownerPassword });
  if (signedUp.status !== 201) throw new Error(`sign-up failed: ${JSON.stringify(signedUp.body)}`);
  const list = (await (await fetch(`${stack.baseUrl}/api/v1/dev/outbox?to=${encodeURIComponent(ownerEmail)}`)).json()) as { emails: { id: string }[] };
  const email = (await (await fetch(`${stack.baseUrl}/api/v1/dev/outbox/${list.emails[0]!.id}`)).json()) as { text: string };
  const token = /verify\?token=([A-Za-z0-9_-]+)/.exec(email.text)![1]!;
  const verified = await post(stack, '/auth/verify', { token });
  if (verified.status !== 200) throw new Error(`verification failed: ${JSON.stringify(verified.body)}`);
  const [user] = await stack.orm.em.fork().execute<{ account_id: string }[]>(`select account_id from app_user where email = ?`, [ownerEmail]);
  await stack.orm.em.fork().execute(`update store set account_id = ? where id = ?`, [user!.account_id, storeId]);
  return { accountId: user!.account_id, ownerEmail, ownerPassword, session: verified.body.session.token as string };
}

const ownerHashes = new Map<string, Promise<string>>();

/**
 * A fresh session of the tenant's owner (a route that signs out or changes the password spoils only its own). The
 * fuzzed routes may have changed the owner's password or spent the sign-in limits: both are put back first.
 */
export async function signInOwner(stack: Stack, tenant: Tenant): Promise<string> {
  if (!ownerHashes.has(tenant.ownerPassword)) ownerHashes.set(tenant.ownerPassword, new PasswordHasher().hash(tenant.ownerPassword));
  const em = stack.orm.em.fork();
  await em.execute(`update app_user set password_hash = ? where email = ?`, [await ownerHashes.get(tenant.ownerPassword), tenant.ownerEmail]);
  await em.execute(`delete from rate_limit`);
  const signedIn = await post(stack, '/auth/sign-in', { email: tenant.ownerEmail, password: tenant.ownerPassword });
  if (signedIn.status !== 200) throw new Error(`sign-in failed: ${JSON.stringify(signedIn.body)}`);
  return signedIn.body.session.token as string;
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
  const placed = await postAndProject(
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
  const logo = await fetch(`${stack.baseUrl}/api/v1/stores/${store.id}/logo`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${store.apiKey}`, 'content-type': 'image/png' },
    // A width per label, so two tenants' logos never share a hash (and so a file name).
    body: png(16 + label.charCodeAt(0), 16),
  });
  if (logo.status !== 200) throw new Error(`logo not uploaded: ${await logo.text()}`);
  const { logoUrl } = (await logo.json()) as { logoUrl: string };
  const owner = await ownByNewAccount(stack, store.id, label);
  const segmentList = await api(stack, 'GET', `/api/v1/stores/${store.id}/segments`);
  if (segmentList.status !== 200) throw new Error(`segments not listed: ${JSON.stringify(segmentList.body)}`);
  return {
    ...owner,
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
    segmentId: segmentList.body.segments[0].id,
    unsubscribeToken: tokens.issue(store.id, customer!.id),
    trackingToken: tokens.tracking.issue(email.message_id),
    logoFile: logoUrl.split('/').at(-1)!,
  };
}
