/**
 * How a send failed decides what the caller may do next:
 * - PermanentDeliveryError: the provider answered and refused this message; retrying cannot help.
 * - RetryableDeliveryError: the provider answered with a temporary refusal (429, 5xx); nothing was sent.
 * - UnconfirmedDeliveryError: no answer (timeout, connection lost); the message may have been accepted.
 * The last two are plain Errors to Temporal, so the activity is retried with backoff.
 */
export type PermanentDeliveryReason = 'inactive_recipient' | 'invalid_address' | 'rejected';

export class PermanentDeliveryError extends Error {
  constructor(
    readonly reason: PermanentDeliveryReason,
    message: string,
    /** The provider's own error code (Postmark `ErrorCode`). */
    readonly providerCode: number,
    /** True when the address itself is dead and should be suppressed for the store. */
    readonly suppress: boolean,
  ) {
    super(message);
    this.name = 'PermanentDeliveryError';
  }
}

export class RetryableDeliveryError extends Error {
  /** The provider answered, so it certainly did not accept the message. */
  readonly accepted = false as const;
  constructor(
    message: string,
    readonly statusCode: number,
  ) {
    super(message);
    this.name = 'RetryableDeliveryError';
  }
}

export class UnconfirmedDeliveryError extends Error {
  /** Nobody knows: the request may have reached the provider before the answer was lost. */
  readonly accepted = 'unknown' as const;
  constructor(message: string) {
    super(message);
    this.name = 'UnconfirmedDeliveryError';
  }
}
