/** Express 5 hand-wired as Stripe's docs show: express.raw() on the route, then stripe.webhooks.constructEvent. */
import { createServer } from 'node:http'
import express from 'express'
import Stripe from 'stripe'
import { STRIPE_SECRET } from '../../support/deliveries.js'
import { countHandled, serve } from '../../support/server.js'

const stripe = new Stripe('sk_test_bench')
const app = express()
app.post('/webhooks', express.raw({ type: 'application/json' }), (req, res) => {
  try {
    stripe.webhooks.constructEvent(
      req.body as Buffer,
      req.headers['stripe-signature'] as string,
      STRIPE_SECRET,
    )
  } catch {
    res.status(400).send('Webhook signature verification failed')
    return
  }
  countHandled()
  res.json({ received: true })
})
serve(createServer(app))
