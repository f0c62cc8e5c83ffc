import { randomUUID } from 'node:crypto';
import { NotFoundError } from '@boomerang/domain';
import type { EntityManager } from '@boomerang/persistence';
import { parseOrThrow } from '@boomerang/validation';
import { DeliveryLog } from '../delivery-log.js';
import { ConflictError } from '../errors.js';
import { endpointSecretContext, type SecretSealer } from '../webhook-endpoints.service.js';
import { WebhookRepository, type EndpointRow } from '../webhook.repository.js';
import type { AppAdapter, AppRegistry, DeliveryOutcome } from './app-adapter.js';
import { createAppSchema, updateAppSchema } from './apps.schemas.js';

export const MAX_APPS_PER_STORE = 10;

export interface AppsServiceDeps {
  registry: AppRegistry;
  sealer: SecretSealer;
  clock?: () => Date;
}

/**
 * The store's app installations (Slack, Mailchimp): endpoints of the outgoing-webhook pipeline whose adapter speaks
 * the service's API. Their secrets are sealed with the endpoint's context and never returned.
 */
export class AppsService {
  private readonly clock: () => Date;
  readonly log: DeliveryLog;

  constructor(private readonly deps: AppsServiceDeps) {
    this.clock = deps.clock ?? (() => new Date());
    this.log = new DeliveryLog(this.clock);
  }

  adapters(): AppAdapter[] {
    return this.deps.registry.all();
  }

  list(em: EntityManager, storeId: string): Promise<EndpointRow[]> {
    return new WebhookRepository(em).endpoints(storeId, 'app');
  }

  async get(em: EntityManager, storeId: string, id: string): Promise<EndpointRow> {
    const found = await new WebhookRepository(em).endpoint(storeId, id);
    if (!found || found.kind === 'webhook') throw new NotFoundError('app', id);
    return found;
  }

  /** Checks the config with the service (Mailchimp's audience, Slack's URL form), then installs it. */
  async create(em: EntityManager, storeId: string, body: unknown): Promise<EndpointRow> {
    const input = parseOrThrow(createAppSchema(this.deps.registry.kinds()), body);
    const adapter = this.deps.registry.get(input.kind)!;
    const split = adapter.split(parseOrThrow(adapter.configSchema, input.config, 'config'));
    const repository = new WebhookRepository(em);
    if ((await repository.countEndpoints(storeId, 'app')) >= MAX_APPS_PER_STORE) throw new ConflictError(`a store may hold at most ${MAX_APPS_PER_STORE} apps`);
    await adapter.connect(split.settings, split.secrets);
    const id = randomUUID();
    return repository.createEndpoint(
      storeId,
      {
        id,
        kind: adapter.kind as EndpointRow['kind'],
        appSettings: split.settings as Record<string, unknown>,
        url: split.target,
        description: input.description ?? null,
        eventTypes: split.eventTypes,
        secretSealed: this.seal(id, split.secrets),
      },
      this.clock(),
    );
  }

  /** Changes the description, the config (secrets left out are kept) or the status; enabling resumes what is owed, in order. */
  async update(em: EntityManager, storeId: string, id: string, body: unknown): Promise<EndpointRow> {
    const input = parseOrThrow(updateAppSchema, body);
    const before = await this.get(em, storeId, id);
    const repository = new WebhookRepository(em);
    if (input.config) {
      const adapter = this.adapter(before);
      const current = adapter.join(before.appSettings, this.open(before)) as Record<string, unknown>;
      const split = adapter.split(parseOrThrow(adapter.configSchema, { ...current, ...input.config }, 'config'));
      await adapter.connect(split.settings, split.secrets);
      await repository.updateApp(storeId, id, { appSettings: split.settings as Record<string, unknown>, secretSealed: this.seal(id, split.secrets), url: split.target, eventTypes: split.eventTypes }, this.clock());
    }
    if (input.description !== undefined || input.status) await repository.updateEndpoint(storeId, id, { description: input.description, status: input.status }, this.clock());
    if (input.status === 'active' && before.status !== 'active') await repository.notify(storeId, id);
    return this.get(em, storeId, id);
  }

  async remove(em: EntityManager, storeId: string, id: string): Promise<void> {
    await this.get(em, storeId, id);
    const repository = new WebhookRepository(em);
    await repository.deleteEndpoint(storeId, id);
    await repository.notify(storeId, id);
  }

  /** Sends a test now (a Slack message; Mailchimp's audience check) and says how it went. */
  async testSend(em: EntityManager, storeId: string, id: string): Promise<DeliveryOutcome> {
    const app = await this.get(em, storeId, id);
    return this.adapter(app).testSend(app.appSettings, this.open(app));
  }

  private adapter(app: EndpointRow): AppAdapter {
    const adapter = this.deps.registry.get(app.kind);
    if (!adapter) throw new ConflictError(`the ${app.kind} app is not available in this deployment`);
    return adapter;
  }

  private seal(id: string, secrets: unknown): string {
    return this.deps.sealer.seal(JSON.stringify(secrets), endpointSecretContext(id));
  }

  private open(app: EndpointRow): unknown {
    return JSON.parse(this.deps.sealer.open(app.secretSealed, endpointSecretContext(app.id)));
  }
}
