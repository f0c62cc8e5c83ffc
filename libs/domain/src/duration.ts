import { ValidationError } from './errors.js';

const ISO_DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Parses the subset of ISO-8601 durations a retention window needs (weeks, days, hours, minutes, seconds). */
export function parseIsoDuration(value: string, field = 'window'): number {
  const m = ISO_DURATION.exec(value);
  if (!m || value === 'P' || value.endsWith('T')) {
    throw ValidationError.field(field, `"${value}" is not an ISO-8601 duration such as P30D or PT10S`);
  }
  const [, w, d, h, min, s] = m;
  const seconds =
    Number(w ?? 0) * 604_800 + Number(d ?? 0) * 86_400 + Number(h ?? 0) * 3_600 + Number(min ?? 0) * 60 + Number(s ?? 0);
  return seconds;
}

export function formatWindow(seconds: number): string {
  if (seconds % 86_400 === 0) return `P${seconds / 86_400}D`;
  return `PT${seconds}S`;
}
