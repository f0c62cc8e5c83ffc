// The dashboard's entry: adapter-node's server (build/index.js, with its graceful shutdown), plus the ORIGIN variable.
// adapter-node 6 no longer reads ORIGIN and, without PROTOCOL_HEADER, takes every request for https: over plain http
// (`npm start`, the browser tests) SvelteKit's origin check then refused every form post as cross-site. Here the
// protocol (and with ORIGIN the host) of each request come from ORIGIN, or from plain http when it is unset; a client
// cannot forge them (the headers are overwritten). An operator who sets PROTOCOL_HEADER without ORIGIN keeps that.
import process from 'node:process';

const PROTO = 'x-boomerang-origin-proto';
const HOST = 'x-boomerang-origin-host';

let origin = null;
if (process.env.ORIGIN) {
  try {
    origin = new URL(process.env.ORIGIN);
    if (!/^https?:$/.test(origin.protocol)) throw new Error('not http(s)');
  } catch {
    console.error('dashboard: invalid configuration\n  ORIGIN: must be the absolute http:// or https:// address browsers use');
    process.exit(78);
  }
}
const managed = origin !== null || !process.env.PROTOCOL_HEADER;
if (managed) {
  process.env.PROTOCOL_HEADER = PROTO;
  if (origin) process.env.HOST_HEADER = HOST;
}

// A logo may be 512 KiB; with its multipart envelope that exceeds adapter-node's default limit (512K).
process.env.BODY_SIZE_LIMIT ||= '1M';

const { server } = await import('./build/index.js');

if (managed) {
  // Runs before adapter-node's own request listener.
  server.prependListener('request', (req) => {
    req.headers[PROTO] = origin ? origin.protocol.slice(0, -1) : 'http';
    if (origin) req.headers[HOST] = origin.host;
    else delete req.headers[HOST];
  });
}
