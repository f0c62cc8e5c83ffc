import { DomainError, NotFoundError } from '@boomerang/domain';
import type { EntityManager } from '@boomerang/persistence';
import { parseOrThrow } from '@boomerang/validation';
import type { SecretSealer } from '../webhook-endpoints.service.js';
import { ANALYTICS_REQUESTS, buildReport, PROBE_REQUEST, type AnalyticsReport } from './analytics-report.js';
import { Ga4DataClient, type RunReportResponse } from './ga4-data-client.js';
import { connectGoogleAnalyticsSchema, type ServiceAccountKey } from './google-analytics.schemas.js';
import { GoogleApiError } from './google-errors.js';
import { GoogleAnalyticsRepository, type GoogleAnalyticsRow } from './google-analytics.repository.js';
import { GoogleTokenSource } from './google-token-source.js';

export const googleAnalyticsKeyContext = (storeId: string) => `google-analytics:${storeId}`;

export interface GoogleAnalyticsSettings {
  /** Google's OAuth 2.0 token endpoint (`https://oauth2.googleapis.com/token`). */
  tokenUrl: string;
  /** The GA4 Data API's base (`https://analyticsdata.googleapis.com`). */
  dataApiUrl: string;
  /** How long a report is served before it is read again (an hour). */
  cacheTtlMs: number;
  /** A refresh's lease, and the pause after a failed one before Google is asked again. */
  refreshLeaseMs?: number;
  timeoutMs?: number;
}

/** What the merchant sees of the connection: never the key. */
export interface GoogleAnalyticsStatus {
  propertyId: string;
  clientEmail: string;
  status: 'connected' | 'error';
  lastError: string | null;
  connectedAt: Date;
  lastRefreshAt: Date | null;
}

/** The dashboard's GA widgets: the report (fresh, or the last good one marked stale), or why there is none. */
export interface AnalyticsWidgets {
  state: 'not_connected' | 'fresh' | 'stale' | 'unavailable';
  propertyId: string | null;
  fetchedAt: Date | null;
  /** Google's error of the last refresh, when it failed. */
  error: string | null;
  report: AnalyticsReport | null;
}

const NOT_CONNECTED: AnalyticsWidgets = { state: 'not_connected', propertyId: null, fetchedAt: null, error: null, report: null };

/**
 * Google Analytics (issue 13, point 2): connect a GA4 property with a service account key (checked against Google
 * before anything is stored, sealed at rest), and the store dashboard's GA widgets from the Data API, cached per store
 * in PostgreSQL for an hour; on Google's error the last report is served marked stale.
 */
export class GoogleAnalyticsService {
  private readonly data: Ga4DataClient;
  private readonly leaseMs: number;
  /** Refreshes running in this process, by store: concurrent dashboard views share one. */
  private readonly inFlight = new Map<string, Promise<AnalyticsWidgets>>();

  constructor(
    private readonly deps: { sealer: SecretSealer; settings: GoogleAnalyticsSettings; clock?: () => Date },
  ) {
    const timeoutMs = deps.settings.timeoutMs ?? 10_000;
    this.data = new Ga4DataClient(deps.settings.dataApiUrl, new GoogleTokenSource(deps.settings.tokenUrl, timeoutMs), timeoutMs);
    this.leaseMs = deps.settings.refreshLeaseMs ?? 60_000;
  }

  private readonly now = () => (this.deps.clock ? this.deps.clock() : new Date());

  async status(em: EntityManager, storeId: string): Promise<GoogleAnalyticsStatus | null> {
    const row = await new GoogleAnalyticsRepository(em).find(storeId);
    return row ? statusOf(row) : null;
  }

  /** Validates the input, proves it against Google (token exchange and a minimal report), then stores it sealed. */
  async connect(em: EntityManager, storeId: string, body: unknown): Promise<GoogleAnalyticsStatus> {
    const input = parseOrThrow(connectGoogleAnalyticsSchema, body);
    const key: ServiceAccountKey = {
      private_key_id: input.serviceAccountKey.private_key_id,
      private_key: input.serviceAccountKey.private_key,
      client_email: input.serviceAccountKey.client_email,
    };
    try {
      await this.data.runReport(key, input.propertyId, PROBE_REQUEST);
    } catch (err) {
      throw connectError(err, key.client_email, input.propertyId);
    }
    const repository = new GoogleAnalyticsRepository(em);
    await repository.save(storeId, { propertyId: input.propertyId, clientEmail: key.client_email, keySealed: this.deps.sealer.seal(JSON.stringify(key), googleAnalyticsKeyContext(storeId)) }, this.now());
    return statusOf((await repository.find(storeId))!);
  }

