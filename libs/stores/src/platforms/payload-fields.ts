/**
 * Small readers for platform payloads (WooCommerce, BigCommerce): every field is checked where it is read, so a
 * payload the platform changed fails with the field's name instead of a `TypeError` deep in a mapper.
 */
import { DomainError, normalizeEmail, toDecimalString, toMinorUnits, ValidationError, type NormalizedAddress, type NormalizedCustomer } from '@boomerang/domain';

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function objectAt(value: unknown, field: string): Json {
  if (!isObject(value)) throw ValidationError.field(field, 'must be an object');
  return value;
}

/** A platform id (JSON integer or digit string) as a string; an integer past 2^53 was already rounded by the parse, so it is refused. */
export function idString(value: unknown, field: string): string {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (typeof value === 'string' && /^\d{1,30}$/.test(value)) return value;
  throw ValidationError.field(field, 'must be a non-negative integer id');
}

/** An id where 0 (or absence) means "none" (Woo's customer_id 0 for a guest, product_id 0 for a deleted product). */
export function optionalId(value: unknown, field: string): string | null {
  if (value === null || value === undefined || value === 0 || value === '0' || value === '') return null;
  return idString(value, field);
}

/** Trimmed text; empty or missing is null (platforms send "" for every blank field). */
export function text(value: unknown): string | null {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed === '' ? null : trimmed;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

export function requiredText(value: unknown, field: string): string {
  const t = text(value);
  if (t === null) throw ValidationError.field(field, 'is required');
  return t;
}

/** An amount (JSON number or decimal string, as both platforms send) in minor units of `currency`; missing is 0. */
export function minor(value: unknown, currency: string, field: string): number {
  if (value === null || value === undefined || value === '') return 0;
  if (typeof value !== 'number' && typeof value !== 'string') throw ValidationError.field(field, 'must be a decimal amount');
  const decimal = toDecimalString(value);
  if (decimal === null) throw ValidationError.field(field, 'must be a non-negative decimal amount');
  return toMinorUnits(decimal, currency);
}

export function quantity(value: unknown, field: string): number {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw ValidationError.field(field, 'must be a non-negative integer');
  return n;
}

export function arrayAt(value: unknown, field: string): unknown[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) throw ValidationError.field(field, 'must be an array');
  return value;
}

const ISO_LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * An ISO 8601 date-time as an instant. WooCommerce's `*_gmt` fields carry no zone designator ("2017-03-22T19:28:02")
 * and are UTC by definition, so a missing zone reads as UTC here; callers must never pass a site-local field.
 */
export function utcInstant(value: unknown, field: string): string {
  if (typeof value !== 'string') throw ValidationError.field(field, 'must be an ISO 8601 date-time');
  const m = ISO_LOCAL.exec(value.trim());
  if (!m) throw ValidationError.field(field, 'must be an ISO 8601 date-time');
  const zone = m[8] ?? 'Z';
  const normalizedZone = zone === 'Z' ? 'Z' : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const ms = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${(m[7] ?? '').slice(0, 4)}${normalizedZone}`);
  if (Number.isNaN(ms)) throw ValidationError.field(field, 'must be a valid date-time');
  return new Date(ms).toISOString();
}

/** True when an ISO 8601 date-time names its zone (Z or an offset). */
export function hasZone(value: string): boolean {
  const m = ISO_LOCAL.exec(value.trim());
  return m !== null && m[8] !== undefined;
}

const RFC2822 = /^(?:[A-Z][a-z]{2}, )?\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}(?::\d{2})? (?:[+-]\d{4}|GMT|UTC)$/;

/** An RFC 2822 date ("Tue, 05 Mar 2019 21:40:11 +0000", BigCommerce v2) as an ISO instant; the offset is always given. */
export function rfc2822Instant(value: unknown, field: string): string {
  if (typeof value !== 'string' || !RFC2822.test(value.trim())) throw ValidationError.field(field, 'must be an RFC 2822 date');
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw ValidationError.field(field, 'must be a valid date');
  return new Date(ms).toISOString();
}

/** First and last name as one, or null when both are blank. */
export function fullName(first: unknown, last: unknown): string | null {
  const name = [text(first), text(last)].filter((p): p is string => p !== null).join(' ');
  return name === '' ? null : name;
}

/** A stored webhook body as JSON, whether the caller kept it raw (Buffer or string) or already parsed. */
export function storedJson(body: unknown, platform: string): unknown {
  if (!Buffer.isBuffer(body) && typeof body !== 'string') return body;
  try {
    return JSON.parse(body.toString());
  } catch {
    throw new DomainError('malformed_json', `the ${platform} webhook body is not JSON`);
  }
}

/** Where a platform keeps the address fields whose names differ (names, company, city and phone are shared). */
export interface AddressKeys {
  line1: string;
  line2: string;
  region: string;
  postalCode: string;
  /** An ISO 3166-1 alpha-2 field. */
  country: string;
}

/** An address, or null when every field is blank (platforms send an all-"" object for "none"). */
export function addressFrom(value: unknown, keys: AddressKeys): NormalizedAddress | null {
  if (!isObject(value)) return null;
  const address: NormalizedAddress = {
    name: fullName(value['first_name'], value['last_name']),
    company: text(value['company']),
    line1: text(value[keys.line1]),
    line2: text(value[keys.line2]),
    city: text(value['city']),
    region: text(value[keys.region]),
    postalCode: text(value[keys.postalCode]),
    country: text(value[keys.country])?.toUpperCase() ?? null,
    phone: text(value['phone']),
  };
  return Object.values(address).every((v) => v === null) ? null : address;
}

/**
 * The customer of an order, from its billing block (both platforms put the email there, guests included).
 * `externalId` null is a guest. Neither platform's order carries the merchant's private note on the customer.
 */
export function customerFromBilling(billing: Json, externalId: string | null, optedIn: boolean | null): NormalizedCustomer {
  return {
    email: emailOf(billing['email']),
    externalId,
    firstName: text(billing['first_name']),
    lastName: text(billing['last_name']),
    phone: text(billing['phone']),
    company: text(billing['company']),
    group: null,
    registered: externalId !== null,
    optedIn,
    note: null,
  };
}

/** An email as the customer's identity (trimmed, lowercased); null when blank. */
export function emailOf(value: unknown): string | null {
  const email = text(value);
  return email === null ? null : normalizeEmail(email);
}
