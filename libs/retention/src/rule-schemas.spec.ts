import { createRuleSchema, updateRuleSchema } from './rules.service.js';

describe('the rule schemas', () => {
  it('leave out of an update what the update leaves out (no default resets sendingFilter or skus)', () => {
    expect(updateRuleSchema.parse({ subject: 'New subject' })).toEqual({ subject: 'New subject' });
    expect(updateRuleSchema.parse({ skus: ['TEA'] })).toEqual({ skus: ['TEA'] });
  });

  it('still default them on create', () => {
    const created = createRuleSchema.parse({ name: 'r', senderName: 's', senderEmail: 'a@b.example', subject: 'x', bodyHtml: '<p>x</p>' });
    expect(created).toMatchObject({ sendingFilter: 'all', skus: [], status: 'draft' });
  });

  it('refuses fields an update may not set', () => {
    expect(updateRuleSchema.safeParse({ status: 'active' }).success).toBe(false);
    expect(updateRuleSchema.safeParse({ backfill: 'none' }).success).toBe(false);
  });
});
