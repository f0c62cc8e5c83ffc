import { isCurrency, MAX_MONEY_MAJOR, toDecimalString } from '@boomerang/domain';
import { z } from 'zod';

/** ISO 4217 code (case-insensitive in, upper case out); BTC, ZZZ and withdrawn codes are refused. */
export const currency = () =>
  z
    .string({ error: 'must be an ISO 4217 currency code' })
    .max(3, 'must be an ISO 4217 currency code')
    .transform((c) => c.toUpperCase())
    .refine(isCurrency, 'must be an ISO 4217 currency code');

/**
 * A non-negative amount in major units, as a JSON number or a decimal string; yields the exact decimal string
 * (`toMinorUnits` then converts it for the order's currency).
 */
export const money = () =>
  z.union([z.number(), z.string()], { error: 'must be a number' }).transform((value, ctx) => {
    const decimal = toDecimalString(value);
    if (decimal === null) {
      ctx.addIssue({ code: 'custom', message: `must be a non-negative decimal amount below ${MAX_MONEY_MAJOR}` });
      return z.NEVER;
    }
    return decimal;
  });
