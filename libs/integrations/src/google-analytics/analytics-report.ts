import type { RunReportRequest, RunReportResponse } from './ga4-data-client.js';

/** The GA widgets read the last 90 days, as the seed says. */
export const ANALYTICS_DAYS = 90;
export const ANALYTICS_TOP = 10;
const LAST_90_DAYS = [{ startDate: `${ANALYTICS_DAYS}daysAgo`, endDate: 'today' }];

/** What the store dashboard's Google Analytics widgets show, stored as read (JSON) in the connection's row. */
export interface AnalyticsReport {
  /** Sessions. */
  visits: number;
  /** Total users. */
  visitors: number;
  /** Key search metrics: sessions from organic search, and site searches (`view_search_results` events). */
  organicSearchSessions: number;
  siteSearches: number;
  topReferrers: { source: string; sessions: number }[];
  topSearchTerms: { term: string; searches: number }[];
}

const exact = (fieldName: string, value: string) => ({ filter: { fieldName, stringFilter: { matchType: 'EXACT', value } } });

/** The five runReport requests behind the widgets (each a documented GA4 Data API request). */
export const ANALYTICS_REQUESTS = {
  audience: { dateRanges: LAST_90_DAYS, metrics: [{ name: 'sessions' }, { name: 'totalUsers' }] },
  organicSearch: { dateRanges: LAST_90_DAYS, metrics: [{ name: 'sessions' }], dimensionFilter: exact('sessionDefaultChannelGroup', 'Organic Search') },
  siteSearches: { dateRanges: LAST_90_DAYS, metrics: [{ name: 'eventCount' }], dimensionFilter: exact('eventName', 'view_search_results') },
  topReferrers: {
    dateRanges: LAST_90_DAYS,
    dimensions: [{ name: 'sessionSource' }],
    metrics: [{ name: 'sessions' }],
    dimensionFilter: exact('sessionMedium', 'referral'),
    orderBys: [{ metric: { metricName: 'sessions' }, desc: true }],
    limit: ANALYTICS_TOP,
  },
  topSearchTerms: {
    dateRanges: LAST_90_DAYS,
    dimensions: [{ name: 'searchTerm' }],
    metrics: [{ name: 'eventCount' }],
    dimensionFilter: {
      andGroup: { expressions: [exact('eventName', 'view_search_results'), { notExpression: exact('searchTerm', '(not set)') }] },
    },
    orderBys: [{ metric: { metricName: 'eventCount' }, desc: true }],
    limit: ANALYTICS_TOP,
  },
} satisfies Record<string, RunReportRequest>;

/** The smallest report that proves the key and the property access when connecting. */
export const PROBE_REQUEST: RunReportRequest = { dateRanges: [{ startDate: '7daysAgo', endDate: 'today' }], metrics: [{ name: 'sessions' }], limit: 1 };

const metric = (value: string | undefined) => {
  const n = Number(value ?? 0);
  return Number.isFinite(n) ? Math.round(n) : 0;
};

/** The first row's metrics of a report without dimensions (no row: Google had nothing, all zero). */
export function totals(res: RunReportResponse): number[] {
  return (res.rows?.[0]?.metricValues ?? []).map((m) => metric(m.value));
}

/** `[dimension value, first metric]` of each row, in Google's order. */
export function ranked(res: RunReportResponse): [string, number][] {
  return (res.rows ?? []).slice(0, ANALYTICS_TOP).map((r) => [String(r.dimensionValues?.[0]?.value ?? '').slice(0, 200), metric(r.metricValues?.[0]?.value)]);
}

export function buildReport(res: Record<keyof typeof ANALYTICS_REQUESTS, RunReportResponse>): AnalyticsReport {
  const [visits = 0, visitors = 0] = totals(res.audience);
  return {
    visits,
    visitors,
    organicSearchSessions: totals(res.organicSearch)[0] ?? 0,
    siteSearches: totals(res.siteSearches)[0] ?? 0,
    topReferrers: ranked(res.topReferrers).map(([source, sessions]) => ({ source, sessions })),
    topSearchTerms: ranked(res.topSearchTerms).map(([term, searches]) => ({ term, searches })),
  };
}
