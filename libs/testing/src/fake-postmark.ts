import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One message as the fake received it: Postmark's `POST /email` body plus the id it answered with. */
export interface FakePostmarkMessage {
  MessageID: string;
  ReceivedAt: string;
  From: string;
  To: string;
  Subject: string;
  HtmlBody?: string;
  TextBody?: string;
  MessageStream?: string;
  Tag?: string;
  Metadata?: Record<string, string>;
  Headers?: { Name: string; Value: string }[];
  TrackOpens?: boolean;
  TrackLinks?: string;
}

/** What the next `POST /email` gets instead of a normal answer. */
export type FakePostmarkFault =
  | { kind: 'error'; status: number; errorCode: number; message: string }
  /** Accepts and records the message, then answers only after `ms` (longer than the client's timeout). */
  | { kind: 'accept-then-stall'; ms: number }
  /**
   * Takes the message without listing it in the search for `ms` (Postmark's index lags), and never answers: the
   * client times out and cannot tell whether the message arrived.
   */
  | { kind: 'accept-unindexed'; ms: number };

export interface FakePostmarkOptions {
  serverToken?: string;
  /** Addresses Postmark has marked inactive (hard bounce, spam complaint): answered with 422 / ErrorCode 406. */
  inactiveRecipients?: string[];
  /**
   * Every `POST /email` is answered after this long (the real service takes a moment; sends then overlap). The message
   * is taken when the answer goes out, so a request whose client is gone by then was never accepted.
   */
  responseDelayMs?: number;
}

const EMAIL = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/;

/**
 * Postmark's HTTP API on loopback, for the `postmark` client with `{ useHttps: false, requestHost }`: `POST /email`
 * with its documented success and error bodies (https://postmarkapp.com/developer/api/overview#error-codes) and
 * `GET /messages/outbound` with `metadata_<key>` filters. Faults can be queued to test retries and timeouts.
 */
export class FakePostmark {
  readonly messages: FakePostmarkMessage[] = [];
  readonly serverToken: string;
  requests = 0;
  private readonly inactive: Set<string>;
  private readonly faults: FakePostmarkFault[] = [];
  private server?: Server;
  private readonly stalled = new Set<NodeJS.Timeout>();
  private readonly responseDelayMs: number;
  private outageUntil = 0;
  private outageStatus = 500;
  /** Messages accepted but not yet listed by the search, with the time they appear there. */
  private readonly unindexed = new Map<FakePostmarkMessage, number>();

  constructor(options: FakePostmarkOptions = {}) {
    this.serverToken = options.serverToken ?? 'fake-server-token';
    this.inactive = new Set((options.inactiveRecipients ?? []).map((e) => e.toLowerCase()));
    this.responseDelayMs = options.responseDelayMs ?? 0;
  }

