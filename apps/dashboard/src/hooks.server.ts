import type { ServerInit } from '@sveltejs/kit';

/** Exit code of an app that refuses its configuration (sysexits' EX_CONFIG): `npm start` does not restart it. */
const CONFIG_EXIT_CODE = 78;

// Parse the configuration when the server starts, not on the first request; a bad value stops it with one message.
export const init: ServerInit = async () => {
  try {
    await import('./lib/server/config.js');
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(CONFIG_EXIT_CODE);
  }
};
