// POST /ours: nextRouteHandler(receiver) with the Stripe provider and the default memory store.
import { createReceiver } from 'webhook-receiver'
import { nextRouteHandler } from 'webhook-receiver/next'
import { stripe } from 'webhook-receiver/providers/stripe'
import { STRIPE_SECRET } from '../../../../support/deliveries.ts'
import { countHandled } from '../../../../support/server.ts'

const receiver = createReceiver({ provider: stripe({ secret: STRIPE_SECRET }) })
receiver.onAny(countHandled)

export const POST = nextRouteHandler(receiver)
