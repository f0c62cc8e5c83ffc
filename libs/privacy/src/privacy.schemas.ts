import { z } from 'zod';

/** The emailed token or the page session, as the public endpoints take it (shape checked before any lookup). */
export const openLinkSchema = z.object({ token: z.string().max(200) }).strict();

export const subscriptionSchema = z.object({ subscribed: z.boolean() }).strict();
