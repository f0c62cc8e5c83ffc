// The sentences a merchant reads when the api refuses something, kept in one place and unit-tested.

/** "Too many attempts. Try again in 5 minutes." from a Retry-After header (seconds). */
export function rateLimitMessage(retryAfter: string | null | undefined): string {
  const seconds = Number(retryAfter);
  if (!retryAfter || !Number.isFinite(seconds) || seconds <= 0) return 'Too many attempts. Please wait a few minutes and try again.';
  if (seconds < 60) return `Too many attempts. Try again in ${Math.ceil(seconds)} second${Math.ceil(seconds) === 1 ? '' : 's'}.`;
  const minutes = Math.ceil(seconds / 60);
  return `Too many attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
}

/** What an emailed link's error means, and what to do about it. */
export function tokenMessage(code: string | undefined, kind: 'verify' | 'reset'): string {
  const again = kind === 'verify' ? 'Send yourself a new verification email below.' : 'Request a new password reset link.';
  switch (code) {
    case 'token_expired':
      return `This link has expired. ${again}`;
    case 'token_used':
      return kind === 'verify'
        ? 'This link has already been used: your email is verified. Sign in, or send a new link if you cannot.'
        : `This link has already been used. ${again}`;
    default:
      return `This link is not valid (it may be incomplete or mistyped). ${again}`;
  }
}
