/** Fastify 5 + fastifyPlugin (its own scope, raw bytes on the webhook route) with the Standard Webhooks provider. */
import Fastify from 'fastify'
import { createReceiver } from 'webhook-receiver'
import { fastifyPlugin } from 'webhook-receiver/fastify'
import { standardWebhooks } from 'webhook-receiver/providers/standard-webhooks'
import { STANDARD_SECRET } from '../../support/deliveries.js'
import { countHandled, serve } from '../../support/server.js'

const receiver = createReceiver({ provider: standardWebhooks({ secret: STANDARD_SECRET }) })
receiver.onAny(countHandled)
const app = Fastify()
await app.register(fastifyPlugin, { receiver, path: '/webhooks' })
await app.ready()
serve(app.server)
