import type { NextFunction, Request, Response } from 'express';

/**
 * `Server-Timing: app;dur=<ms>` on every answer: the time from the request reaching the api to its headers being
 * written (guard, validation, handler, queries). The benchmark reads it to tell server time from the round trip.
 */
export function serverTiming() {
  return (_req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    const writeHead = res.writeHead;
    res.writeHead = function (this: Response, ...args: Parameters<Response['writeHead']>) {
      if (!this.headersSent) this.setHeader('server-timing', `app;dur=${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(2)}`);
      return writeHead.apply(this, args);
    } as Response['writeHead'];
    next();
  };
}
