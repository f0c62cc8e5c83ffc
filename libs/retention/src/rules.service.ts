import { randomUUID } from 'node:crypto';
import { isEmail, parseIsoDuration, RULE_STATUSES, SENDING_FILTERS, ValidationError } from '@boomerang/domain';
import { RetentionRuleSchema, type EntityManager, type RetentionRule } from '@boomerang/persistence';
import type { TemplateCompiler } from '@boomerang/email';
import { parseOrThrow } from '@boomerang/stores';
import { z } from 'zod';

export const createRuleSchema = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(200),
    status: z.enum(RULE_STATUSES.filter((s) => s !== 'deleted') as ['draft', 'active', 'paused']).default('draft'),
    sendingFilter: z.enum(SENDING_FILTERS, { error: `must be one of ${SENDING_FILTERS.join(', ')}` }).default('all'),
    skus: z.array(z.string().trim().min(1, 'must not be empty').max(200)).max(1_000).default([]),
    windowDays: z.number().int().positive('must be a positive number of days').max(3_650).optional(),
    window: z.string().optional(),
    senderName: z.string().trim().min(1, 'must not be empty').max(200),
    senderEmail: z.string().refine(isEmail, 'must be an email address'),
    subject: z.string().trim().min(1, 'must not be empty').max(998),
    bodyHtml: z.string().min(1, 'must not be empty').max(200_000),
  })
  .strict();

export class RulesService {
  constructor(private readonly templates: TemplateCompiler) {}

  async create(em: EntityManager, storeId: string, body: unknown): Promise<RetentionRule> {
    const input = parseOrThrow(createRuleSchema, body);
    const windowSeconds = this.windowSeconds(input.windowDays, input.window);
    this.templates.validate('subject', input.subject);
    this.templates.validate('bodyHtml', input.bodyHtml);
    const now = new Date();
    const rule = em.create(RetentionRuleSchema, {
      id: randomUUID(),
      storeId,
      name: input.name,
      status: input.status,
      sendingFilter: input.sendingFilter,
      skus: [...new Set(input.skus)],
      windowSeconds,
      senderName: input.senderName,
      senderEmail: input.senderEmail.trim(),
      subject: input.subject,
      bodyHtml: input.bodyHtml,
      createdAt: now,
      updatedAt: now,
    });
    await em.flush();
    return rule;
  }

  list(em: EntityManager, storeId: string): Promise<RetentionRule[]> {
    return em.find(RetentionRuleSchema, { storeId, status: { $ne: 'deleted' } }, { orderBy: { createdAt: 'asc' } });
  }

  activeRules(em: EntityManager, storeId: string): Promise<RetentionRule[]> {
    return em.find(RetentionRuleSchema, { storeId, status: 'active' });
  }

  /** Days in the API; an ISO-8601 duration (`PT10S`) for short windows in tests and demos. */
  private windowSeconds(days: number | undefined, window: string | undefined): number {
    if (days !== undefined && window !== undefined) throw ValidationError.field('window', 'give windowDays or window, not both');
    if (days !== undefined) return days * 86_400;
    if (window === undefined) throw ValidationError.field('windowDays', 'is required (a positive number of days)');
    const seconds = parseIsoDuration(window, 'window');
    if (seconds < 1 || !Number.isInteger(seconds)) throw ValidationError.field('window', 'must be a whole number of seconds, at least 1');
    return seconds;
  }
}
