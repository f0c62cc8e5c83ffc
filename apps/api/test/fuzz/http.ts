import http from 'node:http';
import net from 'node:net';

export interface RawRequest {
  method: string;
  /** Path and query exactly as sent (no URL normalisation: `..` and bad escapes reach the server as they are). */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface RawResponse {
  status: number;
  contentType: string;
  text: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });

/** node:http rather than fetch: it sends what it is given (a GET with a body, a raw path) and keeps connections open. */
export function send(target: URL, r: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...r.headers };
    if (r.body) headers['content-length'] = r.body.length;
    const req = http.request({ host: target.hostname, port: target.port, method: r.method, path: r.path, headers, agent, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 30 s')));
    req.on('error', reject);
    req.end(r.body);
  });
}

/**
 * Writes the request bytes on a socket of its own, for what node:http refuses to send (a NUL in a header value);
 * reads the status line and whatever body arrives before the server closes or 5 s pass.
 */
export function sendRawBytes(target: URL, r: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(target.port), target.hostname);
    const chunks: Buffer[] = [];
    const finish = () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = raw.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
      const contentType = /\r\ncontent-type: *([^\r\n]*)/i.exec(head)?.[1] ?? '';
      resolve({ status, contentType, text: rest.join('\r\n\r\n') });
    };
    socket.setTimeout(5_000, () => socket.destroy());
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', finish);
    socket.on('error', (err) => (chunks.length ? finish() : reject(err)));
    const body = r.body ?? Buffer.alloc(0);
    const head = [`${r.method} ${r.path} HTTP/1.1`, `host: ${target.host}`, 'connection: close', `content-length: ${body.length}`, ...Object.entries(r.headers).map(([k, v]) => `${k}: ${v}`)];
    socket.end(Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), body]));
  });
}
