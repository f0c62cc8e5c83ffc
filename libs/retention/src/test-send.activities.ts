import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { TemplateRenderError } from '@boomerang/email';
import { CustomerSchema, OrderSchema, RetentionRuleSchema, StoreSchema } from '@boomerang/persistence';
import type { TestSendActivities } from '@boomerang/workflows';
import { composeRetentionEmail } from './compose-retention-email.js';
import type { RetentionActivityDeps } from './retention.activities.js';

export function createTestSendActivities(deps: RetentionActivityDeps): TestSendActivities {
  return {
    async sendTestMessage(input) {
      const em = deps.orm.em.fork();
      const store = await em.findOne(StoreSchema, { id: input.storeId });
      const rule = await em.findOne(RetentionRuleSchema, { id: input.ruleId, storeId: input.storeId });
      if (!store || !rule) throw ApplicationFailure.nonRetryable('rule not found', 'not_found');
      const customer = input.customerId
        ? await em.findOne(CustomerSchema, { id: input.customerId, storeId: store.id })
        : await em.findOne(CustomerSchema, { storeId: store.id }, { orderBy: { updatedAt: 'desc' } });
      if (!customer) throw ApplicationFailure.nonRetryable('no customer to take the data from', 'no_customer');
      const lastOrder = await em.findOne(OrderSchema, { customerId: customer.id }, { orderBy: { placedAt: 'desc' } });
      return em.transactional(async (tx) => {
        const { email } = await composeRetentionEmail({ ...deps, trackingBaseUrl: null }, tx, {
          messageId: randomUUID(),
          store,
          rule,
          customer,
          input: {
            storeId: store.id,
            ruleId: rule.id,
            customerId: customer.id,
            cycle: 0,
            dueAt: new Date().toISOString(),
            armedBy: { orderId: lastOrder?.id ?? randomUUID(), purchasedAt: (lastOrder?.placedAt ?? new Date()).toISOString() },
          },
        }).catch((err: unknown) => {
          // Rendering again renders the same way: fail the test send at once, with the reason, for the api to answer 422.
          if (err instanceof TemplateRenderError) {
            throw ApplicationFailure.nonRetryable(err.message, TemplateRenderError.name, { reason: err.reason, field: err.field ?? null });
          }
          throw err;
        });
        const receipt = await deps.transport.send({ ...email, to: input.to, subject: `[Test] ${email.subject}` }, tx);
        return {
          to: input.to,
          subject: `[Test] ${email.subject}`,
          transport: receipt.transport,
          providerMessageId: receipt.providerMessageId,
          customerEmail: customer.email,
        };
      });
    },
  };
}
