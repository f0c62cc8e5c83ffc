import { type DynamicModule, Inject, Logger, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { TemplateCompiler } from '@boomerang/email';
import { CustomerPreferencesService, EmailEventsService, TrackingTokens, UnsubscribeTokens } from '@boomerang/engagement';
import { MikroORM, openOrm } from '@boomerang/persistence';
import { MessageLogService } from '@boomerang/reporting';
import { DEFAULT_DISPATCH_POLICY, RetentionDispatcher, RetentionIntakeService, RulesService } from '@boomerang/retention';
import { OrderIngestionService, StoresService } from '@boomerang/stores';
import { RetentionLifecycle } from '@boomerang/temporal-client';
import { API_CONFIG } from './common/tokens.js';
import { DeadLettersController } from './dispatch/dead-letters.controller.js';
import type { ApiConfig } from './config.js';
import { PostmarkWebhookController } from './email-events/postmark-webhook.controller.js';
import { TrackingController } from './email-events/tracking.controller.js';
import { HealthController } from './health/health.controller.js';
import { MessagesController } from './messages/messages.controller.js';
import { RulesController } from './rules/rules.controller.js';
import { StarterTemplatesController } from './starter-templates/starter-templates.controller.js';
import { StoresController } from './stores/stores.controller.js';
import { UnsubscribeController } from './unsubscribe/unsubscribe.controller.js';
import { OrderWebhookService } from './webhooks/order-webhook.service.js';
import { WebhooksController } from './webhooks/webhooks.controller.js';

/**
 * Retries purchase signals the request path could not deliver (Temporal briefly down, process killed). Every api
 * replica runs one; they share the backlog safely because each tick claims its rows (see RetentionDispatcher).
 */
class DispatchSweeper implements OnModuleInit, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running = false;
  private stopped = false;
  private readonly logger = new Logger('dispatch');

  constructor(
    private readonly dispatcher: RetentionDispatcher,
    private readonly everyMs: number,
  ) {}

  onModuleInit() {
    if (this.everyMs <= 0) return;
    this.timer = setInterval(() => void this.tick(), this.everyMs);
    this.timer.unref();
  }

  private async tick() {
    if (this.running) return;
    this.running = true;
    try {
      // A full batch means a backlog (after an outage): keep draining instead of waiting for the next tick.
      for (let claimed = Infinity, rounds = 0; claimed >= DEFAULT_DISPATCH_POLICY.batch && rounds < 50 && !this.stopped; rounds++) {
        const result = await this.dispatcher.sweep();
        claimed = result.claimed;
        if (result.delivered) this.logger.log(`delivered ${result.delivered} delayed retention signal(s)`);
      }
    } catch (err) {
      this.logger.warn(`sweep failed: ${(err as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  onApplicationShutdown() {
    this.stopped = true;
    clearInterval(this.timer);
  }
}

class Closer implements OnApplicationShutdown {
  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    @Inject(RetentionLifecycle) private readonly lifecycle: RetentionLifecycle,
  ) {}

  async onApplicationShutdown() {
    await this.lifecycle.close();
    await this.orm.close(true);
  }
}

@Module({})
export class AppModule {
  static forRoot(config: ApiConfig): DynamicModule {
    return {
      module: AppModule,
      controllers: [StoresController, RulesController, WebhooksController, MessagesController, UnsubscribeController, HealthController,
        PostmarkWebhookController, TrackingController, StarterTemplatesController, DeadLettersController],
      providers: [
        { provide: API_CONFIG, useValue: config },
        { provide: MikroORM, useFactory: () => openOrm(config.databaseUrl) },
        // Lazy: the api starts and takes webhooks into its outbox while Temporal is unreachable.
        { provide: RetentionLifecycle, useFactory: () => RetentionLifecycle.lazy({ address: config.temporalAddress, namespace: config.temporalNamespace }) },
        { provide: TemplateCompiler, useValue: new TemplateCompiler() },
        { provide: UnsubscribeTokens, useValue: new UnsubscribeTokens(config.unsubscribeSecret) },
        { provide: StoresService, useValue: new StoresService() },
        { provide: OrderIngestionService, useValue: new OrderIngestionService() },
        { provide: MessageLogService, useValue: new MessageLogService() },
        { provide: RulesService, useFactory: (t: TemplateCompiler, l: RetentionLifecycle) => new RulesService(t, l), inject: [TemplateCompiler, RetentionLifecycle] },
        { provide: RetentionIntakeService, useFactory: (r: RulesService) => new RetentionIntakeService(r), inject: [RulesService] },
        { provide: TrackingTokens, useFactory: (u: UnsubscribeTokens) => u.tracking, inject: [UnsubscribeTokens] },
        { provide: EmailEventsService, useValue: new EmailEventsService() },
        { provide: CustomerPreferencesService, useFactory: (t: UnsubscribeTokens) => new CustomerPreferencesService(t), inject: [UnsubscribeTokens] },
        {
          provide: RetentionDispatcher,
          useFactory: (orm: MikroORM, lifecycle: RetentionLifecycle) => new RetentionDispatcher(orm, lifecycle, new Logger('dispatch')),
          inject: [MikroORM, RetentionLifecycle],
        },
        {
          provide: DispatchSweeper,
          useFactory: (d: RetentionDispatcher) => new DispatchSweeper(d, config.dispatchSweepMs),
          inject: [RetentionDispatcher],
        },
        OrderWebhookService,
        Closer,
      ],
    };
  }
}
