/** Express 5 + expressMiddleware(receiver) with the Stripe provider and the default memory store. */
import { createServer } from 'node:http'
import express from 'express'
import { createReceiver } from 'webhook-receiver'
import { expressMiddleware } from 'webhook-receiver/express'
import { stripe } from 'webhook-receiver/providers/stripe'
import { STRIPE_SECRET } from '../../support/deliveries.js'
import { countHandled, serve } from '../../support/server.js'

const receiver = createReceiver({ provider: stripe({ secret: STRIPE_SECRET }) })
receiver.onAny(countHandled)
const app = express()
app.post('/webhooks', expressMiddleware(receiver))
serve(createServer(app))
