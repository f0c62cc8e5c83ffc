/**
 * Money as integer minor units of an ISO 4217 currency (cents for USD, yen for JPY, fils for BHD). Amounts arrive
 * as decimals (JSON numbers or strings) and are converted on their decimal digits, never through float arithmetic,
 * so `1.005` USD is 101 cents, not the 100 that `Math.round(1.005 * 100)` gives.
 *
 * Decided: digits beyond the currency's minor unit are rounded half-up (carts send computed taxes such as
 * `3.3333`); rejecting them would refuse real orders for a sub-cent difference.
 */

/** The largest amount, in major units, we accept: its minor units stay exact in a JS number for every currency. */
export const MAX_MONEY_MAJOR = 1_000_000_000_000;

let currencies: Set<string> | undefined;

/** Active ISO 4217 codes, from the runtime's ICU data (no BTC, no ZZZ, no withdrawn codes). */
export function isCurrency(code: string): boolean {
  currencies ??= new Set(Intl.supportedValuesOf('currency'));
  return currencies.has(code);
}

const digitsByCurrency = new Map<string, number>();

/**
 * The currency's minor-unit exponent: 2 for USD, 0 for JPY, 3 for BHD. Remembered per code: building the
 * Intl.NumberFormat costs ~0.08 ms, a dozen times per order when a sync maps thousands of orders a second.
 */
export function currencyDigits(code: string): number {
  let digits = digitsByCurrency.get(code);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits ?? 2;
    digitsByCurrency.set(code, digits);
  }
  return digits;
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * A non-negative decimal in plain notation (`"18.5"`), from a JSON number or string; null when the value is not
 * one, is negative, or is at least MAX_MONEY_MAJOR. A number is read as its shortest round-trip form, which is
 * the literal the sender wrote (`1.005`, not `1.00499999…`).
 */
export function toDecimalString(value: number | string): string | null {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0 || value >= MAX_MONEY_MAJOR) return null;
    value = plain(value);
  }
  if (value.length > 40) return null;
  const m = DECIMAL.exec(value.trim());
  if (!m) return null;
  const int = m[1]!.replace(/^0+(?=\d)/, '');
  if (int.length > String(MAX_MONEY_MAJOR).length - 1) return null;
  return m[2] ? `${int}.${m[2]}` : int;
}

/** Exact conversion of a decimal string (see toDecimalString) to minor units, rounding half-up past the currency's digits. */
export function toMinorUnits(decimal: string, currency: string): number {
  const m = DECIMAL.exec(decimal);
  if (!m) throw new RangeError(`not a decimal amount: ${decimal}`);
  const digits = currencyDigits(currency);
  const frac = m[2] ?? '';
  const kept = BigInt(m[1]! + frac.slice(0, digits).padEnd(digits, '0'));
  const roundUp = frac.length > digits && frac[digits]! >= '5';
  return Number(kept + (roundUp ? 1n : 0n));
}

/** Minor units back to a major-unit number for display (`4500` USD → 45). */
export function fromMinorUnits(minor: number, currency: string): number {
  return minor / 10 ** currencyDigits(currency);
}

/** A number without exponent notation: 1e-7 → "0.0000001". */
function plain(n: number): string {
  const s = String(n);
  if (!/e/i.test(s)) return s;
  const [mantissa, exp] = s.toLowerCase().split('e') as [string, string];
  const e = Number(exp);
  const [int, frac = ''] = mantissa.split('.') as [string, string?];
  const digits = int + frac;
  const point = int.length + e;
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return digits + '0'.repeat(point - digits.length);
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}
