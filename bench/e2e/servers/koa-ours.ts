/** Koa 3 + @koa/router + koaMiddleware(receiver) with the Stripe provider and the default memory store. */
import { createServer } from 'node:http'
import Router from '@koa/router'
import Koa from 'koa'
import { createReceiver } from 'webhook-receiver'
import { koaMiddleware } from 'webhook-receiver/koa'
import { stripe } from 'webhook-receiver/providers/stripe'
import { STRIPE_SECRET } from '../../support/deliveries.js'
import { countHandled, serve } from '../../support/server.js'

const receiver = createReceiver({ provider: stripe({ secret: STRIPE_SECRET }) })
receiver.onAny(countHandled)
const router = new Router()
router.post('/webhooks', koaMiddleware(receiver))
serve(createServer(new Koa().use(router.routes()).callback()))
