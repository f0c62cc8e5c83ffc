import { ConversionSchema } from './conversion.entity.js';
import { CustomerSchema } from './customer.entity.js';
import { MessageEventSchema } from './message-event.entity.js';
import { SuppressionSchema } from './suppression.entity.js';
import { MessageSchema } from './message.entity.js';
import { OrderSchema } from './order.entity.js';
import { OutboxEmailSchema } from './outbox-email.entity.js';
import { RetentionDispatchSchema } from './retention-dispatch.entity.js';
import { RetentionEnrollmentSchema } from './retention-enrollment.entity.js';
import { RetentionRuleSchema } from './retention-rule.entity.js';
import { StoreSchema } from './store.entity.js';

export * from './conversion.entity.js';
export * from './customer.entity.js';
export * from './message-event.entity.js';
export * from './suppression.entity.js';
export * from './message.entity.js';
export * from './order.entity.js';
export * from './outbox-email.entity.js';
export * from './retention-dispatch.entity.js';
export * from './retention-enrollment.entity.js';
export * from './retention-rule.entity.js';
export * from './store.entity.js';

export const ENTITIES = [
  StoreSchema,
  CustomerSchema,
  OrderSchema,
  RetentionRuleSchema,
  RetentionEnrollmentSchema,
  RetentionDispatchSchema,
  MessageSchema,
  OutboxEmailSchema,
  MessageEventSchema,
  SuppressionSchema,
  ConversionSchema,
];
