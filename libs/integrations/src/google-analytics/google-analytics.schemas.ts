import { createPrivateKey } from 'node:crypto';
import { z } from 'zod';

/** A GA4 property id: digits, as Admin → Property settings shows it (a `properties/` prefix is accepted). */
const propertyId = z
  .string({ error: 'must be the GA4 property id (digits, e.g. 123456789)' })
  .trim()
  .transform((v) => v.replace(/^properties\//, ''))
  .pipe(z.string().regex(/^\d{1,20}$/, 'must be the GA4 property id (digits, e.g. 123456789), not a G- measurement id'));

const privateKey = z
  .string({ error: 'must be the PEM private key of the key file' })
  .max(10_000, 'is too long for a service account key')
  .refine((pem) => /-----BEGIN PRIVATE KEY-----/.test(pem), 'must be a PEM private key (-----BEGIN PRIVATE KEY-----)')
  .refine((pem) => {
    try {
      const key = createPrivateKey(pem);
      return key.asymmetricKeyType === 'rsa';
    } catch {
      return false;
    }
  }, 'is not a readable RSA private key');

/**
 * The service account's JSON key file as Google issues it. Only what signing needs is kept; `token_uri` is ignored
 * (the token URL is our configuration, so an uploaded file cannot point our server elsewhere).
 */
export const serviceAccountKeySchema = z
  .object(
    {
      type: z.literal('service_account', { error: 'must be "service_account" (a service account key file, not an OAuth client)' }),
      project_id: z.string().min(1).max(100).optional(),
      private_key_id: z.string({ error: 'is required' }).regex(/^[0-9a-f]{8,64}$/i, 'must be the key id (hex)'),
      private_key: privateKey,
      client_email: z
        .string({ error: 'is required' })
        .max(254)
        .regex(/^[^@\s]+@[^@\s]+\.gserviceaccount\.com$/, 'must be the service account address (…@….iam.gserviceaccount.com)'),
    },
    { error: 'must be the JSON key file of a service account' },
  )
  // Google's files carry more fields (client_id, auth_uri, token_uri, …): accepted, not kept.
  .loose();
export type ServiceAccountKey = Pick<z.output<typeof serviceAccountKeySchema>, 'private_key_id' | 'private_key' | 'client_email'>;

export const connectGoogleAnalyticsSchema = z
  .object({
    propertyId,
    serviceAccountKey: serviceAccountKeySchema,
  })
  .strict();
export type ConnectGoogleAnalyticsInput = z.output<typeof connectGoogleAnalyticsSchema>;
