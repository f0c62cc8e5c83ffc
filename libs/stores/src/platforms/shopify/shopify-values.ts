/** Readers of Shopify's JSON values (parsed by parseShopifyJson): ids as strings, money as minor units, times as instants. */
import { isCurrency, toDecimalString, toMinorUnits, ValidationError } from '@boomerang/domain';

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function objectAt(value: unknown, field: string): JsonObject {
  if (!isObject(value)) throw ValidationError.field(field, 'must be an object');
  return value;
}

export function optionalObject(value: unknown): JsonObject | null {
  return isObject(value) ? value : null;
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A trimmed non-empty string, else null (Shopify sends "" and null alike for "none"). */
export function text(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/**
 * An id as its exact digits: parseShopifyJson already made id numbers strings; a small number is accepted too. A
 * number beyond 2^53 has lost digits (a body parsed with plain JSON.parse): refused, never stored rounded.
 */
export function optionalId(value: unknown, field: string): string | null {
  if (typeof value === 'string' && /^\d+$/.test(value)) return value;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) {
    if (!Number.isSafeInteger(value)) throw ValidationError.field(field, 'lost digits beyond 2^53 (parse Shopify bodies with parseShopifyJson)');
    return String(value);
  }
  return null;
}

export function requiredId(value: unknown, field: string): string {
  const id = optionalId(value, field);
  if (id === null) throw ValidationError.field(field, 'must be a numeric id');
  return id;
}

export function currencyAt(value: unknown, field: string): string {
  const code = typeof value === 'string' ? value.toUpperCase() : '';
  if (!isCurrency(code)) throw ValidationError.field(field, 'must be an ISO 4217 currency code');
  return code;
}

/** Shopify money is a decimal string ("398.00"); exact conversion to minor units. Missing counts as zero. */
export function minorUnits(value: unknown, currency: string, field: string): number {
  if (value === null || value === undefined || value === '') return 0;
  const decimal = typeof value === 'string' || typeof value === 'number' ? toDecimalString(value) : null;
  if (decimal === null) throw ValidationError.field(field, 'must be a non-negative decimal amount');
  return toMinorUnits(decimal, currency);
}

const ZONED = /(Z|[+-]\d{2}:?\d{2})$/i;
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/;

/**
 * An ISO 8601 instant. Shopify writes local times with their offset ("2008-01-10T11:00:00-05:00"); a time without a
 * zone (imports, hand-made payloads) is read as UTC, since the payload gives no better reference.
 */
export function optionalInstant(value: unknown, field: string): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value !== 'string') throw ValidationError.field(field, 'must be an ISO 8601 date');
  const trimmed = value.trim();
  const zoned = ZONED.test(trimmed) ? trimmed : LOCAL_DATE_TIME.test(trimmed) ? `${trimmed.length === 10 ? `${trimmed}T00:00:00` : trimmed}Z` : null;
  const time = zoned === null ? Number.NaN : Date.parse(zoned);
  if (Number.isNaN(time)) throw ValidationError.field(field, 'must be an ISO 8601 date');
  return new Date(time).toISOString();
}

export function requiredInstant(value: unknown, field: string): string {
  const instant = optionalInstant(value, field);
  if (instant === null) throw ValidationError.field(field, 'is required');
  return instant;
}

/** Shopify tags are one comma-separated string ("VIP, wholesale"). */
export function tagList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(text).filter((t): t is string => t !== null);
  const joined = text(value);
  return joined === null ? [] : joined.split(',').map((t) => t.trim()).filter((t) => t !== '');
}
