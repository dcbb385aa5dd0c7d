/**
 * Fastify 5 hand-wired with a buffer content parser scoped to the webhook route and the standardwebhooks SDK:
 * the reference for fastifyPlugin.
 */
import Fastify from 'fastify'
import { Webhook } from 'standardwebhooks'
import { STANDARD_SECRET } from '../../support/deliveries.js'
import { countHandled, serve } from '../../support/server.js'

const webhook = new Webhook(STANDARD_SECRET)
const app = Fastify()
await app.register(async (scope) => {
  scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) =>
    done(null, body),
  )
  scope.post('/webhooks', async (request, reply) => {
    try {
      webhook.verify(request.body as Buffer, request.headers as Record<string, string>)
    } catch {
      return reply.code(400).send('Webhook signature verification failed')
    }
    countHandled()
    return { received: true }
  })
})
await app.ready()
serve(app.server)
