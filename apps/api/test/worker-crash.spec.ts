import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FakePostmark } from '@boomerang/testing';
import { api, createReadyStore, eventually, order, postAndProject, startStack, type Stack } from './harness.js';

// The real worker binary (built by `npm test` before the integration phase), so it can be killed like production.
const WORKER_MAIN = fileURLToPath(new URL('../../worker/dist/main.js', import.meta.url));

describe('a worker killed in the middle of a send', () => {
  let stack: Stack;
  let postmark: FakePostmark;
  const workers: ChildProcess[] = [];

  const startWorker = () => {
    const child = spawn(process.execPath, [WORKER_MAIN], {
      env: {
        ...process.env,
        DATABASE_URL: stack.db.url,
        TEMPORAL_ADDRESS: stack.env.address,
        POSTMARK_SERVER_TOKEN: postmark.serverToken,
        POSTMARK_REQUEST_HOST: postmark.requestHost,
        POSTMARK_TIMEOUT_SECONDS: '60',
      },
      stdio: 'ignore',
    });
    workers.push(child);
    return child;
  };

  beforeAll(async () => {
    if (!existsSync(WORKER_MAIN)) throw new Error(`${WORKER_MAIN} is missing: run the build first (npm test does)`);
    postmark = new FakePostmark();
    await postmark.start();
    stack = await startStack({ worker: false });
  });

  afterAll(async () => {
    for (const w of workers) w.kill('SIGKILL');
    await stack?.stop();
    await postmark?.stop();
  });

  it('delivers the message exactly once: the next worker finds the hand-off at Postmark instead of sending again', async () => {
    const store = await createReadyStore(stack, 'Crashy', { smartSendingHours: 0 });
    await api(stack, 'POST', `/api/v1/stores/${store.id}/rules`, {
      name: 'Refill', status: 'active', window: 'PT1S', senderName: 'Crashy', senderEmail: 'shop@crashy.example',
      subject: 'Hi {{customer.firstName}}', bodyHtml: '<p>Come back</p>',
    });
    // Postmark takes the message, then never answers: the worker dies while waiting.
    postmark.failNext({ kind: 'accept-then-stall', ms: 120_000 });
    const first = startWorker();
    await postAndProject(stack, store.id, store.webhookSecret, JSON.stringify(order({ id: 'crash-1', customer: { email: 'crash@x.example', firstName: 'Cy' } })));
    await eventually(async () => postmark.messages.length === 1, 30_000);
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));

    startWorker();
    // After the activity's start-to-close timeout the retry runs on the new worker.
    const sent = await eventually(async () => {
      const items = (await api(stack, 'GET', `/api/v1/stores/${store.id}/logs/sent`)).body.items;
      return items.length ? items : undefined;
    }, 90_000);
    expect(sent).toHaveLength(1);
    expect(postmark.messages).toHaveLength(1);
    expect(postmark.messages[0]!.To).toBe('crash@x.example');
    const [row] = await stack.orm.em.fork().execute(`select status, provider_message_id, count(*) over () as n from message`);
    expect(row).toMatchObject({ status: 'sent', provider_message_id: postmark.messages[0]!.MessageID, n: '1' });
  }, 150_000);
});