  /** Starts listening on a free loopback port; returns `127.0.0.1:PORT` for the client's `requestHost`. */
  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this.requestHost;
  }

  get requestHost(): string {
    return `127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const t of this.stalled) clearTimeout(t);
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  failNext(...faults: FakePostmarkFault[]): void {
    this.faults.push(...faults);
  }

  markInactive(email: string): void {
    this.inactive.add(email.toLowerCase());
  }

  /** An outage: every `POST /email` for the next `ms` is refused with `status` (nothing is accepted). */
  outageFor(ms: number, status = 500): void {
    this.outageUntil = Date.now() + ms;
    this.outageStatus = status;
  }

  get inOutage(): boolean {
    return Date.now() < this.outageUntil;
  }

  /** How many messages the fake accepted for each recipient (lowercased address). */
  acceptedPerRecipient(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const m of this.messages) {
      const to = addressOf(m.To).toLowerCase();
      counts.set(to, (counts.get(to) ?? 0) + 1);
    }
    return counts;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.requests++;
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.headers['x-postmark-server-token'] !== this.serverToken) {
      return answer(res, 401, { ErrorCode: 10, Message: 'Request does not contain a valid Server token.' });
    }
    if (req.method === 'POST' && url.pathname === '/email') return this.email(Buffer.concat(chunks).toString('utf8'), res);
    if (req.method === 'GET' && url.pathname === '/messages/outbound') return this.search(url.searchParams, res);
    answer(res, 404, { ErrorCode: 404, Message: `no such endpoint ${req.method} ${url.pathname}` });
  }

  private email(raw: string, res: ServerResponse): void {
    let body: Partial<FakePostmarkMessage>;
    try {
      body = JSON.parse(raw);
    } catch {
      return answer(res, 422, { ErrorCode: 402, Message: 'Received invalid JSON input.' });
    }
    if (this.inOutage) {
      // A failing service answers at once: the client retries many times during the outage.
      return answer(res, this.outageStatus, { ErrorCode: 0, Message: 'Internal server error (fake outage)' });
    }
    const fault = this.faults.shift();
    if (fault?.kind === 'error') return answer(res, fault.status, { ErrorCode: fault.errorCode, Message: fault.message });
    if (!body.From || !EMAIL.test(addressOf(body.From))) {
      return answer(res, 422, { ErrorCode: 300, Message: `Invalid 'From' address: '${body.From ?? ''}'.` });
    }
    if (!body.To || !EMAIL.test(addressOf(body.To))) {
      return answer(res, 422, { ErrorCode: 300, Message: `Error parsing 'To': Illegal email address '${body.To ?? ''}'.` });
    }
    if (this.inactive.has(addressOf(body.To).toLowerCase())) {
      return answer(res, 422, {
        ErrorCode: 406,
        Message: 'You tried to send to recipient(s) that have been marked as inactive. Found inactive addresses: ' + body.To + '.',
      });
    }
    const message = { ...body, MessageID: randomUUID(), ReceivedAt: new Date().toISOString() } as FakePostmarkMessage;
    if (!fault && this.responseDelayMs) {
      // Taken when the answer goes out: a request whose client died meanwhile (a killed worker) was never accepted.
      const ok = { To: body.To, SubmittedAt: message.ReceivedAt, MessageID: message.MessageID, ErrorCode: 0, Message: 'OK' };
      return this.later(res, () => {
        this.messages.push(message);
        answer(res, 200, ok);
      });
    }
    this.messages.push(message);
    if (fault?.kind === 'accept-unindexed') {
      this.unindexed.set(message, Date.now() + fault.ms);
      return;
    }
    const ok = { To: body.To, SubmittedAt: message.ReceivedAt, MessageID: message.MessageID, ErrorCode: 0, Message: 'OK' };
    if (fault?.kind === 'accept-then-stall') {
      const timer = setTimeout(() => {
        this.stalled.delete(timer);
        if (!res.destroyed) answer(res, 200, ok);
      }, fault.ms);
      this.stalled.add(timer);
      return;
    }
    this.later(res, () => answer(res, 200, ok));
  }

  private later(res: ServerResponse, reply: () => void): void {
    if (!this.responseDelayMs) return reply();
    const timer = setTimeout(() => {
      this.stalled.delete(timer);
      if (!res.destroyed && !res.socket?.destroyed) reply();
    }, this.responseDelayMs);
    this.stalled.add(timer);
  }

  private search(params: URLSearchParams, res: ServerResponse): void {
    const count = Number(params.get('count'));
    const offset = Number(params.get('offset'));
    if (!Number.isInteger(count) || count < 1 || count > 500 || !Number.isInteger(offset) || offset < 0) {
      return answer(res, 422, { ErrorCode: 300, Message: 'count (1-500) and offset are required.' });
    }
    const metadata = [...params].filter(([k]) => k.startsWith('metadata_')).map(([k, v]) => [k.slice(9), v] as const);
    const recipient = params.get('recipient');
    const now = Date.now();
    const matches = this.messages
      .filter((m) => (this.unindexed.get(m) ?? 0) <= now)
      .filter((m) => metadata.every(([k, v]) => m.Metadata?.[k] === v))
      .filter((m) => !recipient || addressOf(m.To).toLowerCase() === recipient.toLowerCase())
      .reverse();
    answer(res, 200, {
      TotalCount: matches.length,
      Messages: matches.slice(offset, offset + count).map((m) => ({
        MessageID: m.MessageID,
        MessageStream: m.MessageStream ?? 'outbound',
        To: [{ Email: addressOf(m.To), Name: null }],
        From: m.From,
        Subject: m.Subject,
        Tag: m.Tag ?? '',
        Metadata: m.Metadata ?? {},
        Status: 'Sent',
        ReceivedAt: m.ReceivedAt,
        TrackOpens: m.TrackOpens ?? false,
        TrackLinks: m.TrackLinks ?? 'None',
      })),
    });
  }
}

function addressOf(value: string): string {
  return (/<([^>]+)>/.exec(value)?.[1] ?? value).trim();
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}
