import { Inject, Injectable } from '@nestjs/common';
import { MikroORM } from '@boomerang/persistence';
import { RetentionDispatcher, RetentionIntakeService } from '@boomerang/retention';
import { OrderIngestionService, StoresService } from '@boomerang/stores';

export interface WebhookReceipt {
  orderId: string;
  customerId: string;
  status: string;
  applied: boolean;
  rulesArmed: number;
}

/**
 * Order webhook: verify, then persist the order, its customer and the owed retention signals in one
 * transaction. The 2xx goes out only after that commit; signals are delivered after it, and the
 * dispatcher's sweep retries any that could not be.
 */
@Injectable()
export class OrderWebhookService {
  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    @Inject(StoresService) private readonly stores: StoresService,
    @Inject(OrderIngestionService) private readonly ingestion: OrderIngestionService,
    @Inject(RetentionIntakeService) private readonly intake: RetentionIntakeService,
    @Inject(RetentionDispatcher) private readonly dispatcher: RetentionDispatcher,
  ) {}

  async receive(storeId: string, rawBody: Buffer, signature: string | undefined): Promise<WebhookReceipt> {
    const store = await this.stores.get(this.orm.em.fork(), storeId);
    const payload = this.ingestion.parseSigned(store, rawBody, signature);
    const { receipt, dispatchIds } = await this.orm.em.fork().transactional(async (em) => {
      const ingested = await this.ingestion.ingest(em, store, payload);
      const dispatchIds = ingested.applied ? await this.intake.onOrder(em, ingested.order, ingested.customer, ingested.previousStatus) : [];
      return {
        dispatchIds,
        receipt: {
          orderId: ingested.order.id,
          customerId: ingested.customer.id,
          status: ingested.order.status,
          applied: ingested.applied,
          rulesArmed: dispatchIds.length,
        },
      };
    });
    await this.dispatcher.deliver(store.id, dispatchIds);
    return receipt;
  }
}
