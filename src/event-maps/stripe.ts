import type * as stripeModule from 'stripe'
import type { PeerMissing, UntypedEvents } from './optional-peer.js'

type StripeModule = typeof stripeModule

/**
 * `stripe.webhooks`, found the same way in every `stripe` major: the static member of the named `Stripe` class
 * (the ambient module of v18–21, the ES module typings of v22+) or of the `export =` constructor (the CommonJS
 * typings of v22+, whose `Stripe` export is a type alias only, so `import { Stripe }` cannot reach `Stripe.Event`
 * there). A static member is read, not the instance type, because a namespace import of an `export =` class loses
 * its construct signature under `esModuleInterop`.
 */
type StripeWebhooks<M> = M extends { Stripe: { webhooks: infer Webhooks } }
  ? Webhooks
  : M extends { webhooks: infer Webhooks }
    ? Webhooks
    : never

/** `Stripe.Event`, the union of every event, as `stripe.webhooks.constructEvent` returns it. */
export type StripeEvent =
  StripeWebhooks<StripeModule> extends {
    constructEvent: (...args: any) => infer Event extends { type: string }
  }
    ? Event
    : never

/** Every Stripe event type mapped to its payload, from the `stripe` package's own `Stripe.Event` union. */
export type StripeEventMap =
  PeerMissing<StripeModule> extends true ? UntypedEvents : { [E in StripeEvent as E['type']]: E }
