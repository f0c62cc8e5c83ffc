import { GoogleApiError, googleError, unreachable } from './google-errors.js';
import type { ServiceAccountKey } from './google-analytics.schemas.js';
import type { GoogleTokenSource } from './google-token-source.js';

/** The parts of a GA4 Data API `runReport` request we send. */
export interface RunReportRequest {
  dateRanges: { startDate: string; endDate: string }[];
  dimensions?: { name: string }[];
  metrics: { name: string }[];
  dimensionFilter?: unknown;
  orderBys?: { metric?: { metricName: string }; dimension?: { dimensionName: string }; desc?: boolean }[];
  limit?: number;
}

export interface RunReportResponse {
  dimensionHeaders?: { name: string }[];
  metricHeaders?: { name: string; type?: string }[];
  rows?: { dimensionValues?: { value?: string }[]; metricValues?: { value?: string }[] }[];
  rowCount?: number;
}

/** `POST {base}/v1beta/properties/{id}:runReport` with the service account's bearer token. */
export class Ga4DataClient {
  constructor(
    private readonly baseUrl: string,
    private readonly tokens: GoogleTokenSource,
    private readonly timeoutMs = 15_000,
  ) {}

  async runReport(key: ServiceAccountKey, propertyId: string, request: RunReportRequest): Promise<RunReportResponse> {
    const url = `${this.baseUrl.replace(/\/+$/, '')}/v1beta/properties/${encodeURIComponent(propertyId)}:runReport`;
    const send = async () => {
      const token = await this.tokens.accessToken(key);
      try {
        return await fetch(url, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(request),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (err) {
        throw unreachable('report', err);
      }
    };
    let res = await send();
    if (res.status === 401) {
      // The cached token was revoked or expired early: one fresh exchange, then Google's answer stands.
      await res.arrayBuffer();
      this.tokens.forget(key);
      res = await send();
    }
    if (!res.ok) throw await googleError('report', res);
    const body = (await res.json().catch(() => null)) as RunReportResponse | null;
    if (!body || typeof body !== 'object') throw new GoogleApiError('report', res.status, 'malformed', 'Google Analytics answered something that is not a report');
    return body;
  }
}
