import { Inject, Injectable } from '@nestjs/common';
import { IntakeService } from '@boomerang/intake';
import { MikroORM } from '@boomerang/persistence';
import { StoresService } from '@boomerang/stores';

export interface WebhookReceipt {
  eventId: string;
  duplicate: boolean;
}

const SECRET_TTL_MS = 10_000;
const SECRET_CACHE_MAX = 10_000;

/**
 * The custom cart's order webhook, inbox-first: verify, validate and store the event with one INSERT, then answer.
 * Projection into orders, retention signals and conversions follow asynchronously (the worker's InboxProjector).
 * Store secrets are cached briefly, so a webhook costs the INSERT alone.
 */
@Injectable()
export class OrderWebhookService {
  private readonly secrets = new Map<string, { secret: string; until: number }>();

  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    @Inject(StoresService) private readonly stores: StoresService,
    @Inject(IntakeService) private readonly intake: IntakeService,
  ) {}

  async receive(storeId: string, rawBody: Buffer, headers: Readonly<Record<string, string | undefined>>): Promise<WebhookReceipt> {
    const secret = await this.secretOf(storeId);
    return this.intake.accept({ store: { id: storeId }, platform: 'custom', webhook: { headers, rawBody }, secret });
  }

  private async secretOf(storeId: string): Promise<string> {
    const cached = this.secrets.get(storeId);
    if (cached && cached.until > Date.now()) return cached.secret;
    const store = await this.stores.get(this.orm.em.fork(), storeId);
    if (this.secrets.size >= SECRET_CACHE_MAX) this.secrets.clear();
    this.secrets.set(storeId, { secret: store.webhookSecret, until: Date.now() + SECRET_TTL_MS });
    return store.webhookSecret;
  }
}
