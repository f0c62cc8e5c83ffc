import type { INestApplication } from '@nestjs/common';

export interface AppRoute {
  method: string;
  /** Express path as mounted, e.g. `/api/v1/stores/:storeId/rules/:ruleId`. */
  path: string;
  /** Path parameter names in order. */
  params: string[];
}

interface ExpressLayer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
}

/**
 * Every route the running api serves, read from the Express router Nest mounted its controllers on, so a route
 * added later is covered without anyone listing it.
 */
export function appRoutes(app: INestApplication): AppRoute[] {
  const express = app.getHttpAdapter().getInstance() as { router?: { stack: ExpressLayer[] }; _router?: { stack: ExpressLayer[] } };
  const stack = (express.router ?? express._router)?.stack;
  if (!stack?.length) throw new Error('no Express router stack found on the Nest http adapter');
  const routes: AppRoute[] = [];
  for (const layer of stack) {
    if (!layer.route) continue;
    for (const path of Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path]) {
      for (const [method, on] of Object.entries(layer.route.methods)) {
        if (!on || method === '_all') continue;
        routes.push({ method: method.toUpperCase(), path, params: [...path.matchAll(/:(\w+)/g)].map((m) => m[1]!) });
      }
    }
  }
  if (!routes.length) throw new Error('the Express router holds no routes');
  return routes;
}

export function routeName(route: Pick<AppRoute, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

/** Fills a route's path with already-encoded parameter values. */
export function fillPath(route: AppRoute, encoded: Record<string, string>): string {
  return route.path.replace(/:(\w+)/g, (_, name: string) => {
    const value = encoded[name];
    if (value === undefined) throw new Error(`no value for :${name} in ${route.path}`);
    return value;
  });
}
