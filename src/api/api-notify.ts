/**
 * The HTTP contract of notifications (issue 11): performing a notify item, the delivery log,
 * sending what is due, enabling a channel a 410 disabled. Schemas only; the routes are in
 * `api-routes.ts`.
 */
import { z } from 'zod';
import { deliveryStatuses } from '../core/notify-delivery.ts';
import { named } from './api-registry.ts';
import { releaseItemSchema } from './api-release.ts';
import { nameString } from './api-requests.ts';

export const notifyDeliverySchema = named(
  'NotifyDelivery',
  z.object({
    id: z.string(),
    project: z.string(),
    releaseId: z.string(),
    channel: z.string(),
    event: z.string(),
    message: z.unknown(),
    item: z.number().int().optional(),
    status: z.enum(deliveryStatuses),
    attempts: z.number().int(),
    nextAttemptAt: z.string().optional(),
    lastStatus: z.number().int().optional(),
    lastError: z.string().optional(),
    messageId: z.string().optional(),
    response: z.string().optional(),
    createdAt: z.string(),
    deliveredAt: z.string().optional(),
    requestedBy: z.string(),
  }),
  'One message to one channel, and how its delivery went.',
);

export const disabledChannelSchema = named(
  'DisabledChannel',
  z.object({ project: z.string(), channel: z.string(), at: z.string(), reason: z.string() }),
);

export const notifyItemResultSchema = named(
  'NotifyItemResult',
  z.object({ item: releaseItemSchema, deliveries: z.array(notifyDeliverySchema) }),
);

export const deliveryLogSchema = named(
  'DeliveryLog',
  z.object({
    deliveries: z.array(notifyDeliverySchema),
    disabled: z.array(disabledChannelSchema),
    nextAttemptAt: z.string().optional(),
  }),
);

export const sendDueResultSchema = named(
  'SendDueResult',
  z.object({
    attempted: z.number().int(),
    delivered: z.number().int(),
    deliveries: z.array(notifyDeliverySchema),
    nextAttemptAt: z.string().optional(),
  }),
);

export const notifyChannelResultSchema = named(
  'NotifyChannelResult',
  z.object({ channel: z.string(), enabled: z.boolean() }),
);

export const performNotifyItemRequestSchema = named(
  'PerformNotifyItemRequest',
  z.strictObject({ ref: nameString() }),
);

export const deliveriesQuerySchema = z.strictObject({
  version: nameString().optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

export const sendDueRequestSchema = named(
  'SendDueRequest',
  z.strictObject({ limit: z.number().int().min(1).max(500).optional() }),
);

export const enableChannelRequestSchema = named('EnableChannelRequest', z.strictObject({}));

export const channelParamSchema = nameString().describe('A channel of the playbook’s notify:.');
