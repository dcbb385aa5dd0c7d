import type { WebhookEventPayload as ResendWebhookEvent } from 'resend'
import type { PeerMissing, UntypedEvents } from './optional-peer.js'

/** Every Resend webhook event (`email.delivered`, …) mapped to its payload, from `resend`'s `WebhookEventPayload`. */
export type ResendEventMap =
  PeerMissing<ResendWebhookEvent> extends true ? UntypedEvents : { [E in ResendWebhookEvent as E['type']]: E }
