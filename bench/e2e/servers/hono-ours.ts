/** Hono on @hono/node-server + fetchHandler(receiver) with the Standard Webhooks provider and the memory store. */
import { createAdaptorServer } from '@hono/node-server'
import { Hono } from 'hono'
import { createReceiver } from 'webhook-receiver'
import { fetchHandler } from 'webhook-receiver/fetch'
import { standardWebhooks } from 'webhook-receiver/providers/standard-webhooks'
import { STANDARD_SECRET } from '../../support/deliveries.js'
import { countHandled, serve } from '../../support/server.js'
import type { Server } from 'node:http'

const receiver = createReceiver({ provider: standardWebhooks({ secret: STANDARD_SECRET }) })
receiver.onAny(countHandled)
const handle = fetchHandler(receiver)
const app = new Hono()
app.post('/webhooks', (c) => handle(c.req.raw))
serve(createAdaptorServer({ fetch: app.fetch }) as Server)
