// POST /webhooks/stripe: a Next.js App Router route handler, which gets the Web Request with its body unread.
import { createReceiver } from 'webhook-receiver'
import { nextRouteHandler } from 'webhook-receiver/next'
import { stripe } from 'webhook-receiver/providers/stripe'

// `next build` evaluates this module too, so the secret must be set there as well as at `next start`.
const receiver = createReceiver({ provider: stripe({ secret: process.env.STRIPE_WEBHOOK_SECRET! }) })
receiver.on('payment_intent.succeeded', (event) => {
  const { amount, currency } = event.payload.data.object // typed: Stripe.PaymentIntent
  console.log(`handled stripe ${event.type} ${event.id} (${amount} ${currency})`)
})

// `next start` closes its server on SIGTERM and waits for the requests in flight and for the work handed to
// after(), handlers past the deadline included; closing the receiver too answers deliveries that still arrive
// meanwhile 503 + Retry-After, so the sender retries them on another instance.
process.once('SIGTERM', () => void receiver.close())

export const POST = nextRouteHandler(receiver)
