// POST /api/webhooks/stripe: a Next.js Pages Router API route.
import { createReceiver } from 'webhook-receiver'
import { nextApiHandler } from 'webhook-receiver/next'
import { stripe } from 'webhook-receiver/providers/stripe'

// `next build` evaluates this module too, so the secret must be set there as well as at `next start`.
const receiver = createReceiver({ provider: stripe({ secret: process.env.STRIPE_WEBHOOK_SECRET! }) })
receiver.on('payment_intent.succeeded', (event) => {
  const { amount, currency } = event.payload.data.object // typed: Stripe.PaymentIntent
  console.log(`handled stripe ${event.type} ${event.id} (${amount} ${currency})`)
})

// `next start` closes its server on SIGTERM and waits for the requests in flight (not for handlers that outlive the
// deadline's 202: the Pages Router has no after()); closing the receiver too answers deliveries that still arrive
// meanwhile 503 + Retry-After, so the sender retries them on another instance.
process.once('SIGTERM', () => void receiver.close())

// Required: Next would otherwise parse the body, and a signature can only be checked on the bytes as sent.
export const config = { api: { bodyParser: false } }
// Next takes an API route's handler from the default export only.
export default nextApiHandler(receiver)
