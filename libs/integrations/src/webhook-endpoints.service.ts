import { randomBytes, randomUUID } from 'node:crypto';
import { NotFoundError, ValidationError } from '@boomerang/domain';
import { DeliveryLog } from './delivery-log.js';
import { ConflictError } from './errors.js';
import type { EntityManager } from '@boomerang/persistence';
import { parseOrThrow } from '@boomerang/validation';
import { isPublicAddress, literalAddress } from './address-guard.js';
import { createWebhookEndpointSchema, updateWebhookEndpointSchema, webhookDeliveriesQuerySchema } from './webhook-endpoint.schemas.js';
import { WebhookRepository, type AttemptRow, type DeliveryRow, type EndpointRow } from './webhook.repository.js';

/** Seals secrets at rest (the stores library's `CredentialsCipher` fits). */
export interface SecretSealer {
  seal(plaintext: string, context: string): string;
  open(sealed: string, context: string): string;
}

export const MAX_ENDPOINTS_PER_STORE = 20;

export const endpointSecretContext = (endpointId: string) => `webhook-endpoint:${endpointId}`;

export interface WebhookEndpointsServiceDeps {
  sealer: SecretSealer;
  /** Loopback and private receivers allowed (tests, development). */
  allowPrivateAddresses: boolean;
  clock?: () => Date;
}

/** The merchant's outgoing webhook endpoints: CRUD, their delivery log, and resending by hand. */
export class WebhookEndpointsService {
  private readonly clock: () => Date;
  private readonly log: DeliveryLog;

  constructor(private readonly deps: WebhookEndpointsServiceDeps) {
    this.clock = deps.clock ?? (() => new Date());
    this.log = new DeliveryLog(this.clock);
  }

  list(em: EntityManager, storeId: string): Promise<EndpointRow[]> {
    return new WebhookRepository(em).endpoints(storeId);
  }

  async get(em: EntityManager, storeId: string, id: string): Promise<EndpointRow> {
    const found = await new WebhookRepository(em).endpoint(storeId, id);
    if (!found || found.kind !== 'webhook') throw new NotFoundError('webhook endpoint', id);
    return found;
  }

  /** Creates the endpoint with a new Standard Webhooks secret, returned this once (it is sealed at rest). */
  async create(em: EntityManager, storeId: string, body: unknown): Promise<{ endpoint: EndpointRow; secret: string }> {
    const input = parseOrThrow(createWebhookEndpointSchema, body);
    this.refusePrivateLiteral(input.url);
    const repository = new WebhookRepository(em);
    if ((await repository.countEndpoints(storeId)) >= MAX_ENDPOINTS_PER_STORE) {
      throw new ConflictError(`a store may hold at most ${MAX_ENDPOINTS_PER_STORE} webhook endpoints`);
    }
    const id = randomUUID();
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const endpoint = await repository.createEndpoint(
      storeId,
      { id, url: input.url, description: input.description ?? null, eventTypes: input.eventTypes, secretSealed: this.deps.sealer.seal(secret, endpointSecretContext(id)) },
      this.clock(),
    );
    return { endpoint, secret };
  }

  /** The endpoint's signing secret, for the merchant's receiver to verify with. */
  async secret(em: EntityManager, storeId: string, id: string): Promise<string> {
    const endpoint = await this.get(em, storeId, id);
    return this.deps.sealer.open(endpoint.secretSealed, endpointSecretContext(id));
  }

  /** Changes url, description, event types or status; enabling an endpoint clears its failures and wakes its deliveries. */
  async update(em: EntityManager, storeId: string, id: string, body: unknown): Promise<EndpointRow> {
    const input = parseOrThrow(updateWebhookEndpointSchema, body);
    if (input.url) this.refusePrivateLiteral(input.url);
    const before = await this.get(em, storeId, id);
    const repository = new WebhookRepository(em);
    await repository.updateEndpoint(storeId, id, input, this.clock());
    if (input.status === 'active' && before.status !== 'active') await repository.notify(storeId, id);
    return this.get(em, storeId, id);
  }

  async remove(em: EntityManager, storeId: string, id: string): Promise<void> {
    const repository = new WebhookRepository(em);
    if (!(await repository.deleteEndpoint(storeId, id))) throw new NotFoundError('webhook endpoint', id);
    // Its workflow, if sleeping, looks now and ends (the endpoint is gone).
    await repository.notify(storeId, id);
  }

  async deliveries(em: EntityManager, storeId: string, endpointId: string, query: unknown): Promise<{ deliveries: DeliveryRow[]; nextBefore: number | null }> {
    parseOrThrow(webhookDeliveriesQuerySchema, query);
    return this.log.page(em, await this.get(em, storeId, endpointId), query);
  }

  async delivery(em: EntityManager, storeId: string, endpointId: string, deliveryId: string): Promise<{ delivery: DeliveryRow; attempts: AttemptRow[] }> {
    return this.log.delivery(em, await this.get(em, storeId, endpointId), deliveryId);
  }

  /** Sends a delivery again: the same event queued at the end of the endpoint's line (delivered after what is owed). */
  async resend(em: EntityManager, storeId: string, endpointId: string, deliveryId: string): Promise<DeliveryRow> {
    return this.log.resend(em, await this.get(em, storeId, endpointId), deliveryId);
  }

  /** An IP literal that is not public is refused at once (names are checked on their resolved address at send time). */
  private refusePrivateLiteral(url: string): void {
    if (this.deps.allowPrivateAddresses) return;
    const literal = literalAddress(new URL(url).hostname);
    if (literal && !isPublicAddress(literal)) throw ValidationError.field('url', 'must not point at a private, loopback or link-local address');
  }
}
