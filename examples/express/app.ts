/**
 * A small Express app receiving Stripe and GitHub webhooks (and Twilio and SendGrid ones when their secrets are
 * given) with typed handlers: the shape of a real app, where the webhook routes are mounted before `express.json()`
 * serves the app's own API.
 */
import express from 'express'
import { createReceiver, type CloseOptions, type Logger, type Receiver } from 'webhook-receiver'
import { expressMiddleware } from 'webhook-receiver/express'
import { github } from 'webhook-receiver/providers/github'
import { sendgrid } from 'webhook-receiver/providers/sendgrid'
import { stripe } from 'webhook-receiver/providers/stripe'
import { twilio, twimlReply } from 'webhook-receiver/providers/twilio'

export interface ExampleOptions {
  stripeSecret: string
  githubSecret: string
  /** Without it, no /webhooks/twilio route. */
  twilioAuthToken?: string
  /** The SendGrid Event Webhook verification key (base64 DER). Without it, no /webhooks/sendgrid route. */
  sendgridPublicKey?: string
  /** Called after each handler ran, so a demo or a test can observe what was handled. */
  onHandled?: (provider: string, type: string, id: string) => void
  logger?: Logger
}

/** The Express app, and a way to close its receivers when the process is told to stop. */
export type ExampleApp = express.Express & {
  /** Closes every receiver: new deliveries get 503, and the handlers running finish (see server.ts). */
  closeReceivers(options?: CloseOptions): Promise<void>
}

export function createApp(options: ExampleOptions): ExampleApp {
  const receivers: Receiver<any>[] = []
  const payments = createReceiver({
    provider: stripe({ secret: options.stripeSecret }),
    logger: options.logger,
  })
  payments.on('payment_intent.succeeded', (event) => {
    const intent = event.payload.data.object // typed: Stripe.PaymentIntent
    options.onHandled?.('stripe', event.type, event.id)
    return intent.amount
  })

  const repository = createReceiver({
    provider: github({ secret: options.githubSecret }),
    logger: options.logger,
  })
  repository.on('issues.opened', (event) => {
    options.onHandled?.('github', event.type, event.id)
    return event.payload.issue.title // typed from @octokit/openapi-webhooks-types
  })

  receivers.push(payments, repository)
  const app = express()
  app.post('/webhooks/stripe', expressMiddleware(payments))
  app.post('/webhooks/github', expressMiddleware(repository))

  if (options.twilioAuthToken) {
    // The seed's "Twilio → your support tool": an SMS comes in, the handler answers it with TwiML.
    const sms = createReceiver({
      provider: twilio({ authToken: options.twilioAuthToken }),
      logger: options.logger,
    })
    sms.on('message.received', (event) => {
      options.onHandled?.('twilio', event.type, event.id)
      const ticket = `T-${String(event.payload.MessageSid).slice(-4)}`
      return twimlReply(
        `<?xml version="1.0" encoding="UTF-8"?><Response><Message>Thanks! Ticket ${ticket} is open.</Message></Response>`,
      )
    })
    app.post('/webhooks/twilio', expressMiddleware(sms))
    receivers.push(sms)
  }

  if (options.sendgridPublicKey) {
    // SendGrid batches events: each item is deduplicated and dispatched on its own.
    const email = createReceiver({
      provider: sendgrid({ publicKey: options.sendgridPublicKey }),
      logger: options.logger,
    })
    email.onAny((event) => {
      options.onHandled?.('sendgrid', event.type, event.id)
    })
    app.post('/webhooks/sendgrid', expressMiddleware(email))
    receivers.push(email)
  }

  app.use(express.json()) // the app's own JSON routes come after the webhook routes
  app.get('/health', (_req, res) => {
    res.json({ ok: true })
  })
  return Object.assign(app, {
    closeReceivers: async (close?: CloseOptions) => {
      await Promise.all(receivers.map((receiver) => receiver.close(close)))
    },
  })
}