  async disconnect(em: EntityManager, storeId: string): Promise<void> {
    if (!(await new GoogleAnalyticsRepository(em).remove(storeId))) throw new NotFoundError('Google Analytics connection of store', storeId);
  }

  /** The widgets: the cached report while it is younger than the TTL, else read again (one refresh per store). */
  async widgets(em: EntityManager, storeId: string): Promise<AnalyticsWidgets> {
    const row = await new GoogleAnalyticsRepository(em).find(storeId);
    if (!row) return NOT_CONNECTED;
    if (row.report && row.reportFetchedAt && this.now().getTime() - row.reportFetchedAt.getTime() < this.deps.settings.cacheTtlMs) {
      return { state: 'fresh', propertyId: row.propertyId, fetchedAt: row.reportFetchedAt, error: null, report: row.report };
    }
    const running = this.inFlight.get(storeId);
    if (running) return running;
    const refresh = this.refresh(em, row).finally(() => this.inFlight.delete(storeId));
    this.inFlight.set(storeId, refresh);
    return refresh;
  }

  private async refresh(em: EntityManager, row: GoogleAnalyticsRow): Promise<AnalyticsWidgets> {
    const repository = new GoogleAnalyticsRepository(em);
    const cached = (error: string | null): AnalyticsWidgets => ({
      state: row.report ? 'stale' : 'unavailable',
      propertyId: row.propertyId,
      fetchedAt: row.reportFetchedAt,
      error,
      report: row.report,
    });
    // Another replica is reading, or the last attempt failed less than a lease ago: what is stored stands.
    if (!(await repository.claimRefresh(row.storeId, this.now(), this.leaseMs))) {
      return cached(row.lastError ?? (row.report ? null : 'the report is being read from Google Analytics; reload in a moment'));
    }
    let key: ServiceAccountKey;
    try {
      key = JSON.parse(this.deps.sealer.open(row.keySealed, googleAnalyticsKeyContext(row.storeId))) as ServiceAccountKey;
    } catch {
      const error = 'the stored key cannot be opened (the credentials key changed?): connect Google Analytics again';
      await repository.finishRefresh(row.storeId, row.keySealed, { error, refused: true });
      return cached(error);
    }
    try {
      const names = Object.keys(ANALYTICS_REQUESTS) as (keyof typeof ANALYTICS_REQUESTS)[];
      const answers = await Promise.all(names.map((name) => this.data.runReport(key, row.propertyId, ANALYTICS_REQUESTS[name])));
      const report = buildReport(Object.fromEntries(names.map((n, i) => [n, answers[i]!])) as Record<keyof typeof ANALYTICS_REQUESTS, RunReportResponse>);
      const at = this.now();
      await repository.finishRefresh(row.storeId, row.keySealed, { report, at });
      return { state: 'fresh', propertyId: row.propertyId, fetchedAt: at, error: null, report };
    } catch (err) {
      if (!(err instanceof GoogleApiError)) {
        await repository.finishRefresh(row.storeId, row.keySealed, { error: 'reading the report failed', refused: false });
        throw err;
      }
      // The lease stays until the lease time passes (refresh_started_at is cleared only on success), so a failing
      // Google is asked again at most once a lease, whatever the traffic.
      await repository.finishRefresh(row.storeId, row.keySealed, { error: err.message, refused: err.refused });
      return cached(err.message);
    }
  }
}

function statusOf(row: GoogleAnalyticsRow): GoogleAnalyticsStatus {
  return { propertyId: row.propertyId, clientEmail: row.clientEmail, status: row.status, lastError: row.lastError, connectedAt: row.connectedAt, lastRefreshAt: row.reportFetchedAt };
}

/** Google's refusal named for the merchant, on the field to fix; Google unreachable or busy is a 503 to retry. */
function connectError(err: unknown, clientEmail: string, propertyId: string): Error {
  if (!(err instanceof GoogleApiError)) return err as Error;
  if (!err.refused) return new DomainError('unavailable', `${err.message}; nothing was saved, try again in a moment`);
  if (err.stage === 'token') {
    return new DomainError('unprocessable', err.message, [{ field: 'serviceAccountKey', message: `${err.message}: the key is not valid (revoked, or not the account's); create a new JSON key for ${clientEmail}` }]);
  }
  const hint = err.httpStatus === 403 ? `add ${clientEmail} as a Viewer of property ${propertyId} (GA Admin → Property access management)` : `check the property id ${propertyId}`;
  return new DomainError('unprocessable', err.message, [{ field: 'propertyId', message: `${err.message}: ${hint}` }]);
}
