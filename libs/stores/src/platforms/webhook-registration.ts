import type { RegisteredWebhook } from './platform.port.js';

/**
 * Creates one subscription per topic, in order; when one fails, the ones already created are removed (best effort)
 * before the error goes on, so a failed connect leaves no half of our webhooks behind.
 */
export async function registerEach(
  topics: readonly string[],
  create: (topic: string) => Promise<string>,
  remove: (ids: readonly string[]) => Promise<void>,
): Promise<RegisteredWebhook[]> {
  const created: RegisteredWebhook[] = [];
  try {
    for (const topic of topics) created.push({ id: await create(topic), topic });
  } catch (err) {
    await remove(created.map((w) => w.id)).catch(() => undefined);
    throw err;
  }
  return created;
}
