import { performance } from 'node:perf_hooks';
import { api, createReadyStore, order, postAndProject, startStack, type Stack } from './harness.js';

// Issue 10, defects 1 and 3, through the api.
const NESTED_IFS = '{{#if customer.firstName}}'.repeat(5_000) + 'x' + '{{/if}}'.repeat(5_000);
const NESTED_IFS_WITHIN_SIZE = '{{#if customer.firstName}}'.repeat(3_000) + 'x' + '{{/if}}'.repeat(3_000);
const NESTED_DIVS = '<div>'.repeat(5_000) + 'x' + '</div>'.repeat(5_000);
const TRIPLE_EACH = '{{#each products}}{{#each ../products}}{{#each ../../products}}x{{/each}}{{/each}}{{/each}}';

describe('templates are bounded work', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const rule = (overrides: Record<string, unknown> = {}) => ({
    name: 'Refill',
    windowDays: 30,
    senderName: 'Bean There',
    senderEmail: 'hello@beanthere.example',
    subject: 'Hi {{customer.firstName}}',
    bodyHtml: '<p>Come back</p>',
    ...overrides,
  });

  it('answers defect 1\'s template with 400 naming bodyHtml, refused by the pre-scan, while /health keeps answering', async () => {
    const store = await createReadyStore(stack, 'Nested ifs');
    const latencies: number[] = [];
    let validating = true;
    const health = (async () => {
      while (validating) {
        const started = performance.now();
        const res = await fetch(`${stack.baseUrl}/api/v1/health`);
        await res.text();
        latencies.push(res.status === 200 ? performance.now() - started : Number.POSITIVE_INFINITY);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const posts: Awaited<ReturnType<typeof api>>[] = [];
    for (let round = 0; round < 5; round++) {
      posts.push(
        ...(await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            api(stack, 'POST', `/api/v1/stores/${store.id}/rules`, rule({ bodyHtml: i % 2 ? NESTED_IFS : NESTED_IFS_WITHIN_SIZE })),
          ),
        )),
      );
    }
    validating = false;
    await health;

    posts.forEach((res, i) => {
      expect(res.status).toBe(400);
      // The messages are the pre-scan's: neither Handlebars nor juice ever parsed these templates.
      expect(res.body).toEqual({
        error: 'validation_failed',
        message: expect.stringMatching(/^bodyHtml: /),
        issues: [
          {
            field: 'bodyHtml',
            message: i % 2 ? 'is 165,001 characters long; the limit is 100,000' : 'nests blocks more than 10 deep (line 1); simplify the {{#if}}/{{#each}} structure',
          },
        ],
      });
    });
    const sorted = [...latencies].sort((a, b) => a - b);
    console.log(
      `/api/v1/health while 50 defect-1 templates were refused: ${latencies.length} answers, ` +
        `median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`,
    );
    expect(latencies.length).toBeGreaterThan(0);
    expect(latencies.every(Number.isFinite)).toBe(true);
    expect((await api(stack, 'GET', `/api/v1/stores/${store.id}/rules`)).body.rules).toEqual([]);
  });

  it('answers defect 3\'s templates with 400 naming bodyHtml on save', async () => {
    const store = await createReadyStore(stack, 'Never renders');
    const divs = await api(stack, 'POST', `/api/v1/stores/${store.id}/rules`, rule({ bodyHtml: NESTED_DIVS }));
    expect(divs.status).toBe(400);
    expect(divs.body.issues).toEqual([{ field: 'bodyHtml', message: 'nests HTML elements more than 50 deep (line 1)' }]);
    const loops = await api(stack, 'POST', `/api/v1/stores/${store.id}/rules`, rule({ subject: 'x', bodyHtml: TRIPLE_EACH }));
    expect(loops.status).toBe(400);
    expect(loops.body.issues[0]).toEqual({
      field: 'bodyHtml',
      message: 'a loop over a list inside another loop is not allowed: use one {{#each}} at a time on line 1',
    });
    const log = await api(stack, 'POST', `/api/v1/stores/${store.id}/rules`, rule({ subject: '{{log "forged"}}' }));
    expect(log.status).toBe(400);
    expect(log.body.issues).toEqual([{ field: 'subject', message: 'unknown helper "log" on line 1' }]);
  });

  it('test-sends a template saved before the limits with 422 and the reason, not 500', async () => {
    const store = await createReadyStore(stack, 'Old templates');
    const created = await api(stack, 'POST', `/api/v1/stores/${store.id}/rules`, rule());
    expect(created.status).toBe(201);
    const bought = await postAndProject(stack, store.id, store.webhookSecret, JSON.stringify(order({ id: 'old-1', customer: { email: 'old@x.example', firstName: 'Old' } })));
    expect(bought.status).toBe(202);

    for (const [bodyHtml, message] of [
      [NESTED_DIVS, /nests HTML elements more than 50 deep/],
      [TRIPLE_EACH, /a loop over a list inside another loop/],
    ] as const) {
      // As a template stored before these limits existed.
      await stack.orm.em.fork().execute('update retention_rule set body_html = ? where id = ?', [bodyHtml, created.body.id]);
      const res = await api(stack, 'POST', `/api/v1/stores/${store.id}/rules/${created.body.id}/test-send`, { to: 'owner@shop.example' });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ error: 'unprocessable', message: expect.stringMatching(/^the template cannot be rendered: bodyHtml: /) });
      expect(res.body.issues).toEqual([{ field: 'bodyHtml', message: expect.stringMatching(message) }]);
    }
    expect((await api(stack, 'GET', `/api/v1/stores/${store.id}/outbox`)).body.emails).toEqual([]);
  });
});
