import type { SecretSealer } from './webhook-endpoints.service.js';

/** Reversible and context-bound, enough to prove the services seal and the activity opens with the endpoint's context. */
export const reversibleSealer: SecretSealer = {
  seal: (plain, context) => `sealed:${context}:${Buffer.from(plain).toString('base64')}`,
  open: (sealed, context) => {
    const prefix = `sealed:${context}:`;
    if (!sealed.startsWith(prefix)) throw new Error('wrong context');
    return Buffer.from(sealed.slice(prefix.length), 'base64').toString();
  },
};
