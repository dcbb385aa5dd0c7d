/**
 * Koa 3 + @koa/router hand-wired as Stripe's community examples do it: read the raw body with raw-body, then
 * stripe.webhooks.constructEvent.
 */
import { createServer } from 'node:http'
import Router from '@koa/router'
import Koa from 'koa'
import getRawBody from 'raw-body'
import Stripe from 'stripe'
import { STRIPE_SECRET } from '../../support/deliveries.js'
import { countHandled, serve } from '../../support/server.js'

const stripe = new Stripe('sk_test_bench')
const router = new Router()
router.post('/webhooks', async (ctx) => {
  const body = await getRawBody(ctx.req, { length: ctx.get('content-length'), limit: '1mb' })
  try {
    stripe.webhooks.constructEvent(body, ctx.get('stripe-signature'), STRIPE_SECRET)
  } catch {
    ctx.status = 400
    ctx.body = 'Webhook signature verification failed'
    return
  }
  countHandled()
  ctx.body = { received: true }
})
serve(createServer(new Koa().use(router.routes()).callback()))
