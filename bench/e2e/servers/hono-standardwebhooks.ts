/** Hono on @hono/node-server hand-wired with the standardwebhooks SDK: read the text, verify, answer. */
import { createAdaptorServer } from '@hono/node-server'
import { Hono } from 'hono'
import { Webhook } from 'standardwebhooks'
import { STANDARD_SECRET } from '../../support/deliveries.js'
import { countHandled, serve } from '../../support/server.js'
import type { Server } from 'node:http'

const webhook = new Webhook(STANDARD_SECRET)
const app = new Hono()
app.post('/webhooks', async (c) => {
  const body = await c.req.text()
  try {
    webhook.verify(body, c.req.header())
  } catch {
    return c.text('Webhook signature verification failed', 400)
  }
  countHandled()
  return c.json({ received: true })
})
serve(createAdaptorServer({ fetch: app.fetch }) as Server)
