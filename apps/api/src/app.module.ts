import { type DynamicModule, Inject, Logger, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { AccountService, AuthRateLimits, AuthService, PasswordHasher } from '@boomerang/accounts';
import { CustomersService, SubscriptionService } from '@boomerang/customers';
import { TemplateCompiler } from '@boomerang/email';
import { CustomerPreferencesService, EmailEventsService, TrackingTokens, UnsubscribeTokens } from '@boomerang/engagement';
import { MikroORM, openOrm, PreparedStatements } from '@boomerang/persistence';
import { MessageLogService, StoreDashboardService } from '@boomerang/reporting';
import pg from 'pg';
import { createAccountMailer } from './accounts/account-mailer.js';
import { AccountController } from './accounts/account.controller.js';
import { AuthController } from './accounts/auth.controller.js';
import { DevOutboxController } from './accounts/dev-outbox.controller.js';
import { CustomersController } from './customers/customers.controller.js';
import { DirectMessagesController } from './customers/direct-messages.controller.js';
import { OrdersController } from './orders/orders.controller.js';
import { OrdersService, OrderTrackingService } from '@boomerang/orders';
import { StoreDashboardController } from './dashboard/store-dashboard.controller.js';
import { DEFAULT_DISPATCH_POLICY, DirectMessagesService, RetentionDispatcher, RulePreviewService, RulesService } from '@boomerang/retention';
import { IntakeService } from '@boomerang/intake';
import { ConnectionsService, CredentialsCipher, HistoricalSyncService, ProductCatalogService, StoreLogoService, StoresService } from '@boomerang/stores';
import { RetentionLifecycle, retentionWorkflowId } from '@boomerang/temporal-client';
import { API_CONFIG } from './common/tokens.js';
import { CONNECTION_CONTROLLERS, connectionProviders, type ConnectionPorts } from './connections/connections.providers.js';
import { DeadLettersController } from './dispatch/dead-letters.controller.js';
import { IntakeDeadLettersController } from './intake/intake-dead-letters.controller.js';
import { OrderImportController } from './intake/order-import.controller.js';
import type { ApiConfig } from './config.js';
import { PostmarkWebhookController } from './email-events/postmark-webhook.controller.js';
import { TrackingController } from './email-events/tracking.controller.js';
import { HealthController } from './health/health.controller.js';
import { LogosController } from './logos/logos.controller.js';
import { LogExportController } from './messages/log-export.controller.js';
import { MessagesController } from './messages/messages.controller.js';
import { ProductsController } from './products/products.controller.js';
import { RulePreviewController } from './rules/rule-preview.controller.js';
import { RulesController } from './rules/rules.controller.js';
import { CustomerSegmentsController, SegmentsController } from './segments/segments.controller.js';
import { SegmentsService } from '@boomerang/segments';
import { AppsService, createAppRegistry, GoogleAnalyticsService, WebhookEndpointsService } from '@boomerang/integrations';
import { GoogleAnalyticsController } from './google-analytics/google-analytics.controller.js';
import { AppsController } from './outgoing-webhooks/apps.controller.js';
import { WebhookEndpointsController } from './outgoing-webhooks/webhook-endpoints.controller.js';
import { StarterTemplatesController } from './starter-templates/starter-templates.controller.js';
import { StoreLogoController } from './stores/store-logo.controller.js';
import { StoresController } from './stores/stores.controller.js';
import { SyncController } from './sync/sync.controller.js';
import { UnsubscribeController } from './unsubscribe/unsubscribe.controller.js';
import { CustomerPrivacyController } from './privacy/customer-privacy.controller.js';
import { PrivacyPageController } from './privacy/privacy-page.controller.js';
import { DataRequestService, ErasureService, PrivacyRequestsService, ProfileLinkRateLimit, ProfileLinkService } from '@boomerang/privacy';
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

/** rate-limiter-flexible's PostgreSQL store: a small pool of its own, beside the ORM's. */
const RATE_LIMIT_POOL = Symbol('RATE_LIMIT_POOL');

class Closer implements OnApplicationShutdown {
  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    @Inject(RetentionLifecycle) private readonly lifecycle: RetentionLifecycle,
    @Inject(RATE_LIMIT_POOL) private readonly pool: pg.Pool,
    @Inject(PreparedStatements) private readonly statements: PreparedStatements,
  ) {}

  async onApplicationShutdown() {
    await this.lifecycle.close();
    await this.orm.close(true);
    await this.pool.end();
    await this.statements.close();
  }
}

