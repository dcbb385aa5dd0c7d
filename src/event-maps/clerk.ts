import type { WebhookEvent as ClerkWebhookEvent } from '@clerk/backend'
import type { PeerMissing, UntypedEvents } from './optional-peer.js'

/** The event of `Events` whose `type` may be `K`, with its `type` narrowed to `K` (Clerk types `user.created |
 * user.updated` as one event). */
type EventOfType<Events, K> = Events extends { type: infer T }
  ? K extends T
    ? Omit<Events, 'type'> & { type: K }
    : never
  : never

/** Every Clerk webhook event (`user.created`, …) mapped to its payload, from `@clerk/backend`'s `WebhookEvent`. */
export type ClerkEventMap =
  PeerMissing<ClerkWebhookEvent> extends true
    ? UntypedEvents
    : { [K in ClerkWebhookEvent['type']]: EventOfType<ClerkWebhookEvent, K> }
