import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeMailchimpMember {
  email_address: string;
  status: string;
  merge_fields: Record<string, string>;
}

export interface FakeMailchimpRequest {
  method: string;
  path: string;
  body: unknown;
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/**
 * Mailchimp's Marketing API v3 on loopback, at `<base>/<dc>/3.0` (the adapter's base `http://127.0.0.1:<port>/{dc}/3.0`):
 * HTTP basic auth with an API key whose datacenter matches the path, `GET /lists/{id}`, `PUT` and `PATCH
 * /lists/{id}/members/{md5 of the lowercased address}`. Errors are problem+json `{ type, title, status, detail, instance }`
 * as documented: 401 "API Key Invalid", 404 "Resource Not Found", 400 "Invalid Resource", "Member In Compliance
 * State" for addresses put in compliance; a spec can make the next requests answer 429 (with Retry-After) or 5xx.
 */
export class FakeMailchimp {
  readonly requests: FakeMailchimpRequest[] = [];
  failNext: { count: number; status: number; retryAfterSeconds?: number } = { count: 0, status: 503 };
  /** Addresses (lowercased) Mailchimp refuses to resubscribe: unsubscribed by the contact, or cleaned. */
  readonly compliance = new Set<string>();
  private readonly keys = new Set<string>();
  private readonly lists = new Map<string, Map<string, FakeMailchimpMember>>();
  private server?: Server;
  private port = 0;

  /** The adapter's base URL template. */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}/{dc}/3.0`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.handle(req, res, Buffer.concat(chunks).toString('utf8')));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** A valid key for a datacenter (`…-us6`). */
  createKey(dc = 'us6'): string {
    const key = `${randomBytes(16).toString('hex')}-${dc}`;
    this.keys.add(key);
    return key;
  }

  createList(): string {
    const id = randomBytes(5).toString('hex');
    this.lists.set(id, new Map());
    return id;
  }

  member(listId: string, email: string): FakeMailchimpMember | undefined {
    return this.lists.get(listId)?.get(md5(email.toLowerCase()));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse, raw: string): unknown {
    const path = req.url ?? '';
    const problem = (status: number, title: string, detail: string, headers: Record<string, string> = {}) =>
      res
        .writeHead(status, { 'content-type': 'application/problem+json', ...headers })
        .end(JSON.stringify({ type: 'https://mailchimp.com/developer/marketing/docs/errors/', title, status, detail, instance: randomBytes(8).toString('hex') }));
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (this.failNext.count > 0) {
      this.failNext.count--;
      const { status, retryAfterSeconds } = this.failNext;
      return status === 429
        ? problem(429, 'Too Many Requests', 'You have exceeded the limit of 10 simultaneous connections.', retryAfterSeconds !== undefined ? { 'retry-after': String(retryAfterSeconds) } : {})
        : problem(status, 'Internal Server Error', 'An unexpected internal error has occurred.');
    }
    const m = /^\/([a-z]{2}[0-9]{1,2})\/3\.0(\/.*)$/.exec(path);
    if (!m) return problem(404, 'Resource Not Found', 'The requested resource could not be found.');
    const [, dc, route] = m as unknown as [string, string, string];
    const auth = req.headers.authorization ?? '';
    const key = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString().split(':').slice(1).join(':') : '';
    if (!this.keys.has(key) || !key.endsWith(`-${dc}`)) return problem(401, 'API Key Invalid', `Your API key may be invalid, or you've attempted to access the wrong datacenter.`);
    let body: Record<string, unknown> = {};
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        return problem(400, 'JSON Schema Validation Failed', 'The request body is not valid JSON.');
      }
    }
    this.requests.push({ method: req.method ?? '', path: route, body });
    const list = /^\/lists\/([^/]+)$/.exec(route);
    if (list && req.method === 'GET') {
      return this.lists.has(list[1]!) ? json(200, { id: list[1], name: 'Fake audience', stats: { member_count: this.lists.get(list[1]!)!.size } }) : problem(404, 'Resource Not Found', 'The requested resource could not be found.');
    }
    const member = /^\/lists\/([^/]+)\/members\/([0-9a-f]{32})$/.exec(route);
    const members = member ? this.lists.get(member[1]!) : undefined;
    if (!member || !members) return problem(404, 'Resource Not Found', 'The requested resource could not be found.');
    const hash = member[2]!;
    const existing = members.get(hash);
    if (req.method === 'PATCH') {
      if (!existing) return problem(404, 'Resource Not Found', 'The requested resource could not be found.');
      Object.assign(existing.merge_fields, (body['merge_fields'] as Record<string, string> | undefined) ?? {});
      return json(200, { id: hash, ...existing });
    }
    if (req.method !== 'PUT') return problem(405, 'Method Not Allowed', 'The requested method and resource are not compatible.');
    const email = String(body['email_address'] ?? '');
    if (md5(email.toLowerCase()) !== hash) return problem(400, 'Invalid Resource', 'The email address does not match the subscriber hash.');
    const status = (body['status'] ?? (existing ? undefined : body['status_if_new'])) as string | undefined;
    if (!existing && !body['status_if_new'] && !body['status']) return problem(400, 'Invalid Resource', 'The resource submitted could not be validated. For field-specific details, see the \'errors\' array.');
    if (status === 'subscribed' && this.compliance.has(email.toLowerCase())) {
      return problem(400, 'Member In Compliance State', `${email} is already a list member in compliance state due to unsubscribe, bounce, or compliance review.`);
    }
    const next: FakeMailchimpMember = { email_address: email, status: status ?? existing!.status, merge_fields: { ...(existing?.merge_fields ?? {}), ...((body['merge_fields'] as Record<string, string> | undefined) ?? {}) } };
    members.set(hash, next);
    json(200, { id: hash, ...next });
  }
}
