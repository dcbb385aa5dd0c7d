/**
 * A small Express app receiving Stripe and GitHub webhooks with typed handlers: the shape of a real app, where the
 * webhook routes are mounted before `express.json()` serves the app's own API.
 */
import express from 'express'
import { createReceiver, type Logger } from 'webhook-receiver'
import { expressMiddleware } from 'webhook-receiver/express'
import { github } from 'webhook-receiver/providers/github'
import { stripe } from 'webhook-receiver/providers/stripe'

export interface ExampleOptions {
  stripeSecret: string
  githubSecret: string
  /** Called after each handler ran, so a demo or a test can observe what was handled. */
  onHandled?: (provider: string, type: string, id: string) => void
  logger?: Logger
}

export function createApp(options: ExampleOptions): express.Express {
  const payments = createReceiver({ provider: stripe({ secret: options.stripeSecret }), logger: options.logger })
  payments.on('payment_intent.succeeded', (event) => {
    const intent = event.payload.data.object // typed: Stripe.PaymentIntent
    options.onHandled?.('stripe', event.type, event.id)
    return intent.amount
  })

  const repository = createReceiver({ provider: github({ secret: options.githubSecret }), logger: options.logger })
  repository.on('issues.opened', (event) => {
    options.onHandled?.('github', event.type, event.id)
    return event.payload.issue.title // typed from @octokit/openapi-webhooks-types
  })

  const app = express()
  app.post('/webhooks/stripe', expressMiddleware(payments))
  app.post('/webhooks/github', expressMiddleware(repository))
  app.use(express.json()) // the app's own JSON routes come after the webhook routes
  app.get('/health', (_req, res) => {
    res.json({ ok: true })
  })
  return app
}
