import { text } from '@boomerang/validation';
import { z } from 'zod';

/** The envelope of a new installation; `config` is checked by the kind's adapter (its fields named `config.…`). */
export function createAppSchema(kinds: readonly string[]) {
  return z
    .object({
      kind: z.string({ error: `must be one of ${kinds.join(', ')}` }).refine((k) => kinds.includes(k), { message: `must be one of ${kinds.join(', ')}` }),
      description: text(200).optional(),
      config: z.record(z.string(), z.unknown(), { error: 'must be an object of the app’s settings' }),
    })
    .strict();
}

export const updateAppSchema = z
  .object({
    description: text(200).nullable().optional(),
    /** Only the fields that change; secrets left out are kept. */
    config: z.record(z.string(), z.unknown(), { error: 'must be an object of the app’s settings' }).optional(),
    status: z.enum(['active', 'disabled']).optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: 'change at least one of description, config, status' });
