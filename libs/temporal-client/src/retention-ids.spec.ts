import { MAX_WORKFLOW_ID_BYTES, retentionWorkflowId } from './retention-ids.js';

const STORE = '6f1c2d3e-4b5a-4c6d-8e7f-901234567890';
const RULE = '0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d';
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

describe('retentionWorkflowId', () => {
  it('keeps the id of an ordinary email exactly as it always was', () => {
    expect(retentionWorkflowId(STORE, RULE, 'jane.doe@example.com')).toBe(`retention/${STORE}/${RULE}/jane.doe@example.com`);
    const longest = `${'a'.repeat(64)}@${'b'.repeat(185)}.com`; // 254 characters, the longest valid address
    expect(retentionWorkflowId(STORE, RULE, longest)).toBe(`retention/${STORE}/${RULE}/${longest}`);
  });

  it('bounds the id of an email whose UTF-8 id would exceed Temporal\'s limit, keeping a readable prefix', () => {
    const email = `${'😀'.repeat(240)}@x.co`;
    expect(bytes(`retention/${STORE}/${RULE}/${email}`)).toBeGreaterThan(MAX_WORKFLOW_ID_BYTES);
    const id = retentionWorkflowId(STORE, RULE, email);
    expect(bytes(id)).toBeLessThanOrEqual(MAX_WORKFLOW_ID_BYTES);
    expect(id).toMatch(new RegExp(`^retention/${STORE}/${RULE}/(😀)+…#[0-9a-f]{64}$`));
    // Never splits a character: the readable part is whole emoji.
    expect(Buffer.from(id, 'utf8').toString('utf8')).toBe(id);
  });

  it('gives each long email its own stable id', () => {
    const a = `${'é'.repeat(600)}a@x.co`;
    const b = `${'é'.repeat(600)}b@x.co`;
    expect(retentionWorkflowId(STORE, RULE, a)).toBe(retentionWorkflowId(STORE, RULE, a));
    expect(retentionWorkflowId(STORE, RULE, a)).not.toBe(retentionWorkflowId(STORE, RULE, b));
    expect(retentionWorkflowId(STORE, RULE, a).startsWith(`retention/${STORE}/${RULE}/é`)).toBe(true);
  });

  it('keeps an id exactly at the limit and hashes one byte over it', () => {
    const prefix = `retention/${STORE}/${RULE}/`;
    const fits = `${'x'.repeat(MAX_WORKFLOW_ID_BYTES - bytes(prefix) - 5)}@x.co`;
    expect(retentionWorkflowId(STORE, RULE, fits)).toBe(prefix + fits);
    expect(retentionWorkflowId(STORE, RULE, `x${fits}`)).toMatch(/…#[0-9a-f]{64}$/);
  });
});
