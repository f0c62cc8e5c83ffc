import { api, ADMIN_KEY, startStack, type Stack } from './harness.js';
import { HealthPoller } from './fuzz/health-poller.js';
import { nodePaths, toJson } from './fuzz/arbitraries.js';
import { send } from './fuzz/http.js';
import { caseArbitrary, caseFor, fuzzRoute, seedBodies, type FuzzContext, type RouteReport } from './fuzz/route-fuzzer.js';
import { appRoutes, routeName, type AppRoute } from './fuzz/routes.js';
import { createTenant, signInOwner, VALID_RULE, type Tenant } from './fuzz/tenant.js';
import { WriteLog } from './fuzz/write-log.js';

/**
 * Property-based fuzzing of every route the running api serves (read from the app, so a new route is fuzzed
 * without being listed): path params, query, headers and bodies, with valid bodies mutated one field at a time.
 * Each case must get no 5xx, a 4xx must carry `{ error, message }` (a 400 validation_failed names the field),
 * a rejected request must write nothing, and the health route must keep answering while it runs.
 *
 * FUZZ_RUNS (default 500, which keeps `npm test` under 30 minutes with ~70 routes; `npm run fuzz` 10000) cases per route; FUZZ_SEED reproduces a run; FUZZ_ROUTES (a
 * regular expression over `METHOD /path`) limits the routes.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 500);
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const ONLY = process.env.FUZZ_ROUTES ? new RegExp(process.env.FUZZ_ROUTES) : null;
const POSTMARK_SECRET = 'fuzz-postmark-webhook-secret';

function routeSeed(route: AppRoute): number {
  let h = SEED;
  for (const ch of routeName(route)) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return h;
}

/**
 * Reads first, so lists are fuzzed before the writing routes have filled them (10,000 accepted creations would make
 * every later list request long); the store's own settings last, so a setting the fuzzer manages to store cannot
 * disturb the other routes.
 */
function order(routes: AppRoute[]): AppRoute[] {
  const rank = (r: AppRoute) => (r.method === 'PATCH' && r.path === '/api/v1/stores/:storeId' ? 2 : r.method === 'GET' ? 0 : 1);
  return [...routes].sort((a, b) => rank(a) - rank(b));
}

