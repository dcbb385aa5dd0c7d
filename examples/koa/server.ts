/**
 * Koa with @koa/router, receiving Stripe and GitHub webhooks with typed handlers. Run it: see examples/README.md.
 */
import Router from '@koa/router'
import Koa from 'koa'
import { createReceiver } from 'webhook-receiver'
import { koaMiddleware } from 'webhook-receiver/koa'
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

const router = new Router()
// The middleware reads the raw body itself: no body parser is needed on these routes.
router.post('/webhooks/stripe', koaMiddleware(payments))
router.post('/webhooks/github', koaMiddleware(repository))

const port = Number(process.env.PORT ?? 3000)
const server = new Koa()
  .use(router.routes())
  .listen(port, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${port}`))

// On SIGTERM (a deploy, a scale-down): deliveries that still arrive get 503 + Retry-After, so the sender retries
// them on another instance; the handlers running finish (25 s at most, inside Kubernetes' 30 s grace period); then
// the server closes, and the process exits once its last connection has.
process.once('SIGTERM', async () => {
  await Promise.all([payments.close({ timeoutMs: 25_000 }), repository.close({ timeoutMs: 25_000 })])
  server.close()
})
