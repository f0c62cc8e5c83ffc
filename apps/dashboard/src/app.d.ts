// See https://svelte.dev/docs/kit/types#app.d.ts for the interfaces SvelteKit lets an app extend.
import type { Api } from './lib/server/api.js';

declare global {
  namespace App {
    interface Locals {
      /** The api's session token from the http-only cookie, or null when signed out. */
      sessionToken: string | null;
      /** The api client acting as the signed-in merchant (or as nobody). */
      api: Api;
    }
    interface Error {
      message: string;
    }
  }
}

export {};
