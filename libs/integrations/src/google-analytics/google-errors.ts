/** What Google answered when it refused, or why it could not be reached. Never carries credentials. */
export class GoogleApiError extends Error {
  constructor(
    /** `token` (the OAuth exchange) or `report` (the Data API). */
    readonly stage: 'token' | 'report',
    /** HTTP status, 0 when unreachable or timed out. */
    readonly httpStatus: number,
    /** Google's code: `invalid_grant`, `PERMISSION_DENIED`, `RESOURCE_EXHAUSTED`, … or `unreachable`. */
    readonly googleCode: string,
    message: string,
  ) {
    super(message);
    this.name = 'GoogleApiError';
  }

  /** The credentials or the property are refused: retrying does not help, the merchant must act. */
  get refused(): boolean {
    return this.httpStatus === 400 || this.httpStatus === 401 || this.httpStatus === 403 || this.httpStatus === 404;
  }

  /** For people: "Google refused the key: invalid_grant (Invalid JWT Signature.)". */
  describe(): string {
    return this.message;
  }
}

/** Reads Google's error body: OAuth `{error, error_description}` or the APIs' `{error: {code, message, status}}`. */
export async function googleError(stage: 'token' | 'report', res: Response): Promise<GoogleApiError> {
  const text = (await res.text().catch(() => '')).slice(0, 4_000);
  let code = `HTTP ${res.status}`;
  let detail = '';
  try {
    const body = JSON.parse(text) as { error?: string | { status?: string; message?: string }; error_description?: string };
    if (typeof body.error === 'string') {
      code = body.error;
      detail = body.error_description ?? '';
    } else if (body.error) {
      code = body.error.status ?? code;
      detail = body.error.message ?? '';
    }
  } catch {
    detail = text.slice(0, 200);
  }
  const what = stage === 'token' ? 'Google refused the service account key' : 'Google Analytics refused the report';
  return new GoogleApiError(stage, res.status, code, `${what}: ${res.status} ${code}${detail ? ` (${detail.slice(0, 300)})` : ''}`);
}

export function unreachable(stage: 'token' | 'report', err: unknown): GoogleApiError {
  const timedOut = (err as Error)?.name === 'TimeoutError';
  return new GoogleApiError(stage, 0, 'unreachable', `Google could not be reached: ${timedOut ? 'timed out' : ((err as Error)?.message ?? String(err))}`);
}