describe('fuzz: every route, every input', () => {
  let stack: Stack;
  let log: WriteLog;
  let tenant: Tenant;
  let other: Tenant;

  beforeAll(async () => {
    stack = await startStack({
      env: { POSTMARK_WEBHOOK_SECRET: POSTMARK_SECRET, UNSUBSCRIBE_SECRET: 'fuzz-unsubscribe-secret' },
      apiDatabaseUrl: async (url) => {
        const installed = await WriteLog.install(url);
        log = installed.log;
        return installed.apiDatabaseUrl;
      },
    });
    [tenant, other] = [await createTenant(stack, 'Fuzz'), await createTenant(stack, 'Other')];
  }, 180_000);

  afterAll(async () => {
    await log?.close();
    await stack?.stop();
  });

  it(`answers ${RUNS} cases per route without a 5xx, with a named 4xx, writing nothing when rejecting, health answering throughout`, async () => {
    const routes = order(appRoutes(stack.app)).filter((r) => !ONLY || ONLY.test(routeName(r)));
    const base: Omit<FuzzContext, 'ruleId' | 'session'> = { baseUrl: stack.baseUrl, adminKey: ADMIN_KEY, postmarkSecret: POSTMARK_SECRET, tenant, other };
    // Every route needs a generator for each of its params before anything runs.
    const missing: string[] = [];
    for (const route of routes) {
      try {
        caseArbitrary(route, { ...base, ruleId: tenant.ruleId, session: tenant.session });
      } catch (err) {
        missing.push((err as Error).message);
      }
    }
    expect(missing).toEqual([]);
    console.log(`fuzzing ${routes.length} routes, ${RUNS} cases each, FUZZ_SEED=${SEED}:\n${routes.map((r) => `  ${routeName(r)}`).join('\n')}`);

    const poller = new HealthPoller(`${stack.baseUrl}/api/v1/health`, 50);
    poller.start();
    const reports: RouteReport[] = [];
    const dead: string[] = [];
    const started = Date.now();
    try {
      for (const route of routes) {
        const rule = await api(stack, 'POST', `/api/v1/stores/${tenant.id}/rules`, { ...VALID_RULE, name: `for ${routeName(route)}`.slice(0, 200) });
        if (rule.status !== 201) throw new Error(`could not create the route's rule: ${JSON.stringify(rule.body)}`);
        const report = await fuzzRoute(route, { ...base, ruleId: rule.body.id, session: await signInOwner(stack, tenant) }, log, { runs: RUNS, seed: routeSeed(route) });
        reports.push(report);
        // Progress as it happens (Jest holds console output until the test ends; a long run takes many minutes).
        process.stderr.write(`fuzz: ${report.route}: ${report.cases} cases, ${report.fiveXX} 5xx, ${report.failureCount} failed, ${report.ms} ms\n`);
        // The process is alive and serving after every route.
        const health = await fetch(`${stack.baseUrl}/api/v1/health`).catch((err: Error) => err);
        if (health instanceof Error || health.status !== 200) dead.push(`after ${routeName(route)}: ${health instanceof Error ? health.message : health.status}`);
      }
    } finally {
      await poller.stop();
    }
    const health = poller.summary();
    const lines = reports.map(
      (r) =>
        `  ${r.route.padEnd(62)} ${String(r.cases).padStart(6)} cases ${String(r.fiveXX).padStart(5)} 5xx ${String(r.failureCount).padStart(5)} failed ${String(r.ms).padStart(7)} ms  ${Object.entries(r.statuses)
          .map(([s, n]) => `${s}:${n}`)
          .join(' ')}`,
    );
    const failures = reports.flatMap((r) => r.failures);
    console.log(
      [
        `fuzz report (FUZZ_SEED=${SEED}, ${RUNS} runs per route, ${Math.round((Date.now() - started) / 1000)} s):`,
        ...lines,
        `  total: ${reports.reduce((n, r) => n + r.cases, 0)} cases, ${reports.reduce((n, r) => n + r.fiveXX, 0)} 5xx, ${reports.reduce((n, r) => n + r.failureCount, 0)} failed checks`,
        `  health while fuzzing: ${health.samples} samples, p50 ${health.p50} ms, p99 ${health.p99} ms, max ${health.max} ms, ${poller.errors.length} errors`,
        ...reports.flatMap((r) => r.notes.map((n) => `  note [${r.route}] ${n}`)),
        ...(failures.length ? ['failures (up to 3 of each kind per route):', ...failures.map((f) => `  [${f.route}] ${f.kind}: ${f.detail}\n      ${f.request}`)] : []),
      ].join('\n'),
    );
    expect(dead).toEqual([]);
    expect(poller.errors).toEqual([]);
    expect(reports.every((r) => r.cases >= RUNS)).toBe(true);
    expect(failures.map((f) => `[${f.route}] ${f.kind}: ${f.detail} — ${f.request}`)).toEqual([]);
    // Generous: a blocked event loop shows up as seconds, not as the tens of milliseconds of a busy test machine.
    expect(health.p99).toBeLessThan(1000);
  }, 60 * 60_000);

  // Found by the 10,000-case run: zod 4.1.12 threw a TypeError (500) on an object with an own `constructor: null`
  // inside a record (socialLinks, Postmark Metadata). Every object of every valid body, every such key, every time.
  it('answers a 4xx or a 2xx, never a 5xx, when any object of a valid body has an own key named like a prototype member', async () => {
    const routes = appRoutes(stack.app);
    const target = new URL(stack.baseUrl);
    const keys = ['constructor', '__proto__', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];
    const values: unknown[] = [null, 1, 'x', {}, []];
    const fiveXX: string[] = [];
    let sent = 0;
    for (const route of routes) {
      const ctx: FuzzContext = { baseUrl: stack.baseUrl, adminKey: ADMIN_KEY, postmarkSecret: POSTMARK_SECRET, tenant, other, ruleId: tenant.ruleId, session: await signInOwner(stack, tenant) };
      for (const seed of seedBodies(route, ctx)) {
        const objects = [[], ...nodePaths(seed)].filter((p) => {
          const node = p.reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], seed);
          return node !== null && typeof node === 'object' && !Array.isArray(node);
        });
        for (const at of objects) {
          for (const key of keys) {
            for (const value of values) {
              const body = structuredClone(seed) as Record<string, unknown>;
              const node = at.reduce<Record<string, unknown>>((v, k) => v[k] as Record<string, unknown>, body);
              Object.defineProperty(node, key, { value, enumerable: true, writable: true, configurable: true });
              const c = caseFor(route, ctx, Buffer.from(toJson(body)));
              const res = await send(target, c);
              sent++;
              if (res.status >= 500) fiveXX.push(`${routeName(route)} ${[...at, key].join('.')}=${JSON.stringify(value)} → ${res.status}`);
            }
          }
        }
      }
    }
    console.log(`prototype-named keys: ${sent} requests, ${fiveXX.length} 5xx`);
    expect(fiveXX).toEqual([]);
  }, 10 * 60_000);
});
