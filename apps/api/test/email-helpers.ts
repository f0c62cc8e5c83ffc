import { api, eventually, order, postAndProject, type Stack } from './harness.js';

export interface EmailTestStore {
  id: string;
  apiKey: string;
  webhookSecret: string;
}

/** A store with its CAN-SPAM details and branding, which a marketing message needs before it may be sent. */
export async function createBrandedStore(stack: Stack, name: string): Promise<EmailTestStore> {
  const created = await api(stack, 'POST', '/api/v1/stores', { name });
  const store = created.body as EmailTestStore;
  await stack.orm.em.fork().execute(
    `update store set company_name = ?, street = ?, city = ?, region = ?, postal_code = ?, country = ?, logo_url = ?, social_links = ? where id = ?`,
    [
      `${name} LLC`,
      '1 Roast Street',
      'Portland',
      'OR',
      '97201',
      'US',
      'https://cdn.example/logo.png',
      JSON.stringify({ website: 'https://shop.example', instagram: 'https://instagram.com/shop' }),
      store.id,
    ],
  );
  return store;
}

export async function createStarterRule(stack: Stack, store: EmailTestStore, starterId: string, window = 'PT1S') {
  const starters = await api(stack, 'GET', '/api/v1/starter-templates');
  const starter = starters.body.templates.find((t: { id: string }) => t.id === starterId);
  const rule = await api(
    stack,
    'POST',
    `/api/v1/stores/${store.id}/rules`,
    {
      name: starter.name,
      status: 'active',
      window,
      senderName: 'Bean There',
      senderEmail: 'hello@beanthere.example',
      subject: starter.subject,
      bodyHtml: starter.bodyHtml,
    },
    store.apiKey,
  );
  if (rule.status !== 201) throw new Error(`rule not created: ${JSON.stringify(rule.body)}`);
  return rule.body as { id: string };
}

export async function orderAndWaitForMessage(stack: Stack, store: EmailTestStore, overrides: Record<string, unknown>) {
  const res = await postAndProject(stack, store.id, store.webhookSecret, JSON.stringify(order(overrides)));
  if (res.status !== 202) throw new Error(`order rejected: ${JSON.stringify(res.body)}`);
  const email = (overrides.customer as { email: string }).email.trim().toLowerCase();
  return eventually(async () => {
    const [row] = await stack.orm.em
      .fork()
      .execute<MessageRow[]>(`select * from message where store_id = ? and to_email = ? and status <> 'sending'`, [store.id, email]);
    return row;
  });
}

export interface MessageRow {
  id: string;
  customer_id: string;
  status: string;
  reason: string | null;
  provider_message_id: string | null;
  links: string[];
  open_count: number;
  click_count: number;
  first_opened_at: Date | null;
  first_clicked_at: Date | null;
  bounced_at: Date | null;
}

export async function messageRow(stack: Stack, id: string): Promise<MessageRow> {
  const [row] = await stack.orm.em.fork().execute<MessageRow[]>(`select * from message where id = ?`, [id]);
  return { ...row!, first_opened_at: date(row!.first_opened_at), first_clicked_at: date(row!.first_clicked_at), bounced_at: date(row!.bounced_at) };
}

/** Raw queries return timestamptz as PostgreSQL text. */
export function date(value: Date | string | null): Date | null {
  return value === null ? null : new Date(String(value).replace(' ', 'T').replace(/\+00$/, 'Z'));
}

/** The api's public URL in tests is `http://localhost:0`; requests go to the real listening port. */
export function local(stack: Stack, url: string): string {
  return `${stack.baseUrl}${new URL(url).pathname}`;
}
