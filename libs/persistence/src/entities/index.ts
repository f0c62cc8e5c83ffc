import { AccountSchema } from './account.entity.js';
import { ConversionSchema } from './conversion.entity.js';
import { EmailTokenSchema } from './email-token.entity.js';
import { RateLimitSchema } from './rate-limit.entity.js';
import { StoreTrialSchema } from './store-trial.entity.js';
import { UserSessionSchema } from './user-session.entity.js';
import { UserSchema } from './user.entity.js';
import { CustomerSchema } from './customer.entity.js';
import { DirectMessageSchema } from './direct-message.entity.js';
import { CustomerSubscriptionEventSchema } from './customer-subscription-event.entity.js';
import { MessageEventSchema } from './message-event.entity.js';
import { SuppressionSchema } from './suppression.entity.js';
import { MessageSchema } from './message.entity.js';
import { ConversionStatSchema, MessageStatSchema } from './message-stat.entity.js';
import { OrderSchema } from './order.entity.js';
import { OrderTrackingSchema } from './order-tracking.entity.js';
import { StoreOrderDaySchema, StoreProductDaySchema } from './store-order-day.entity.js';
import { InboxEventSchema } from './inbox-event.entity.js';
import { OrderLineSchema } from './order-line.entity.js';
import { ProductSchema, ProductVariantSchema } from './product.entity.js';
import { OutboxEmailSchema } from './outbox-email.entity.js';
import { RetentionDispatchSchema } from './retention-dispatch.entity.js';
import { RetentionEnrollmentSchema } from './retention-enrollment.entity.js';
import { RetentionRuleSchema } from './retention-rule.entity.js';
import { StoreSchema } from './store.entity.js';
import { StoreLogoSchema } from './store-logo.entity.js';
import { StoreConnectionSchema } from './store-connection.entity.js';
import { StoreProductSchema } from './store-product.entity.js';
import { SyncRunSchema } from './sync-run.entity.js';
import { ProfileLinkSchema } from './profile-link.entity.js';
import { PrivacyRequestSchema } from './privacy-request.entity.js';
import { SegmentCheckSchema, SegmentMembershipEventSchema, SegmentMembershipSchema, SegmentSchema } from './segment.entity.js';
import { WebhookAttemptSchema, WebhookDeliverySchema, WebhookEndpointSchema } from './webhook.entity.js';
import { GoogleAnalyticsConnectionSchema } from './google-analytics.entity.js';

export * from './account.entity.js';
export * from './google-analytics.entity.js';
export * from './conversion.entity.js';
export * from './email-token.entity.js';
export * from './rate-limit.entity.js';
export * from './store-trial.entity.js';
export * from './user-session.entity.js';
export * from './user.entity.js';
export * from './customer.entity.js';
export * from './direct-message.entity.js';
export * from './customer-subscription-event.entity.js';
export * from './message-event.entity.js';
export * from './suppression.entity.js';
export * from './message.entity.js';
export * from './message-stat.entity.js';
export * from './order.entity.js';
export * from './order-tracking.entity.js';
export * from './store-order-day.entity.js';
export * from './inbox-event.entity.js';
export * from './order-line.entity.js';
export * from './product.entity.js';
export * from './outbox-email.entity.js';
export * from './retention-dispatch.entity.js';
export * from './retention-enrollment.entity.js';
export * from './retention-rule.entity.js';
export * from './store.entity.js';
export * from './store-logo.entity.js';
export * from './store-connection.entity.js';
export * from './store-product.entity.js';
export * from './sync-run.entity.js';
export * from './profile-link.entity.js';
export * from './privacy-request.entity.js';
export * from './segment.entity.js';
export * from './webhook.entity.js';

export const ENTITIES = [
  StoreSchema,
  CustomerSchema,
  OrderSchema,
  OrderTrackingSchema,
  RetentionRuleSchema,
  RetentionEnrollmentSchema,
  RetentionDispatchSchema,
  MessageSchema,
  DirectMessageSchema,
  OutboxEmailSchema,
  MessageEventSchema,
  SuppressionSchema,
  ConversionSchema,
  AccountSchema,
  UserSchema,
  UserSessionSchema,
  EmailTokenSchema,
  StoreTrialSchema,
  RateLimitSchema,
  StoreProductSchema,
  StoreLogoSchema,
  MessageStatSchema,
  ConversionStatSchema,
  StoreConnectionSchema,
  SyncRunSchema,
  InboxEventSchema,
  OrderLineSchema,
  ProductSchema,
  ProductVariantSchema,
  CustomerSubscriptionEventSchema,
  ProfileLinkSchema,
  PrivacyRequestSchema,
  SegmentSchema,
  SegmentMembershipSchema,
  SegmentMembershipEventSchema,
  SegmentCheckSchema,
  WebhookEndpointSchema,
  WebhookDeliverySchema,
  WebhookAttemptSchema,
  StoreOrderDaySchema,
  StoreProductDaySchema,
  GoogleAnalyticsConnectionSchema,
];
