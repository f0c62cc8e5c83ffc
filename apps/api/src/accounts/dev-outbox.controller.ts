import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { NotFoundError } from '@boomerang/domain';
import { MikroORM, OutboxEmailSchema } from '@boomerang/persistence';
import { email } from '@boomerang/validation';
import { z } from 'zod';
import { Fails, IdParam, Returns, ValidQuery } from '../common/contract.js';

const outboxQuery = z.object({ to: email().optional() }).strict();

const summarySchema = z.object({ id: z.uuid(), to: z.string(), subject: z.string(), createdAt: z.date() }).meta({ id: 'DevOutboxSummary' });
const emailSchema = z
  .object({ id: z.uuid(), to: z.string(), from: z.string(), subject: z.string(), html: z.string(), text: z.string(), createdAt: z.date() })
  .meta({ id: 'DevOutboxEmail' });

/**
 * Account emails (verification, password reset) the outbox transport stored instead of sending. Registered only when
 * EMAIL_TRANSPORT=outbox (development and tests), so a production api with Postmark has no such routes. Public:
 * the development outbox is how a developer (and the browser tests) read the links.
 */
@ApiTags('development')
@Controller('api/v1/dev/outbox')
export class DevOutboxController {
  constructor(@Inject(MikroORM) private readonly orm: MikroORM) {}

  @Get()
  @Returns(200, z.object({ emails: z.array(summarySchema) }), 'Account emails, newest first (at most 50), optionally to one address')
  @Fails(400)
  async list(@ValidQuery(outboxQuery) q: z.infer<typeof outboxQuery>) {
    const em = this.orm.em.fork();
    const rows = await em.find(
      OutboxEmailSchema,
      { storeId: null, ...(q.to ? { toAddress: q.to.toLowerCase() } : {}) },
      { orderBy: { createdAt: 'desc', id: 'desc' }, limit: 50 },
    );
    return { emails: rows.map((e): z.output<typeof summarySchema> => ({ id: e.id, to: e.toAddress, subject: e.subject, createdAt: e.createdAt })) };
  }

  @Get(':emailId')
  @Returns(200, emailSchema, 'One account email with its HTML and text')
  @Fails(404)
  async get(@IdParam('emailId') emailId: string): Promise<z.output<typeof emailSchema>> {
    const e = await this.orm.em.fork().findOne(OutboxEmailSchema, { id: emailId, storeId: null });
    if (!e) throw new NotFoundError('email', emailId);
    return { id: e.id, to: e.toAddress, from: e.fromAddress, subject: e.subject, html: e.html, text: e.text, createdAt: e.createdAt };
  }
}
