import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { DomainError, type DomainErrorCode } from '@boomerang/domain';
import type { Response } from 'express';

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
};

/** `{ error: code, message, issues? }` with the code's status; also used by the body layer, which runs before Nest. */
export function sendDomainError(res: Response, error: DomainError): void {
  res.status(STATUS[error.code] ?? 400).json({
    error: error.code,
    message: error.message,
    ...(error.issues.length ? { issues: error.issues } : {}),
  });
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
      res.status(status).json({ error: status === 404 ? 'not_found' : 'http_error', message: exception.message });
      return;
    }
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    res.status(500).json({ error: 'internal', message: 'internal error' });
  }
}