@Module({})
export class AppModule {
  static forRoot(config: ApiConfig, ports: ConnectionPorts = {}): DynamicModule {
    return {
      module: AppModule,
      controllers: [StoresController, RulePreviewController, RulesController, WebhooksController, MessagesController, UnsubscribeController, HealthController,
        PostmarkWebhookController, TrackingController, StarterTemplatesController, DeadLettersController, AuthController, AccountController,
        ProductsController, LogExportController, StoreLogoController, LogosController, ...CONNECTION_CONTROLLERS, SyncController, OrderImportController,
        IntakeDeadLettersController, CustomersController, DirectMessagesController, OrdersController, CustomerPrivacyController, PrivacyPageController, SegmentsController, CustomerSegmentsController, WebhookEndpointsController, AppsController,
        StoreDashboardController, GoogleAnalyticsController,
        // The development outbox of account emails exists only with the outbox transport.
        ...(config.email.transport === 'outbox' ? [DevOutboxController] : [])],
      providers: [
        { provide: API_CONFIG, useValue: config },
        { provide: MikroORM, useFactory: () => openOrm(config.databaseUrl) },
        // Lazy: the api starts and takes webhooks into its outbox while Temporal is unreachable.
        { provide: RetentionLifecycle, useFactory: () => RetentionLifecycle.lazy({ address: config.temporalAddress, namespace: config.temporalNamespace }) },
        { provide: TemplateCompiler, useValue: new TemplateCompiler() },
        { provide: UnsubscribeTokens, useValue: new UnsubscribeTokens(config.unsubscribeSecret) },
        { provide: StoresService, useValue: new StoresService() },
        { provide: PasswordHasher, useValue: new PasswordHasher() },
        { provide: RATE_LIMIT_POOL, useFactory: () => new pg.Pool({ connectionString: config.databaseUrl, max: 4 }) },
        {
          provide: AuthService,
          useFactory: (hasher: PasswordHasher, pool: pg.Pool) => {
            const logger = new Logger('accounts');
            return new AuthService({
              hasher,
              mailer: createAccountMailer(config.email),
              limits: new AuthRateLimits(pool, config.authRateLimits),
              dashboardUrl: config.dashboardUrl,
              onMailError: (err) => logger.error(`account email not sent: ${(err as Error).message}`),
            });
          },
          inject: [PasswordHasher, RATE_LIMIT_POOL],
        },
        { provide: AccountService, useFactory: (hasher: PasswordHasher, stores: StoresService) => new AccountService({ hasher, stores }), inject: [PasswordHasher, StoresService] },
        // Webhook acceptance's INSERT, prepared once per connection on a pool of its own (see InboxRepository).
        { provide: PreparedStatements, useFactory: () => new PreparedStatements(config.databaseUrl) },
        {
          provide: IntakeService,
          useFactory: (orm: MikroORM, statements: PreparedStatements) => new IntakeService(orm, undefined, statements.run.bind(statements)),
          inject: [MikroORM, PreparedStatements],
        },
        // Pending rows name their workflow, with the id the Temporal client library gives it.
        { provide: MessageLogService, useValue: new MessageLogService({ workflowIdOf: retentionWorkflowId }) },
        { provide: StoreDashboardService, useValue: new StoreDashboardService() },
        { provide: ProductCatalogService, useValue: new ProductCatalogService() },
        { provide: HistoricalSyncService, useFactory: (l: RetentionLifecycle) => new HistoricalSyncService(l), inject: [RetentionLifecycle] },
        { provide: StoreLogoService, useValue: new StoreLogoService(config.publicUrl) },
        { provide: RulePreviewService, useFactory: (t: TemplateCompiler) => new RulePreviewService(t, config.publicUrl), inject: [TemplateCompiler] },
        { provide: DirectMessagesService, useFactory: (l: RetentionLifecycle) => new DirectMessagesService(l), inject: [RetentionLifecycle] },
        { provide: RulesService, useFactory: (t: TemplateCompiler, l: RetentionLifecycle) => new RulesService(t, l), inject: [TemplateCompiler, RetentionLifecycle] },
        { provide: TrackingTokens, useFactory: (u: UnsubscribeTokens) => u.tracking, inject: [UnsubscribeTokens] },
        { provide: SegmentsService, useValue: new SegmentsService() },
        {
          provide: WebhookEndpointsService,
          useValue: new WebhookEndpointsService({ sealer: CredentialsCipher.fromBase64(config.credentialsKey), allowPrivateAddresses: config.webhookAllowPrivateAddresses }),
        },
        { provide: GoogleAnalyticsService, useValue: new GoogleAnalyticsService({ sealer: CredentialsCipher.fromBase64(config.credentialsKey), settings: config.googleAnalytics }) },
        {
          provide: AppsService,
          useValue: new AppsService({
            sealer: CredentialsCipher.fromBase64(config.credentialsKey),
            // The connect check (Mailchimp's audience) and the test-send run here, with the worker's rules for addresses.
            registry: createAppRegistry({ allowLoopback: config.webhookAllowPrivateAddresses, timeoutMs: 10_000, mailchimpBaseUrl: config.mailchimpBaseUrl }),
          }),
        },
        // Every subscription change (merchant, unsubscribe link, Postmark) goes through the one SubscriptionService.
        { provide: SubscriptionService, useValue: new SubscriptionService() },
        { provide: CustomersService, useFactory: (s: SubscriptionService) => new CustomersService(s), inject: [SubscriptionService] },
        { provide: OrdersService, useValue: new OrdersService() },
        {
          provide: OrderTrackingService,
          useFactory: (connections: ConnectionsService) => new OrderTrackingService({ push: (em, storeId, externalId, tracking) => connections.pushTracking(em, storeId, externalId, tracking) }),
          inject: [ConnectionsService],
        },
        { provide: EmailEventsService, useFactory: (s: SubscriptionService) => new EmailEventsService(undefined, s), inject: [SubscriptionService] },
        {
          provide: CustomerPreferencesService,
          useFactory: (t: UnsubscribeTokens, s: SubscriptionService) => new CustomerPreferencesService(t, undefined, s),
          inject: [UnsubscribeTokens, SubscriptionService],
        },
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
        {
          provide: ProfileLinkService,
          useFactory: (pool: pg.Pool) =>
            new ProfileLinkService({ mailer: createAccountMailer(config.email), limiter: new ProfileLinkRateLimit(pool), dashboardUrl: config.dashboardUrl }),
          inject: [RATE_LIMIT_POOL],
        },
        { provide: ErasureService, useFactory: (l: RetentionLifecycle) => new ErasureService(l), inject: [RetentionLifecycle] },
        { provide: PrivacyRequestsService, useValue: new PrivacyRequestsService() },
        { provide: DataRequestService, useValue: new DataRequestService() },
        OrderWebhookService,
        ...connectionProviders(config, ports),
        Closer,
      ],
    };
  }
}
