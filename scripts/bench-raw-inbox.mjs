// The raw ceiling of webhook acceptance (`npm run bench`, phase intake): a minimal Node HTTP server that verifies
// Shopify's HMAC over the raw bytes (X-Shopify-Hmac-Sha256, base64, the app's API secret key) and does one INSERT of
// the body, keyed by X-Shopify-Webhook-Id, into the same PostgreSQL; nothing else.
// Usage: DATABASE_URL=… PORT=… SECRET=… node scripts/bench-raw-inbox.mjs
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
await pool.query(`create table if not exists raw_inbox (id bigserial primary key, delivery_id text not null unique, body bytea not null, received_at timestamptz not null default now())`);
const secret = process.env.SECRET;

http
  .createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const expected = createHmac('sha256', secret).update(body).digest();
      const given = Buffer.from(String(req.headers['x-shopify-hmac-sha256'] ?? ''), 'base64');
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
        res.writeHead(401).end();
        return;
      }
      try {
        await pool.query(`insert into raw_inbox (delivery_id, body) values ($1, $2) on conflict do nothing`, [String(req.headers['x-shopify-webhook-id']), body]);
        res.writeHead(202, { 'content-type': 'application/json' }).end('{}');
      } catch {
        res.writeHead(503).end();
      }
    });
  })
  .listen(Number(process.env.PORT), '127.0.0.1');
