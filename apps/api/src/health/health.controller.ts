import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Returns } from '../common/contract.js';
import { MikroORM } from '@boomerang/persistence';
import { RetentionLifecycle } from '@boomerang/temporal-client';

/** How long one Temporal probe answers for: health is polled often and must stay cheap while Temporal is down. */
const TEMPORAL_PROBE_TTL_MS = 2_000;

const healthSchema = z.object({ status: z.literal('ok'), database: z.literal('ok'), temporal: z.enum(['ok', 'unreachable']) });

/**
 * Liveness and what the api depends on. The database is required (a failure answers 500); Temporal is reported
 * but not required: while it is unreachable the api still accepts webhooks into its outbox.
 */
@ApiTags('health')
@Controller('api/v1/health')
export class HealthController {
  private probe: { at: number; reachable: Promise<boolean> } | null = null;

  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    @Inject(RetentionLifecycle) private readonly lifecycle: RetentionLifecycle,
  ) {}

  @Get()
  @Returns(200, healthSchema, 'The database answered; Temporal is reported, not required')
  async health(): Promise<z.output<typeof healthSchema>> {
    const temporal = this.temporalReachable();
    await this.orm.em.fork().execute('select 1');
    return { status: 'ok', database: 'ok', temporal: (await temporal) ? 'ok' : 'unreachable' };
  }

  private temporalReachable(): Promise<boolean> {
    if (!this.probe || Date.now() - this.probe.at > TEMPORAL_PROBE_TTL_MS) {
      this.probe = { at: Date.now(), reachable: this.lifecycle.reachable(1_000) };
    }
    return this.probe.reachable;
  }
}
