/**
 * Domain errors carry a stable string code; the API maps codes to HTTP statuses in one filter,
 * so no library ever speaks HTTP.
 */
export type DomainErrorCode =
  | 'validation_failed'
  | 'malformed_json'
  | 'not_found'
  | 'unauthorized'
  | 'invalid_signature'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  /** Well-formed and allowed, but it cannot be done with what is stored (a template that cannot render). */
  | 'unprocessable'
  /** Sign-in: unknown address or wrong password (never says which). */
  | 'invalid_credentials'
  /** Sign-in with the right password before the address was verified. */
  | 'email_unverified'
  /** An emailed link's token: never issued, expired, or already used. */
  | 'token_invalid'
  | 'token_expired'
  | 'token_used'
  /** Too many attempts; `retryAfterSeconds` says when to try again. */
  | 'rate_limited'
  /** A dependency the request needs (the database) cannot be reached now; the caller should retry. */
  | 'unavailable'
  /** A third party the request went through (a store platform) failed, throttled or did not answer; nothing was done. */
  | 'bad_gateway';

export interface FieldIssue {
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export class ValidationError extends DomainError {
  constructor(issues: FieldIssue[]) {
    super('validation_failed', issues.map((i) => `${i.field}: ${i.message}`).join('; '), issues);
  }

  static field(field: string, message: string): ValidationError {
    return new ValidationError([{ field, message }]);
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, id: string) {
    super('not_found', `${what} ${id} was not found`);
  }
}

export class UnauthorizedError extends DomainError {
  constructor(message: string) {
    super('unauthorized', message);
  }
}

/** Too many attempts for an address or a client; the api answers 429 with Retry-After. */
export class RateLimitedError extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('rate_limited', message);
  }
}
