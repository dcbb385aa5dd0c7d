/**
 * Fastify receiving Stripe and GitHub webhooks with typed handlers. Run it: see examples/README.md.
 */
import Fastify from 'fastify'
import { createReceiver } from 'webhook-receiver'
import { fastifyPlugin } from 'webhook-receiver/fastify'
import { github } from 'webhook-receiver/providers/github'
import { stripe } from 'webhook-receiver/providers/stripe'

// A missing or empty secret throws here, at start-up, rather than at the first delivery.
const payments = createReceiver({ provider: stripe({ secret: process.env.STRIPE_WEBHOOK_SECRET! }) })
payments.on('payment_intent.succeeded', (event) => {
  const { amount, currency } = event.payload.data.object // typed: Stripe.PaymentIntent
  console.log(`handled stripe ${event.type} ${event.id} (${amount} ${currency})`)
})

const repository = createReceiver({ provider: github({ secret: process.env.GITHUB_WEBHOOK_SECRET! }) })
repository.on('issues.opened', (event) => {
  const { number, title } = event.payload.issue // typed from @octokit/openapi-webhooks-types
  console.log(`handled github ${event.type} ${event.id} (#${number} ${title})`)
})

const app = Fastify()
// Each plugin is its own encapsulated scope: raw bytes on its webhook route, JSON parsing everywhere else.
await app.register(fastifyPlugin, { receiver: payments, path: '/webhooks/stripe' })
await app.register(fastifyPlugin, { receiver: repository, path: '/webhooks/github' })

const port = Number(process.env.PORT ?? 3000)
await app.listen({ port, host: '127.0.0.1' })
console.log(`listening on http://127.0.0.1:${port}`)

// On SIGTERM (a deploy, a scale-down): deliveries that still arrive get 503 + Retry-After, so the sender retries
// them on another instance; the handlers running finish (25 s at most, inside Kubernetes' 30 s grace period); then
// Fastify closes, and the process exits.
process.once('SIGTERM', async () => {
  await Promise.all([payments.close({ timeoutMs: 25_000 }), repository.close({ timeoutMs: 25_000 })])
  await app.close()
})
