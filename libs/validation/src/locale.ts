import { z } from 'zod';

let zones: Set<string> | undefined;

/** IANA time zone names the runtime knows, plus UTC (which Intl lists under no canonical name). */
export function isTimeZone(value: string): boolean {
  zones ??= new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);
  return zones.has(value);
}

export const timeZone = () =>
  z.string({ error: 'must be an IANA time zone' }).max(64, 'must be an IANA time zone').refine(isTimeZone, 'must be an IANA time zone such as Europe/Paris');
