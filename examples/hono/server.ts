/**
 * Hono on Node.js (through @hono/node-server) receiving Stripe and GitHub webhooks with typed handlers, using the
 * Web-standard fetchHandler that also runs on Bun, Deno and Cloudflare Workers. Run it: see examples/README.md.
 */
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { createReceiver } from 'webhook-receiver'
import { fetchHandler } from 'webhook-receiver/fetch'
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

const handlePayments = fetchHandler(payments)
const handleRepository = fetchHandler(repository)
const app = new Hono()
// c.req.raw is the untouched Web Request. On Cloudflare Workers pass its context too: handle(c.req.raw, c.executionCtx).
app.post('/webhooks/stripe', (c) => handlePayments(c.req.raw))
app.post('/webhooks/github', (c) => handleRepository(c.req.raw))

const port = Number(process.env.PORT ?? 3000)
const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () =>
  console.log(`listening on http://127.0.0.1:${port}`),
)

// On SIGTERM (a deploy, a scale-down): deliveries that still arrive get 503 + Retry-After, so the sender retries
// them on another instance; the handlers running finish (25 s at most, inside Kubernetes' 30 s grace period); then
// the server closes, and the process exits once its last connection has.
process.once('SIGTERM', async () => {
  await Promise.all([payments.close({ timeoutMs: 25_000 }), repository.close({ timeoutMs: 25_000 })])
  server.close()
})
