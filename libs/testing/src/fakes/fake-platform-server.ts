import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as a fake platform received it, with the status it answered (0 while it hangs). */
export interface FakeRequestLogEntry {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
}

/** What the next requests get instead of a normal answer. */
export type FakePlatformFault =
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: unknown }
  /** Never answers (the client's timeout must fire); the socket is closed when the fake stops. */
  | { kind: 'hang' };

/** One webhook the fake POSTed to a registered address, kept so a test can redeliver it byte for byte. */
export interface FakeDelivery {
  address: string;
  headers: Record<string, string>;
  body: string;
  /** HTTP status the receiver answered, or 0 when it could not be reached. */
  status: number;
}

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface FakeAnswer {
  status: number;
  headers?: Record<string, string>;
  /** JSON-encoded unless it is a string already (or undefined: no body). */
  body?: unknown;
}

/**
 * The loopback HTTP server under each fake platform: request log, queued faults (next N errors, a hang), JSON
 * answers, and webhook delivery to registered addresses with a record for redelivery.
 */
export abstract class FakePlatformServer {
  readonly requests: FakeRequestLogEntry[] = [];
  readonly deliveries: FakeDelivery[] = [];
  private server?: Server;
  private readonly faults: FakePlatformFault[] = [];
  private readonly hanging = new Set<ServerResponse>();

  protected abstract handle(req: FakeRequest): FakeAnswer | Promise<FakeAnswer>;

  /** Listens on a free loopback port; returns `http://127.0.0.1:PORT`. */
  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.receive(req, res));
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this.origin;
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The next `count` API requests answer `status` (500 by default) with the platform's error body. */
  failNext(count = 1, status = 500, headers?: Record<string, string>): void {
    for (let i = 0; i < count; i++) this.faults.push({ kind: 'status', status, headers, body: this.errorBody(status, 'Internal Server Error') });
  }

  /** The next `count` API requests never get an answer. */
  hangNext(count = 1): void {
    for (let i = 0; i < count; i++) this.faults.push({ kind: 'hang' });
  }

  protected queueFault(fault: FakePlatformFault): void {
    this.faults.push(fault);
  }

  /** The platform's own error body for a status (used by faults). */
  protected abstract errorBody(status: number, message: string): unknown;

  /** POSTs one webhook and records it; never throws (an unreachable receiver is status 0). */
  protected async deliver(address: string, headers: Record<string, string>, body: string): Promise<FakeDelivery> {
    const delivery: FakeDelivery = { address, headers, body, status: 0 };
    this.deliveries.push(delivery);
    await this.post(delivery);
    return delivery;
  }

  /** Sends a recorded delivery again, same headers, same bytes (a platform retry after a timeout). */
  async redeliver(delivery: FakeDelivery): Promise<FakeDelivery> {
    const again: FakeDelivery = { ...delivery, status: 0 };
    this.deliveries.push(again);
    await this.post(again);
    return again;
  }

  private async post(delivery: FakeDelivery): Promise<void> {
    try {
      const res = await fetch(delivery.address, { method: 'POST', headers: delivery.headers, body: delivery.body, signal: AbortSignal.timeout(10_000) });
      await res.arrayBuffer();
      delivery.status = res.status;
    } catch {
      delivery.status = 0;
    }
  }

  private async receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const entry: FakeRequestLogEntry = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), status: 0 };
    this.requests.push(entry);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const fault = this.faults.shift();
    if (fault?.kind === 'hang') {
      this.hanging.add(res);
      return;
    }
    let answer: FakeAnswer;
    try {
      answer = fault
        ? { status: fault.status, headers: fault.headers, body: fault.body }
        : await this.handle({ method: entry.method, path: url.pathname, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
    } catch (err) {
      answer = { status: 500, body: this.errorBody(500, err instanceof Error ? err.message : String(err)) };
    }
    entry.status = answer.status;
    const payload = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    res.writeHead(answer.status, { ...(payload ? { 'Content-Type': 'application/json; charset=UTF-8' } : {}), ...answer.headers });
    res.end(payload);
  }
}

export function jsonBody(req: FakeRequest): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(req.body);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
