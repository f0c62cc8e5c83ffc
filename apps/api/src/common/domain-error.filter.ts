import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { DomainError, RateLimitedError, type DomainErrorCode } from '@boomerang/domain';
import type { Response } from 'express';
import type { z } from 'zod';
import type { errorSchema } from './contract.js';

const STATUS: Record<DomainErrorCode, number> = {
  validation_failed: 400,
  malformed_json: 400,
  unauthorized: 401,
  invalid_signature: 401,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  invalid_credentials: 401,
  email_unverified: 403,
  token_invalid: 400,
  token_expired: 410,
  token_used: 410,
  rate_limited: 429,
  unavailable: 503,
  bad_gateway: 502,
};

/**
 * PostgreSQL cannot be reached (refused, reset, terminated, the pool could not connect): a 503 the sender retries
 * (a platform redelivers its webhook), never a 500.
 */
export function isDatabaseUnreachable(err: unknown): boolean {
  for (let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    const code = typeof e.code === 'string' ? e.code : '';
    if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', '57P01', '57P02', '57P03'].includes(code) || code.startsWith('08')) return true;
    const text = typeof e.message === 'string' ? e.message : '';
    if (/Connection terminated|connection timeout|Client has encountered a connection error|Connection ended unexpectedly|timeout exceeded when trying to connect/i.test(text)) return true;
  }
  return false;
}

/** `{ error: code, message, issues? }` with the code's status; also used by the body layer, which runs before Nest. */
export function sendDomainError(res: Response, error: DomainError): void {
  // Typed by the documented Error schema, so the document and the answers cannot drift apart.
  const body: z.output<typeof errorSchema> = {
    error: error.code,
    message: error.message,
    ...(error.issues.length ? { issues: error.issues } : {}),
  };
  if (error instanceof RateLimitedError) res.setHeader('Retry-After', String(Math.max(1, Math.ceil(error.retryAfterSeconds))));
  res.status(STATUS[error.code] ?? 400).json(body);
}

/** The one place where domain errors become HTTP. */
@Catch()
export class DomainErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (exception instanceof DomainError) {
      sendDomainError(res, exception);
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      res.status(status).json({ error: status === 404 ? 'not_found' : 'http_error', message: exception.message } satisfies z.output<typeof errorSchema>);
      return;
    }
    if (isDatabaseUnreachable(exception)) {
      res.setHeader('Retry-After', '5');
      sendDomainError(res, new DomainError('unavailable', 'the database is unreachable; nothing was stored, retry later'));
      return;
    }
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    res.status(500).json({ error: 'internal', message: 'internal error' } satisfies z.output<typeof errorSchema>);
  }
}
