import { httpUrl, text } from '@boomerang/validation';
import { z } from 'zod';

/** Carriers the dashboard offers; any other name is accepted as typed (bounded), as Shopify and BigCommerce accept it. */
export const KNOWN_CARRIERS = [
  'UPS', 'USPS', 'FedEx', 'DHL Express', 'DHL eCommerce', 'Canada Post', 'Royal Mail', 'Australia Post', 'La Poste',
  'Deutsche Post', 'PostNL', 'GLS', 'DPD', 'Evri', 'Purolator', 'OnTrac', 'Amazon Logistics',
] as const;

export const MAX_CARRIER_LENGTH = 60;
export const MAX_TRACKING_NUMBER_LENGTH = 40;

/** Letters, digits and the separators carriers print (`1Z 999 AA1 01 2345 6784`, `LX-1234/5`). */
const TRACKING_NUMBER = /^[A-Za-z0-9][A-Za-z0-9 ._/-]*$/;

export const addTrackingSchema = z
  .object({
    carrier: text(MAX_CARRIER_LENGTH)
      .refine((v) => !/[\p{Cc}<>]/u.test(v), 'must be a carrier name (no control characters or angle brackets)')
      .meta({ description: `The carrier: one of ${KNOWN_CARRIERS.join(', ')}, or another name of at most ${MAX_CARRIER_LENGTH} characters` }),
    number: text(MAX_TRACKING_NUMBER_LENGTH + 20)
      .refine((v) => TRACKING_NUMBER.test(v), 'must be letters and digits (spaces, dots, dashes and slashes between them)')
      // Spaces are how labels print it, not part of it: `1Z 999` and `1Z999` are one number.
      .transform((v) => v.replace(/\s+/g, ''))
      .refine((v) => v.length <= MAX_TRACKING_NUMBER_LENGTH, `must be at most ${MAX_TRACKING_NUMBER_LENGTH} characters without spaces`)
      .meta({ description: `The tracking number (spaces are removed; at most ${MAX_TRACKING_NUMBER_LENGTH} characters)` }),
    url: httpUrl(500).nullable().optional().meta({ description: 'Where the customer follows the parcel (http or https)' }),
  })
  .strict();

export type AddTrackingInput = z.output<typeof addTrackingSchema>;
