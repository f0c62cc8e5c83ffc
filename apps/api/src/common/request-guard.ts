import { DomainError, ValidationError } from '@boomerang/domain';
import { assertSafeJson, isUuid, textProblem } from '@boomerang/validation';
import express, { type NextFunction, type Request, type Response } from 'express';
import { sendDomainError } from './domain-error.filter.js';

export const MAX_BODY_BYTES = 1024 * 1024;
const MAX_PATH = 2_048;
const MAX_QUERY_VALUE = 2_048;

/** Routes that verify a signature over the raw bytes: their body stays a Buffer for the HMAC check. */
const SIGNED_BODY_PATH = /^\/api\/v1\/stores\/[^/]+\/webhooks\//;
/** The platforms' receivers: raw bytes of any type (WooCommerce's creation ping is a form body), checked by the inbox. */
const PLATFORM_WEBHOOK_PATH = /^\/api\/v1\/webhooks\/(shopify|woocommerce|bigcommerce)\/[^/]+$/;
/** RFC 8058 one-click unsubscribe and the resubscribe button post forms; their bodies carry nothing we read. */
const FORM_PATH = /^\/api\/v1\/unsubscribe\//;
/** The one route that takes a body other than JSON: a store's logo, as raw image bytes of these types. */
const LOGO_PATH = /^\/api\/v1\/stores\/[^/]+\/logo$/;
const LOGO_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
export const MAX_LOGO_BODY_BYTES = 512 * 1024;

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function mediaType(req: Request): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

function isJson(req: Request): boolean {
  const type = mediaType(req);
  return type === 'application/json' || /^application\/[\w.-]+\+json$/.test(type);
}

/** A logo upload: PUT to the logo route with an image type we store. Its bytes are checked by the logo service. */
function isLogoUpload(req: Request): boolean {
  return req.method === 'PUT' && LOGO_PATH.test(req.path) && LOGO_TYPES.has(mediaType(req));
}

/**
 * The one input layer in front of every route, before Nest routes the request:
 * - the path decodes and holds no NUL or lone surrogate; every query value is given once, bounded and clean, and a
 *   query parameter named `…Id` is a UUID (so no malformed id ever reaches a uuid cast);
 * - a body must be JSON (`415` otherwise), sent without Content-Encoding (`415`: a signature is checked over the bytes
 *   sent, never over a decompressed body), at most 1 MiB (`413 payload_too_large`); the one exception is a logo upload
 *   (`PUT …/stores/:id/logo` as image/png, jpeg, gif or webp), kept as bytes, at most 512 KiB;
 * - a JSON body is parsed here, at most 32 levels deep, no NUL or lone surrogate in any key or string. Signed
 *   webhook bodies stay raw and get the same checks after their signature is verified.
 */
export function requestGuard() {
  const raw = express.raw({ type: () => true, limit: MAX_BODY_BYTES, inflate: false });
  // Refuses a declared Content-Length over the limit before reading a byte, and stops reading a stream that passes it.
  const rawLogo = express.raw({ type: () => true, limit: MAX_LOGO_BODY_BYTES, inflate: false });
  return (req: Request, res: Response, next: NextFunction) => {
    try {
      checkPathAndQuery(req);
    } catch (err) {
      return sendDomainError(res, err as DomainError);
    }
    if (!hasBody(req) || FORM_PATH.test(req.path)) return next();
    const encoding = String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (encoding !== 'identity') {
      return sendDomainError(res, new DomainError('unsupported_media_type', `Content-Encoding ${encoding} is not accepted: send the body uncompressed`));
    }
    if (req.method === 'PUT' && LOGO_PATH.test(req.path) && !LOGO_TYPES.has(mediaType(req))) {
      // Read (bounded, 512 KiB) and dropped, not refused here: the store guard must answer first (401, or 404 to another
      // account), so the type is refused by the logo service after it (415 naming `logo`), never before access is known.
      return rawLogo(req, res, (err?: unknown) => {
        if (err) return sendDomainError(res, logoBodyError(err));
        req.body = undefined;
        next();
      });
    }
    if (isLogoUpload(req)) {
      // Kept as a Buffer for the logo service, which checks the bytes against the declared type.
      return rawLogo(req, res, (err?: unknown) => (err ? sendDomainError(res, logoBodyError(err)) : next()));
    }
    if (PLATFORM_WEBHOOK_PATH.test(req.path)) {
      return raw(req, res, (err?: unknown) => (err ? sendDomainError(res, bodyError(err)) : next()));
    }
    if (!isJson(req)) {
      return sendDomainError(res, new DomainError('unsupported_media_type', 'the body must be JSON (Content-Type: application/json)'));
    }
    raw(req, res, (err?: unknown) => {
      if (err) return sendDomainError(res, bodyError(err));
      if (SIGNED_BODY_PATH.test(req.path)) return next();
      try {
        req.body = parseJson(req.body as Buffer);
      } catch (parseErr) {
        return sendDomainError(res, parseErr as DomainError);
      }
      next();
    });
  };
}

function parseJson(body: Buffer): unknown {
  if (!Buffer.isBuffer(body) || body.length === 0) return undefined;
  let json: unknown;
  try {
    // A UTF-8 byte order mark is legal before JSON text (RFC 8259 lets parsers ignore it).
    json = JSON.parse(body.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new DomainError('malformed_json', `body is not valid JSON: ${(err as Error).message}`);
  }
  assertSafeJson(json);
  return json;
}

function bodyError(err: unknown): DomainError {
  const e = err as { type?: string; message?: string; status?: number } | undefined;
  if (e?.type === 'entity.too.large') return new DomainError('payload_too_large', `body exceeds ${MAX_BODY_BYTES} bytes (1 MiB)`);
  if (e?.type === 'encoding.unsupported') return new DomainError('unsupported_media_type', 'Content-Encoding is not accepted');
  return new DomainError('malformed_json', `body could not be read: ${e?.message ?? 'unknown error'}`);
}

function logoBodyError(err: unknown): DomainError {
  const e = err as { type?: string } | undefined;
  if (e?.type === 'entity.too.large') {
    return new DomainError('payload_too_large', `a logo is at most ${MAX_LOGO_BODY_BYTES} bytes (512 KiB)`, [{ field: 'logo', message: 'must be at most 512 KiB' }]);
  }
  return bodyError(err);
}

function checkPathAndQuery(req: Request): void {
  const path = req.path;
  if (path.length > MAX_PATH) throw ValidationError.field('(path)', `must be at most ${MAX_PATH} characters`);
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    throw ValidationError.field('(path)', 'is not valid percent-encoded UTF-8');
  }
  const pathProblem = textProblem(decoded);
  if (pathProblem) throw ValidationError.field('(path)', pathProblem);

  for (const [name, value] of Object.entries(req.query as Record<string, unknown>)) {
    const keyProblem = textProblem(name);
    if (keyProblem || name.length > 64) throw ValidationError.field('(query)', keyProblem ? `has a parameter name that ${keyProblem}` : 'has a parameter name over 64 characters');
    if (typeof value !== 'string') throw ValidationError.field(name, 'must be given once, as a single value');
    if (value.length > MAX_QUERY_VALUE) throw ValidationError.field(name, `must be at most ${MAX_QUERY_VALUE} characters`);
    const problem = textProblem(value);
    if (problem) throw ValidationError.field(name, problem);
    if (/Id$/.test(name) && !isUuid(value)) throw ValidationError.field(name, 'must be a UUID');
  }
}
